"""Replies to citizens on SMS and USSD, in the language of their keyword (JIUNGE → Swahili,
JOIN → English), like ``intake.texts``."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "joined": {
        "sw": "Umejiunga na arifa za usalama za kata ya {ward}. Tuma ACHA kusitisha.",
        "en": "You will get safety alerts for {ward} ward. Send STOP to end them.",
    },
    "already": {
        "sw": "Tayari unapata arifa za kata ya {ward}. Tuma ACHA kusitisha.",
        "en": "You already get alerts for {ward} ward. Send STOP to end them.",
    },
    "which_ward": {
        "sw": "Kata {name} ziko kadhaa. Tuma JIUNGE na nambari: {choices}",
        "en": "There are several {name} wards. Send JOIN with the number: {choices}",
    },
    "no_ward": {
        "sw": "Kata hiyo haijulikani. Tuma JIUNGE <jina la kata>, mf. JIUNGE Kilimani.",
        "en": "Unknown ward. Send JOIN <ward name>, e.g. JOIN Kilimani.",
    },
    "stopped": {
        "sw": "Arifa zimesitishwa. Hutapokea ujumbe zaidi. Tuma JIUNGE <kata> kujiunga tena.",
        "en": "Alerts stopped. You will get no more messages. Send JOIN <ward> to join again.",
    },
    "not_subscribed": {
        "sw": "Hupokei arifa zozote.",
        "en": "You do not get any alerts.",
    },
    "ussd_prompt": {
        "sw": "Arifa za kata: andika jina au nambari ya kata yako (0 kusitisha arifa)",
        "en": "Ward alerts: enter your ward's name or number (0 to stop alerts)",
    },
    "ussd_menu": {"sw": "Arifa za kata", "en": "Ward alerts"},
}


def t(key: str, language: str, **values: str) -> str:
    text = TEXTS[key].get(language) or TEXTS[key]["sw"]
    return text.format(**values)
