# ruff: noqa: E501  (USSD screens are easier to check on one line)
"""Self-referral for wellness by USSD, built so that it cannot reveal that anyone sought help.

An officer sets a USSD PIN while signed in ("Support for you"). On the phone: Wellness →
service number → PIN → a reason → a confidential referral for the counsellors of the officer's
agency, exactly as a self-referral from the web.

What the menu never says: whether the service number is registered, whether the PIN was
right, whether the PIN is locked, or whether a referral was made. Every complete request gets
the same final screen, and the PIN is checked against a dummy hash when no one holds that
number, so that the time taken says nothing either. Wrong PINs lock that PIN for an hour after
five tries (the web path still works); the intake side also limits each phone (by its keyed
HMAC) and refuses replayed session steps. The audit log records that a USSD self-referral was
made (the referral's id only) or refused (no id, no number).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from usalama.audit import services as audit
from usalama.audit.services import Actor
from usalama.core.errors import InvalidInput, PermissionDenied
from usalama.wellness.crypto import seal
from usalama.wellness.models import Origin, Referral, Status, UssdPin

ACTOR = Actor(name="ussd")
MAX_FAILURES = 5
LOCK = dt.timedelta(hours=1)
REPEAT_WINDOW = dt.timedelta(hours=24)  # one open USSD request a day is enough
_PIN = re.compile(r"\d{6,12}")

REASONS = ("incident", "stress", "family", "substances", "other")
TEXTS: dict[str, dict[str, str]] = {
    "menu_item": {"sw": "Ustawi (maafisa)", "en": "Wellness (officers)"},
    "service_number": {
        "sw": "Ustawi: msaada wa siri kwa maafisa.\nWeka nambari yako ya huduma:",
        "en": "Wellness: confidential support for officers.\nEnter your service number:",
    },
    "pin": {"sw": "Weka PIN yako ya ustawi:", "en": "Enter your wellness PIN:"},
    "reason": {
        "sw": "Ungependa kuzungumzia nini?\n1. Tukio la kazini\n2. Msongo wa mawazo\n3. Familia au fedha\n4. Pombe au dawa\n5. Jambo lingine",
        "en": "What would you like to talk about?\n1. An incident at work\n2. Stress or low mood\n3. Family or money\n4. Alcohol or drugs\n5. Something else",
    },
    "done": {
        "sw": "Asante. Ikiwa nambari na PIN ni sahihi, mshauri atawasiliana nawe kwa siri. Usiposikia ndani ya siku 2, tumia 'Msaada kwako' mtandaoni.",
        "en": "Thank you. If the number and PIN are right, a counsellor will contact you in confidence. If you hear nothing in 2 days, use 'Support for you' online.",
    },
    "invalid_choice": {"sw": "Chaguo si sahihi.", "en": "Invalid choice."},
}
REASON_LABELS = {
    "incident": "An incident at work",
    "stress": "Stress or low mood",
    "family": "Family or money worries",
    "substances": "Alcohol or drugs",
    "other": "Something else",
}


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_hex(8))


def t(key: str, language: str) -> str:
    return TEXTS[key]["en" if language == "en" else "sw"]


def normalise_number(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


# --- the officer sets a PIN (signed in) ----------------------------------------------------------
def set_pin(user: Any, service_number: str, pin: str) -> UssdPin:
    """Set (or replace) the signed-in officer's USSD PIN for their service number."""
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        raise PermissionDenied("sign in to set a wellness PIN")
    number = normalise_number(service_number)
    if not 2 <= len(number) <= 40:
        raise InvalidInput("service number: 2 to 40 letters or digits")
    if not _PIN.fullmatch(pin):
        raise InvalidInput("the PIN must be 6 to 12 digits")
    if len(set(pin)) == 1 or pin in "01234567890123" or pin in "98765432109876":
        raise InvalidInput("the PIN is too easy to guess: not one digit repeated, not a run")
    with transaction.atomic():
        row, _created = UssdPin.objects.update_or_create(
            user=user,
            defaults={
                "agency_id": user.agency_id,
                "service_number": number,
                "pin_hash": make_password(pin),
                "failures": 0,
                "locked_until": None,
                "updated_at": timezone.now(),
            },
        )
        # the fact, not the number or the PIN
        audit.record(user, "wellness.ussd_pin.set", object_type="wellness_pin", object_id=row.pk)
    return row


def has_pin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and UssdPin.objects.filter(user=user).exists()
    )


# --- the USSD steps ----------------------------------------------------------------------------
def respond(rest: list[str], language: str, final: Callable[[], None]) -> tuple[bool, str]:
    """One step of the wellness item: (finished?, screen). The last step is the same screen
    whatever the number, the PIN and the outcome."""
    if len(rest) == 0:
        return False, t("service_number", language)
    if len(rest) == 1:
        return False, t("pin", language)
    if len(rest) == 2:
        return False, t("reason", language)
    choice = rest[2].strip()
    if len(rest) > 3 or not choice.isdigit() or not 1 <= int(choice) <= len(REASONS):
        return True, t("invalid_choice", language)
    final()
    _refer(normalise_number(rest[0]), rest[1].strip(), REASONS[int(choice) - 1])
    return True, t("done", language)


def _refer(number: str, pin: str, reason: str) -> None:
    now = timezone.now()
    candidates = list(UssdPin.objects.filter(service_number=number)) if number else []
    if not candidates:
        check_password(pin, _dummy_hash())  # the same work as for a registered number
    matched = None
    with transaction.atomic():
        for row in candidates:
            locked = row.locked_until is not None and row.locked_until > now
            if check_password(pin, row.pin_hash) and not locked:
                matched = row
                UssdPin.objects.filter(pk=row.pk).update(failures=0, locked_until=None)
            elif not locked:
                failures = row.failures + 1
                UssdPin.objects.filter(pk=row.pk).update(
                    failures=0 if failures >= MAX_FAILURES else failures,
                    locked_until=now + LOCK if failures >= MAX_FAILURES else None,
                )
        if matched is None:
            audit.record(ACTOR, "wellness.ussd.refused", object_type="wellness_referral")
            return
        user = matched.user
        recent = Referral.objects.filter(
            officer_user=user,
            origin=Origin.USSD,
            status=Status.REQUESTED,
            created_at__gte=now - REPEAT_WINDOW,
        ).first()
        if recent is not None:
            return  # already waiting for a counsellor: one request is enough
        referral = Referral.objects.create(
            agency_id=matched.agency_id,
            officer_user=user,
            officer_name=user.get_full_name() or user.get_username(),
            service_number=matched.service_number,
            origin=Origin.USSD,
            status=Status.REQUESTED,
            notes_sealed=seal(f"Self-referral by USSD. Reason: {REASON_LABELS[reason]}."),
        )
        audit.record(
            ACTOR,
            "wellness.referral.request",
            object_type="wellness_referral",
            object_id=referral.pk,
        )
