# ruff: noqa: E501  (USSD screens are easier to check on one line)
"""Complaints against police over SMS and USSD: the functions the intake app's channels call
(wired by ``usalama.desk.public_channels``; the oversight app does not import intake).

- SMS ``MALALAMIKO``/``COMPLAINT`` + text: a complaint in IPOA's receipt stage; the reply
  carries the reference and a digits-only follow-up code (shown once, stored as a hash).
- USSD "Complain about a police officer": place, what happened, the officer's name or number
  (0 to skip), the police station (0 to skip) → a complaint, its reference and code.
- ``HALI``/``STATUS`` + that code (or the USSD "check" item): the complaint's stage.

Complaints from these channels are anonymous: no name is asked, and the caller's number never
reaches this module (the intake side rate-limits by its keyed HMAC).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import translation

from usalama.core.errors import InvalidInput, NotFound
from usalama.oversight import services
from usalama.oversight.models import Channel, Stage

SKIP = "0"
TEXTS: dict[str, dict[str, str]] = {
    "menu_item": {"sw": "Lalamika kuhusu afisa wa polisi", "en": "Complain about a police officer"},
    "where": {
        "sw": "Malalamiko dhidi ya polisi (kwa IPOA).\nIlitokea wapi? (mahali, kaunti)",
        "en": "Complaint against police (to IPOA).\nWhere did it happen? (place, county)",
    },
    "what": {"sw": "Eleza kilichotokea:", "en": "Describe what happened:"},
    "officer": {
        "sw": "Jina au nambari ya afisa (0 kuruka):",
        "en": "The officer's name or number (0 to skip):",
    },
    "station": {
        "sw": "Kituo cha polisi (0 kuruka):",
        "en": "The police station (0 to skip):",
    },
    "done": {
        "sw": "Asante. IPOA imepokea malalamiko {reference}. Nambari ya kufuatilia (iandike, haitaonyeshwa tena): {code}",
        "en": "Thank you. IPOA received complaint {reference}. Follow-up code (write it down, it is shown only once): {code}",
    },
    "sms_done": {
        "sw": "Asante. IPOA imepokea malalamiko yako dhidi ya polisi: {reference}. Nambari ya kufuatilia (iandike, haitaonyeshwa tena): {code}. Tuma HALI {code} kujua hatua yake.",
        "en": "Thank you. IPOA received your complaint against police: {reference}. Follow-up code (write it down, it is shown only once): {code}. Send STATUS {code} to follow it.",
    },
    "too_short": {
        "sw": "Eleza kilichotokea (angalau herufi 10).",
        "en": "Describe what happened (at least 10 characters).",
    },
    "sms_hint": {
        "sw": "Tuma MALALAMIKO na maelezo.",
        "en": "Send COMPLAINT and the details.",
    },
    "too_long": {"sw": "Ujumbe ni mrefu mno.", "en": "The message is too long."},
    "closed": {
        "sw": "Malalamiko hayawezi kupokelewa sasa. Tafadhali piga simu IPOA.",
        "en": "Complaints cannot be received right now. Please call IPOA.",
    },
    "status": {
        "sw": "Malalamiko {reference}: {stage}.",
        "en": "Complaint {reference}: {stage}.",
    },
    "recommendation": {"sw": "Pendekezo: {text}.", "en": "Recommendation: {text}."},
}

# 30 digits (SMS and USSD complaints) or 24 hex characters (the web form's code)
_CODE = re.compile(r"\d{30}|[0-9A-F]{24}")


def t(key: str, language: str, **values: str) -> str:
    text = TEXTS[key]["en" if language == "en" else "sw"]
    return text.format(**values) if values else text


def is_code(raw: str) -> bool:
    """Whether ``raw`` has the shape of a complaint's follow-up code (not a tip code: those
    are 25 digits or 16 base32 characters)."""
    return bool(_CODE.fullmatch("".join(ch for ch in raw.upper() if ch.isalnum())))


def _channel(channel: str) -> str:
    return Channel.USSD if channel == Channel.USSD else Channel.SMS


def _file(
    language: str,
    channel: str,
    *,
    description: str,
    place: str = "",
    officer: str = "",
    station: str = "",
) -> tuple[str, str]:
    try:
        complaint, code = services.file_public_complaint(
            channel=_channel(channel),
            description=description,
            place=place,
            officer_description=officer,
            station=station,
        )
    except InvalidInput as error:
        if "at least" in error.message:
            raise InvalidInput(t("too_short", language)) from error
        raise InvalidInput(t("too_long", language)) from error
    return complaint.reference, code


def sms_complaint(text: str, language: str, channel: str) -> str:
    """``MALALAMIKO``/``COMPLAINT`` + text: file the complaint and reply with its code."""
    try:
        reference, code = _file(language, channel, description=text)
    except InvalidInput as error:
        return f"{error.message} {t('sms_hint', language)}"
    except NotFound:
        return t("closed", language)
    return t("sms_done", language, reference=reference, code=code)


def ussd_complaint(rest: list[str], language: str, final: Callable[[], None]) -> tuple[bool, str]:
    """One step of the USSD complaint: (finished?, screen)."""
    steps = ("where", "what", "officer", "station")
    if len(rest) == 2 and len(rest[1].strip()) < services.MIN_DESCRIPTION:
        return True, t("too_short", language)
    if len(rest) < len(steps):
        return False, t(steps[len(rest)], language)
    if len(rest) > len(steps):
        raise InvalidInput("too many answers")
    place, what, officer, station = (value.strip() for value in rest)
    final()
    try:
        reference, code = _file(
            language,
            Channel.USSD,
            description=what,
            place=place,
            officer="" if officer == SKIP else officer,
            station="" if station == SKIP else station,
        )
    except InvalidInput as error:
        return True, error.message
    except NotFound:
        return True, t("closed", language)
    return True, t("done", language, reference=reference, code=code)


def complaint_status(raw: str, language: str) -> str | None:
    """The stage of the complaint with this follow-up code; None when ``raw`` is not shaped
    like one (so that intake looks it up as a tip code or reference)."""
    if not is_code(raw):
        return None
    complaint = services.complaint_by_code(raw)  # NotFound when no complaint has it
    with translation.override("sw" if language != "en" else "en"):
        parts = [
            t(
                "status",
                language,
                reference=complaint.reference,
                stage=str(Stage(complaint.stage).label),
            )
        ]
        if complaint.recommendation:
            parts.append(
                t("recommendation", language, text=str(complaint.get_recommendation_display()))
            )
    return " ".join(parts)
