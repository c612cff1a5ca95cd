"""Inbound SMS commands (Africa's Talking and SMSSync share them), Swahili or English.

- any text, or ``SIRI``/``TIP`` + text: an anonymous tip; the reply carries the tip code;
- ``<tip code> <text>``: a message to the investigators on that tip (code alone: status);
- ``HALI``/``STATUS`` + reference or code: the status and the latest reply;
- ``RIPOTI``/``REPORT`` + text: an identified report (a reference, no contact kept);
- ``KIONGOZI``/``LEADER`` + PIN + text: a verified report from a registered local leader;
- ``MALALAMIKO``/``COMPLAINT`` + text: a complaint against police, to IPOA (``channels``);
- keywords that act for the caller, registered in ``channels`` (ward alerts: ``JIUNGE``/``JOIN``,
  ``ACHA``/``STOP``).
The sender's number is used for the reply and, as a keyed HMAC, for rate limiting only.
"""

from __future__ import annotations

import re

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.intake import channels, codes, services, throttle
from usalama.intake.errors import RateLimited
from usalama.intake.texts import t

# A code first: 25 digits (spaces or dashes allowed), or 16 base32 characters written
# together or in dashed groups (not with spaces: four short words must stay a tip).
_CODE_FIRST = re.compile(
    r"^\s*((?:\d[\s-]*){24}\d|[0-9A-Za-z]{4}(?:-?[0-9A-Za-z]{4}){3})(?=\s|$)(.*)$", re.DOTALL
)
_KEYWORDS = {
    "siri": ("tip", "sw"),
    "tip": ("tip", "en"),
    "hali": ("status", "sw"),
    "status": ("status", "en"),
    "ripoti": ("report", "sw"),
    "report": ("report", "en"),
    "kiongozi": ("leader", "sw"),
    "leader": ("leader", "en"),
    "malalamiko": ("complaint", "sw"),
    "complaint": ("complaint", "en"),
}


def handle(phone: str, text: str, channel: str) -> str:
    """Store what the SMS asks for and return the reply text (errors become a reply too)."""
    body = services.clean_field(text, "text", max_length=services.MAX_DESCRIPTION)
    first, _, rest = body.partition(" ")
    if first.lower() in channels.CALLER_SMS_KEYWORDS:  # JIUNGE/JOIN, ACHA/STOP (community)
        handler, language = channels.CALLER_SMS_KEYWORDS[first.lower()]
        return handler(phone, rest.strip(), language, channel)
    command, language = _KEYWORDS.get(first.lower(), ("", "sw"))
    try:
        return _dispatch(phone, body, command, rest.strip(), language, channel)
    except RateLimited as busy:
        if busy.retry_after:
            return t("code_locked", language, minutes=str(throttle.minutes(busy.retry_after)))
        return t("busy", language)
    except NotFound:
        return t("not_found", language)
    except PermissionDenied:
        return t("pin_wrong", language)


def _dispatch(phone: str, body: str, command: str, rest: str, language: str, channel: str) -> str:
    client = throttle.for_phone_digest(services.phone_digest(phone))
    code_first = _CODE_FIRST.match(body) if not command else None
    if code_first and codes.normalise_code(code_first[1]) is not None:
        code, message = code_first[1], code_first[2].strip()
        if not message:
            return _status_text(code, language, client)
        services.add_tipster_message(code, message, channel, client=client)
        return t("message_received", language)
    if command == "status":
        return _status_text(rest, language, client)
    if command in channels.SMS_COMMANDS:
        return channels.SMS_COMMANDS[command](rest, language, channel)
    other = channels.status_text(body, language) if not command else None
    if other is not None:  # another app's follow-up code sent alone
        return other
    if command == "report":
        data = services.SubmissionInput(
            category="", description=rest, channel=channel, language=language
        )
        return t("report_done", language, reference=services.submit_report(data).reference)
    if command == "leader":
        pin, _, report_text = rest.partition(" ")
        leader = services.leader_by_pin(phone, pin)
        data = services.SubmissionInput(
            category="", description=report_text, channel=channel, language=language
        )
        report = services.submit_report(data, leader=leader)
        return t("report_done", language, reference=report.reference)
    description = rest if command == "tip" else body
    _tip, code = services.submit_tip(
        services.SubmissionInput(
            category="", description=description, channel=channel, language=language
        )
    )
    return t("tip_done", language, code=code)


def _status_text(raw: str, language: str, client: throttle.Client) -> str:
    other = channels.status_text(raw, language)
    if other is not None:
        return other
    status = services.status_for(raw, language, client=client)
    parts = [t("status", language, status=status.status_label)]
    if status.station:
        parts.append(t("station", language, station=status.station))
    if status.note:
        parts.append(status.note)
    staff = [m for m in status.messages if m.author == "staff"]
    if staff:
        parts.append(t("reply", language, text=staff[-1].text[:300]))
    return " ".join(parts)


__all__ = ["InvalidInput", "handle"]
