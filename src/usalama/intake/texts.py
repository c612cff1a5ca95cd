# ruff: noqa: E501  (USSD screens are easier to check on one line)
"""Short texts for USSD screens and SMS replies, Swahili and English side by side.

Kept here rather than in the gettext catalogue because a USSD session's language is the
caller's menu choice, not the request's, and screens must stay under 182 characters.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "menu": {
        "sw": "Karibu usalama\n1. Ripoti uhalifu\n2. Toa siri bila jina\n3. Angalia nambari ya ripoti au siri\n0. English",
        "en": "Welcome to usalama\n1. Report a crime\n2. Anonymous tip\n3. Check a reference or tip code\n0. Kiswahili",
    },
    "pick_category": {"sw": "Chagua aina ya uhalifu:", "en": "Choose the kind of crime:"},
    "describe": {"sw": "Eleza kilichotokea:", "en": "Describe what happened:"},
    "where": {"sw": "Wapi? (mahali, kaunti)", "en": "Where? (place, county)"},
    "contact": {
        "sw": "Polisi wakupigie kwa nambari hii?\n1. Ndiyo\n2. Hapana",
        "en": "May police call you on this number?\n1. Yes\n2. No",
    },
    "leader_option": {"sw": "3. Kiongozi (weka PIN)", "en": "3. Local leader (enter PIN)"},
    "enter_pin": {"sw": "Weka PIN yako ya kiongozi:", "en": "Enter your leader PIN:"},
    "report_done": {
        "sw": "Asante. Nambari ya ripoti yako: {reference}",
        "en": "Thank you. Your report reference: {reference}",
    },
    "tip_prompt": {"sw": "Andika siri yako (bila jina):", "en": "Type your tip (anonymous):"},
    "tip_done": {
        "sw": "Asante. Nambari yako ya siri (iandike, haitaonyeshwa tena): {code}",
        "en": "Thank you. Your tip code (write it down, it is shown only once): {code}",
    },
    "check_prompt": {
        "sw": "Weka nambari ya ripoti au ya siri:",
        "en": "Enter a report reference or tip code:",
    },
    "status": {"sw": "Hali: {status}", "en": "Status: {status}"},
    "reply": {"sw": "Jibu: {text}", "en": "Reply: {text}"},
    "station": {"sw": "Kituo cha polisi: {station}", "en": "Police station: {station}"},
    "status_update": {
        "sw": "usalama: ripoti {reference}. Hali: {status}.",
        "en": "usalama: report {reference}. Status: {status}.",
    },
    "not_found": {
        "sw": "Nambari hiyo haijapatikana.",
        "en": "That reference or code was not found.",
    },
    "invalid_choice": {"sw": "Chaguo si sahihi.", "en": "Invalid choice."},
    "empty": {"sw": "Ujumbe ni mtupu.", "en": "The message is empty."},
    "too_long": {"sw": "Ujumbe ni mrefu mno.", "en": "The message is too long."},
    "invalid": {
        "sw": "Samahani, ujumbe haukukubaliwa.",
        "en": "Sorry, the message was not accepted.",
    },
    "busy": {
        "sw": "Majaribio mengi mno. Jaribu tena baadaye.",
        "en": "Too many attempts. Try again later.",
    },
    "code_locked": {
        "sw": "Nambari nyingi zisizo sahihi. Jaribu tena baada ya dakika {minutes}.",
        "en": "Too many wrong codes. Try again in {minutes} minutes.",
    },
    "pin_wrong": {"sw": "PIN si sahihi.", "en": "Wrong PIN."},
    "message_received": {
        "sw": "Ujumbe wako umepokelewa. Angalia majibu kwa nambari yako ya siri.",
        "en": "Your message was received. Check for replies with your tip code.",
    },
}


def t(key: str, language: str, **values: str) -> str:
    text = TEXTS[key]["en" if language == "en" else "sw"]
    return text.format(**values) if values else text
