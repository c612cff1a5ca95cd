"""SMS keywords and USSD menu entries that other apps add to the citizen channels.

Registered from those apps' ``AppConfig.ready`` so that intake names none of them (domain apps
stay independent). A handler gets the caller's number only to act for them (e.g. to store an
alert subscription sealed); it must never log it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# keyword (lower case) -> (handler(phone, rest, language, channel) -> reply, language)
SmsHandler = Callable[[str, str, str, str], str]
SMS_KEYWORDS: dict[str, tuple[SmsHandler, str]] = {}


@dataclass(frozen=True)
class UssdEntry:
    labels: dict[str, str]  # language -> menu line text, e.g. {"sw": "Arifa za kata", ...}
    # handler(session_id, phone, inputs after the choice, language) -> "CON ..." or "END ..."
    handler: Callable[[str, str, list[str], str], str]


USSD_ENTRIES: dict[str, UssdEntry] = {}


def register_sms_keyword(word: str, language: str, handler: SmsHandler) -> None:
    SMS_KEYWORDS[word.lower()] = (handler, language)


def register_ussd_entry(choice: str, entry: UssdEntry) -> None:
    USSD_ENTRIES[choice] = entry


def ussd_menu_lines(language: str) -> str:
    return "".join(
        f"\n{choice}. {entry.labels.get(language, '')}"
        for choice, entry in sorted(USSD_ENTRIES.items())
    )
