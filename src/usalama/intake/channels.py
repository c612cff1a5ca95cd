"""Extension points of the public channels (SMS and USSD) for other apps.

Two kinds of handler: most never see the caller's number (complaints, self-referrals: the
intake side keeps rate limiting and replay refusal); a few must act *for* the caller and get
the number to do so (ward alert subscriptions store it sealed, to send alerts back) — they
must never log it.

Domain apps do not import each other, so an app that takes something from the public over SMS
or USSD (complaints against police, officers' wellness self-referrals) offers plain functions
and delivery code registers them here once (``usalama.desk.public_channels``, from the web
app's ``ready``). The intake side keeps what it always did: rate limiting by phone HMAC,
replay refusal, the language, and CON/END; the registered functions never see a phone number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# (text after the keyword, language, channel) -> the reply
SmsHandler = Callable[[str, str, str], str]
# (a code or reference as typed, language) -> a status reply, or None when it is not this app's
StatusLookup = Callable[[str, str], "str | None"]
# (inputs after the menu choice, language, final) -> (finished?, screen text). ``final()``
# counts the caller and refuses a replayed session step: call it before storing anything.
UssdHandler = Callable[[list[str], str, Callable[[], None]], tuple[bool, str]]


@dataclass(frozen=True)
class UssdItem:
    choice: str
    labels: dict[str, str]  # {"sw": ..., "en": ...}
    handler: UssdHandler

    def label(self, language: str) -> str:
        return self.labels["en" if language == "en" else "sw"]


SMS_COMMANDS: dict[str, SmsHandler] = {}
USSD_ITEMS: dict[str, UssdItem] = {}
STATUS_LOOKUPS: list[StatusLookup] = []


def register_sms(command: str, handler: SmsHandler) -> None:
    SMS_COMMANDS[command] = handler


def register_ussd(item: UssdItem) -> None:
    USSD_ITEMS[item.choice] = item


def register_status(lookup: StatusLookup) -> None:
    if lookup not in STATUS_LOOKUPS:
        STATUS_LOOKUPS.append(lookup)


def status_text(raw: str, language: str) -> str | None:
    """The status reply of the first app that recognises this code, or None."""
    for lookup in STATUS_LOOKUPS:
        reply = lookup(raw, language)
        if reply is not None:
            return reply
    return None


# --- handlers that act for the caller (they get the number; never log it) -------------------
# keyword (lower case) -> (handler(phone, rest, language, channel) -> reply, language)
CallerSmsHandler = Callable[[str, str, str, str], str]
CALLER_SMS_KEYWORDS: dict[str, tuple[CallerSmsHandler, str]] = {}


@dataclass(frozen=True)
class CallerUssdEntry:
    labels: dict[str, str]  # {"sw": ..., "en": ...}
    # handler(session_id, phone, inputs after the choice, language) -> "CON ..." or "END ..."
    handler: Callable[[str, str, list[str], str], str]

    def label(self, language: str) -> str:
        return self.labels["en" if language == "en" else "sw"]


CALLER_USSD_ENTRIES: dict[str, CallerUssdEntry] = {}


def register_caller_sms(word: str, language: str, handler: CallerSmsHandler) -> None:
    CALLER_SMS_KEYWORDS[word.lower()] = (handler, language)


def register_caller_ussd(choice: str, entry: CallerUssdEntry) -> None:
    if choice in USSD_ITEMS:
        raise ValueError(f"USSD menu choice {choice} is already taken")
    CALLER_USSD_ENTRIES[choice] = entry


def menu(base: str, language: str) -> str:
    """The main USSD menu with the registered items before its last line (the language
    switch)."""
    labels = {c: item.label(language) for c, item in USSD_ITEMS.items()}
    labels.update({c: entry.label(language) for c, entry in CALLER_USSD_ENTRIES.items()})
    if not labels:
        return base
    lines = base.split("\n")
    extra = [f"{c}. {labels[c]}" for c in sorted(labels)]
    return "\n".join([*lines[:-1], *extra, lines[-1]])
