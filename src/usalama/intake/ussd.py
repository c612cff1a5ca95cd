"""The USSD menu (Africa's Talking style: ``text`` holds every input so far joined by ``*``).

First level: 1 report a crime, 2 anonymous tip, 3 check a reference or tip code, then the
items other apps register (``channels``: 4 complain about a police officer, 5 officers'
wellness, 6 ward alerts), 0 switch language (Swahili first, English second). Replies start
``CON`` (more input) or ``END``.
The caller's number is used only to ask "may police call you?" (kept only on "yes") and as a
keyed HMAC for rate limiting; an anonymous tip never sees it.
"""

from __future__ import annotations

from django.db import transaction

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.intake import channels, codes, services, throttle
from usalama.intake.categories import BY_CODE, USSD_CATEGORIES
from usalama.intake.errors import RateLimited
from usalama.intake.models import Channel, LocalLeader
from usalama.intake.texts import t

MAX_USSD_TEXT = 1000


def con(text: str) -> str:
    return "CON " + text


def end(text: str) -> str:
    return "END " + text


def _category_menu(language: str) -> str:
    lines = [t("pick_category", language)]
    for number, code in enumerate(USSD_CATEGORIES, start=1):
        lines.append(f"{number}. {BY_CODE[code].name(language)}")
    return "\n".join(lines)


def _is_leader_phone(phone: str) -> bool:
    digests = services.phone_digests(phone)
    return LocalLeader.objects.filter(phone_hmac__in=digests, active=True).exists()


def _final(session_id: str, phone: str, text: str) -> None:
    """A step that stores something: count the caller (as an HMAC) and refuse a replay."""
    services.check_phone(phone)
    services.accept_once("ussd", f"{session_id}:{text}")


def _error_reply(error: Exception, language: str) -> str:
    if isinstance(error, RateLimited):
        if error.retry_after:
            minutes = str(throttle.minutes(error.retry_after))
            return end(t("code_locked", language, minutes=minutes))
        return end(t("busy", language))
    if isinstance(error, NotFound):
        return end(t("not_found", language))
    if isinstance(error, PermissionDenied):
        return end(t("pin_wrong", language))
    message = str(error)
    if "empty" in message:
        return end(t("empty", language))
    if "at most" in message:
        return end(t("too_long", language))
    return end(t("invalid", language))


def respond(session_id: str, phone: str, text: str) -> str:
    """The reply to one USSD step. Final steps that store something are accepted once."""
    inputs = text.split("*") if text else []
    language = "sw"
    while inputs and inputs[0] == "0":
        language = "en" if language == "sw" else "sw"
        inputs.pop(0)
    if not inputs:
        return con(channels.menu(t("menu", language), language))
    try:
        return _route(session_id, phone, text, inputs, language)
    except (InvalidInput, NotFound, PermissionDenied, RateLimited) as error:
        return _error_reply(error, language)


def _route(session_id: str, phone: str, text: str, inputs: list[str], language: str) -> str:
    choice, rest = inputs[0], inputs[1:]
    if choice in channels.CALLER_USSD_ENTRIES:  # entries acting for the caller (6: ward alerts)
        return channels.CALLER_USSD_ENTRIES[choice].handler(session_id, phone, rest, language)
    if choice == "1":
        return _report(session_id, phone, text, rest, language)
    if choice == "2":
        if not rest:
            return con(t("tip_prompt", language))
        with transaction.atomic():
            _final(session_id, phone, text)
            _tip, code = services.submit_tip(
                services.SubmissionInput(
                    category="", description="*".join(rest), channel=Channel.USSD, language=language
                )
            )
        return end(t("tip_done", language, code=code.replace("-", " ")))
    if choice == "3":
        if not rest:
            return con(t("check_prompt", language))
        other = channels.status_text("*".join(rest), language)
        if other is not None:
            return end(other)
        client = throttle.for_phone_digest(services.phone_digest(phone))
        status = services.status_for("*".join(rest), language, client=client)
        parts = [t("status", language, status=status.status_label)]
        if status.station:
            parts.append(t("station", language, station=status.station[:60]))
        if status.note:
            parts.append(status.note[:60])
        staff = [m for m in status.messages if m.author == "staff"]
        if staff:
            parts.append(t("reply", language, text=staff[-1].text[:100]))
        return end("\n".join(parts))
    if choice in channels.USSD_ITEMS:
        finished, screen = channels.USSD_ITEMS[choice].handler(
            rest, language, lambda: _final(session_id, phone, text)
        )
        return end(screen) if finished else con(screen)
    return end(t("invalid_choice", language))


def _report(session_id: str, phone: str, text: str, rest: list[str], language: str) -> str:
    if not rest:
        return con(_category_menu(language))
    number = rest[0]
    if not number.isdigit() or not 1 <= int(number) <= len(USSD_CATEGORIES):
        return end(t("invalid_choice", language))
    category = USSD_CATEGORIES[int(number) - 1]
    if len(rest) == 1:
        return con(t("describe", language))
    if len(rest) == 2:
        services.clean_field(rest[1], "description", max_length=services.MAX_DESCRIPTION)
        return con(t("where", language))
    if len(rest) == 3:
        screen = t("contact", language)
        if _is_leader_phone(phone):
            screen += "\n" + t("leader_option", language)
        return con(screen)
    answer = rest[3]
    if answer == "3" and len(rest) == 4:
        return con(t("enter_pin", language))
    if answer not in {"1", "2", "3"} or len(rest) > (5 if answer == "3" else 4):
        return end(t("invalid_choice", language))
    leader = services.leader_by_pin(phone, rest[4]) if answer == "3" else None
    data = services.SubmissionInput(
        category=category,
        description=rest[1],
        location_text=rest[2],
        channel=Channel.USSD,
        language=language,
    )
    contact = services.Contact(phone=phone) if answer == "1" else None
    with transaction.atomic():
        _final(session_id, phone, text)
        report = services.submit_report(data, contact=contact, leader=leader)
    return end(t("report_done", language, reference=report.reference))


def looks_like_code(text: str) -> bool:
    return codes.normalise_code(text) is not None
