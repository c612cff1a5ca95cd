"""Intake use cases for the public side: submissions, code lookups, phones, local leaders.

With ``staff.py`` (the triage side) the only code that writes intake rows and audits. Public
functions never receive a request: nothing about the sender's connection can reach the
database from here.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from usalama.accounts import sealing
from usalama.accounts.models import Agency
from usalama.audit.services import Actor, prepare_insert, record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.core.text import clean_text, normalise_phone
from usalama.intake import codes, places, rows, throttle
from usalama.intake.categories import BY_CODE
from usalama.intake.classify import suggest
from usalama.intake.errors import RateLimited, Replayed
from usalama.intake.models import (
    Attachment,
    Channel,
    LocalLeader,
    Message,
    PhoneHash,
    Report,
    Status,
    Submission,
    Tip,
    WebhookReceipt,
)
from usalama.intake.photos import MAX_PHOTOS, CleanPhoto
from usalama.intake.writegate import insert_in_group, write_gate

PUBLIC = Actor(name="public")  # every anonymous or public submission is audited as this actor
MAX_DESCRIPTION = 4000
MAX_MESSAGE = 2000
MAX_SHORT = 300
PHONE_LIMIT = 30
THROTTLE_WINDOW = timedelta(minutes=15)  # a local leader's PIN lock


# --- keys and small helpers --------------------------------------------------------------------
def _derive(base: str, purpose: str) -> bytes:
    return hmac.new(base.encode(), b"usalama.intake:" + purpose.encode(), hashlib.sha256).digest()


def _key(purpose: str) -> bytes:
    # Outside the data directory (accounts/sealing.py): a copied database cannot be turned
    # back into phone numbers by trying every number.
    return _derive(sealing.phone_hmac_key(), purpose)


def _legacy_key(purpose: str) -> bytes | None:
    """The key of before (derived from SECRET_KEY, which sits in the data directory), so that
    codes and leaders' phones stored under it keep working; None once nothing needs it."""
    if settings.USALAMA_PHONE_HMAC_KEY:
        return None  # an operator-set key was already the key
    legacy = _derive(settings.SECRET_KEY, purpose)
    return None if legacy == _key(purpose) else legacy


def phone_digest(msisdn: str) -> str:
    """Keyed HMAC of the E.164 digits (or of the raw string if it is not a phone number)."""
    return phone_digests(msisdn)[0]


def phone_digests(msisdn: str) -> list[str]:
    """The digest under the current key, then under the key of before if there was one (a
    leader registered, or a number blocked, before the key moved out of the data directory)."""
    canonical = (normalise_phone(msisdn) or msisdn.strip()).encode()
    keys = [_key("phone"), _legacy_key("phone")]
    return [hmac.new(k, canonical, hashlib.sha256).hexdigest() for k in keys if k is not None]


def _lookup_delay() -> float:
    return float(getattr(settings, "USALAMA_INTAKE_LOOKUP_DELAY", 0.3))


# code -> primary key of the intake agency, filled only once the row is known to be committed
_AGENCY_IDS: dict[str, int] = {}


def forget_intake_agency(**_kwargs: Any) -> None:
    """Drop the cached agency id (connected to post_migrate, which ``flush`` also sends)."""
    _AGENCY_IDS.clear()


def intake_agency() -> Agency:
    """The agency that owns public submissions until triage assigns them (default NPS)."""
    code = getattr(settings, "USALAMA_INTAKE_AGENCY", "NPS")
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        from usalama.accounts.services import ensure_agency

        agency = ensure_agency(
            Actor(name="system"),
            code=code,
            name="National Police Service",
            country="KE",
            kind="police",
        )
    pk = agency.pk
    # Remembered only once the row is known to be committed: a row created in a transaction
    # that rolls back must not be cached.
    transaction.on_commit(lambda: _AGENCY_IDS.__setitem__(code, pk))
    return agency


def intake_agency_id() -> int:
    """The intake agency's id, cached per process: every public submission needs it."""
    code = getattr(settings, "USALAMA_INTAKE_AGENCY", "NPS")
    cached = _AGENCY_IDS.get(code)
    return cached if cached is not None else int(intake_agency().pk)


def clean_field(value: Any, name: str, *, max_length: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise InvalidInput(f"{name}: not valid UTF-8 text") from bad
    if not isinstance(value, str):
        raise InvalidInput(f"{name}: must be text")
    if "\x00" in value:
        raise InvalidInput(f"{name}: binary data is not accepted")
    text = clean_text(value).strip()
    if required and not text:
        raise InvalidInput(f"{name}: must not be empty")
    if len(text) > max_length:
        raise InvalidInput(f"{name}: at most {max_length} characters")
    return text


# --- submissions -------------------------------------------------------------------------------
@dataclass
class SubmissionInput:
    category: str
    description: str
    channel: str
    language: str = "sw"
    county: str = ""
    sub_county: str = ""
    ward: str = ""
    location_text: str = ""
    lat: float | None = None
    lon: float | None = None
    occurred_at: datetime | None = None
    photos: list[CleanPhoto] = field(default_factory=list)


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""


def _validated(data: SubmissionInput) -> dict[str, Any]:
    category = (data.category or "").strip()
    if category and category not in BY_CODE:
        raise InvalidInput(f"category: unknown category {category[:40]!r}")
    description = clean_field(data.description, "description", max_length=MAX_DESCRIPTION)
    county = clean_field(data.county, "county", max_length=100, required=False)
    sub_county = clean_field(data.sub_county, "sub_county", max_length=100, required=False)
    ward = clean_field(data.ward, "ward", max_length=100, required=False)
    if county and not places.is_county(county):
        raise InvalidInput("county: not a Kenyan county")
    if sub_county and not places.is_sub_county(county, sub_county):
        raise InvalidInput("sub_county: not in that county")
    if ward and not places.is_ward(county, sub_county, ward):
        raise InvalidInput("ward: not in that sub-county")
    location_text = clean_field(
        data.location_text, "location_text", max_length=MAX_SHORT, required=False
    )
    if (data.lat is None) != (data.lon is None):
        raise InvalidInput("lat/lon: give both or neither")
    if (
        data.lat is not None
        and data.lon is not None
        and not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180)
    ):
        raise InvalidInput("lat/lon: out of range")
    occurred_at = data.occurred_at
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > timezone.now() + timedelta(hours=1):
            raise InvalidInput("occurred_at: is in the future")
    if len(data.photos) > MAX_PHOTOS:
        raise InvalidInput(f"photos: at most {MAX_PHOTOS}")
    hint = suggest(description + " " + location_text)
    return {
        "category": category or hint.category,
        "category_confirmed": False,
        "description": description,
        "county": county,
        "sub_county": sub_county,
        "ward": ward,
        "location_text": location_text,
        "lat": data.lat,
        "lon": data.lon,
        "occurred_at": occurred_at,
        "channel": data.channel,
        "language": "en" if (data.language or "").startswith("en") else "sw",
        "suggested_category": hint.category,
        "suggested_priority": hint.priority,
        "priority": hint.priority,
        "agency_id": intake_agency_id(),
    }


def _store_photos(photos: list[CleanPhoto], **owner: Any) -> None:
    for photo in photos:
        Attachment.objects.create(
            file=ContentFile(photo.data, name=f"{photo.sha256[:32]}.jpg"),
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            **owner,
        )


def submit_tip(data: SubmissionInput, *, code: str | None = None) -> tuple[Tip, str]:
    """Store an anonymous tip; return it and its code (the only time the code exists).

    ``code`` is for the demo only (a code derived from its seed, so that a second run finds
    the tip again instead of adding one); every real tip gets a fresh random code."""
    fields = _validated(data)
    # A USSD menu takes digits only: its tipsters get the numeric format (codes.py).
    code = code or codes.new_tip_code(numeric=data.channel == Channel.USSD)
    digits = codes.normalise_code(code)
    assert digits is not None
    # Argon2 is slow on purpose: hash before taking the (serialised) write transaction.
    code_bucket, code_hash = codes.bucket(_key("tip-bucket"), digits), codes.hash_code(digits)
    with write_gate(), transaction.atomic():
        tip = Tip.objects.create(code_bucket=code_bucket, code_hash=code_hash, **fields)
        _store_photos(data.photos, tip=tip)
        record(
            PUBLIC,
            "intake.tip.create",
            object_type="tip",
            object_id=tip.pk,
            details={"channel": tip.channel, "category": tip.category},
        )
    return tip, code


def submit_report(
    data: SubmissionInput, contact: Contact | None = None, leader: LocalLeader | None = None
) -> Report:
    fields = _validated(data)
    contact_fields: dict[str, Any] = {}
    if contact is not None:
        phone = clean_field(contact.phone, "contact_phone", max_length=20, required=False)
        if phone:
            phone = normalise_phone(phone) or ""
            if not phone:
                raise InvalidInput("contact_phone: not a valid phone number")
        contact_fields = {
            "contact_ok": True,
            "contact_name": clean_field(
                contact.name, "contact_name", max_length=200, required=False
            ),
            "contact_phone": phone,
            "contact_email": clean_field(
                contact.email, "contact_email", max_length=200, required=False
            ),
        }
        if not (contact_fields["contact_phone"] or contact_fields["contact_email"]):
            raise InvalidInput(
                "contact: give a phone number or an email address, or stay anonymous"
            )
    if leader is not None:
        fields.update(verified_source=True, channel=fields["channel"], agency_id=leader.agency_id)
    actor = PUBLIC if leader is None else Actor(name=f"leader:{leader.pk}")
    year = timezone.now().year
    for _attempt in range(8):
        # built before the gate: the write lock (one writer at a time on SQLite) is held only
        # for the statements themselves
        report = Report(
            reference=codes.new_reference(year), leader=leader, **fields, **contact_fields
        )
        details = {
            "channel": report.channel,
            "category": report.category,
            "verified_source": report.verified_source,
        }
        try:
            if not data.photos:
                # the common case: the row and its audit event in one statement on PostgreSQL
                _insert_report(report, actor, details)
                return report
            with write_gate(), transaction.atomic():
                report.save(force_insert=True)
                _store_photos(data.photos, report=report)
                record(
                    actor,
                    "intake.report.create",
                    object_type="report",
                    object_id=report.pk,
                    details=details,
                )
            return report
        except IntegrityError:
            if Report.objects.filter(reference__startswith=f"RPT-{year}-").count() > 900_000:
                raise
            continue  # reference collision: draw another
    raise InvalidInput("could not allocate a reference; try again")


def _insert_report(report: Report, actor: Actor, details: dict[str, Any]) -> None:
    """Store a report without photos and its audit event, committed together."""
    sql, params = rows.insert_statement(report)
    prepared = prepare_insert(
        sql, params, actor, "intake.report.create", object_type="report", details=details
    )
    pk, _event = insert_in_group(prepared)  # committed with other reports waiting (SQLite)
    rows.mark_saved(report, pk)


# --- code lookups: the guesser is throttled, never the code (throttle.py) ----------------------
def _check_client(client: throttle.Client, kind: str) -> None:
    try:
        throttle.check(client)
    except RateLimited as locked:
        record(
            PUBLIC,
            "intake.lookup.locked",
            object_type=kind,
            details={"retry_after": locked.retry_after},
        )
        raise


def find_tip(raw_code: str, *, client: throttle.Client) -> Tip:
    """The tip with this code, or NotFound. A locked client is refused before any check."""
    _check_client(client, "tip")
    canonical = codes.normalise_code(raw_code)
    if canonical is not None:
        keys = [_key("tip-bucket"), _legacy_key("tip-bucket")]
        buckets = [codes.bucket(key, canonical) for key in keys if key is not None]
        for tip in Tip.objects.filter(code_bucket__in=buckets):
            if codes.verify_code(tip.code_hash, canonical):
                return tip  # type: ignore[no-any-return]
    _failed_lookup(client, "tip")
    raise NotFound("no tip with that code")


def _failed_lookup(client: throttle.Client, kind: str) -> None:
    """Count a wrong code or reference against the client, audit it (as the public: nothing
    about the client is kept), and slow the answer down."""
    lock = throttle.failed(client)
    record(
        PUBLIC,
        "intake.lookup.refused",
        object_type=kind,
        details={"locked_for": int(lock)},
    )
    time.sleep(_lookup_delay())


@dataclass(frozen=True)
class PublicMessage:
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class PublicStatus:
    kind: str  # "tip" or "report"
    status: str
    status_label: str
    note: str
    updated_at: datetime
    messages: list[PublicMessage]
    station: str = ""  # once assigned or under investigation: where the case is handled


def public_station(item: Submission) -> str:
    # A triage station is internal working data; the reporter is told the station only once
    # the item has been handed over to it as an incident (never the incident number).
    handed_over = item.incident_number is not None
    return item.station if handed_over and item.status == Status.IN_PROGRESS else ""


def _status_label(status: str, language: str) -> str:
    with translation.override(language):
        return str(Status(status).label)


def tip_status(raw_code: str, language: str = "sw", *, client: throttle.Client) -> PublicStatus:
    tip = find_tip(raw_code, client=client)
    messages = [PublicMessage(m.author, m.text, m.created_at) for m in tip.messages.all()]
    return PublicStatus(
        "tip",
        tip.status,
        _status_label(tip.status, language),
        tip.public_note,
        tip.updated_at,
        messages,
        public_station(tip),
    )


def report_status(
    raw_reference: str, language: str = "sw", *, client: throttle.Client
) -> PublicStatus:
    _check_client(client, "report")
    reference = codes.normalise_reference(raw_reference, timezone.now().year)
    report = Report.objects.filter(reference=reference).first() if reference else None
    if report is None:
        _failed_lookup(client, "report")
        raise NotFound("no report with that reference")
    return PublicStatus(
        "report",
        report.status,
        _status_label(report.status, language),
        report.public_note,
        report.updated_at,
        [],
        public_station(report),
    )


def status_for(raw: str, language: str = "sw", *, client: throttle.Client) -> PublicStatus:
    """A tip code or a report reference, whichever ``raw`` is."""
    if codes.normalise_code(raw) is not None:
        return tip_status(raw, language, client=client)
    return report_status(raw, language, client=client)


def add_tipster_message(
    raw_code: str, text: str, channel: str, *, client: throttle.Client
) -> Message:
    tip = find_tip(raw_code, client=client)
    body = clean_field(text, "text", max_length=MAX_MESSAGE)
    with transaction.atomic():
        message = Message.objects.create(
            tip=tip, author=Message.Author.TIPSTER, text=body, channel=channel
        )
        Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
        record(
            PUBLIC,
            "intake.tip.message",
            object_type="tip",
            object_id=tip.pk,
            details={"channel": channel},
        )
    return message


# --- phones and gateways -------------------------------------------------------------------------
def phone_window(now: datetime) -> datetime:
    """The clock hour ``now`` falls in. A rate window starts on the hour, never at a sender's
    first message: an exact start could be matched to the gateway's log of who sent what
    when, and name the number behind a hash without the key (issue #20, finding 5)."""
    return now.replace(minute=0, second=0, microsecond=0)


def check_phone(msisdn: str) -> None:
    """Count a message from this number (as an HMAC); refuse blocked or too-busy numbers."""
    digests = phone_digests(msisdn)
    window = phone_window(timezone.now())
    with transaction.atomic():
        row, _ = PhoneHash.objects.select_for_update().get_or_create(
            digest=digests[0], defaults={"window_start": window}
        )
        if row.blocked or PhoneHash.objects.filter(digest__in=digests[1:], blocked=True).exists():
            raise RateLimited("this number is blocked")
        if row.window_start != window:
            row.window_start, row.window_count = window, 0
        row.window_count += 1
        row.total += 1
        row.save()
        if row.window_count > PHONE_LIMIT:
            raise RateLimited("too many messages from this number; try again later")


def block_phone(actor: Actor | Any, msisdn: str, blocked: bool = True) -> None:
    digest = phone_digest(msisdn)
    PhoneHash.objects.update_or_create(digest=digest, defaults={"blocked": blocked})
    record(
        actor,
        "intake.phone.block" if blocked else "intake.phone.unblock",
        object_type="phone_hash",
        object_id=digest[:12],
    )


def accept_once(channel: str, external_id: str) -> None:
    """Refuse a gateway message id seen before (replay); ids are stored hashed."""
    key = hmac.new(_key("receipt"), f"{channel}:{external_id}".encode(), hashlib.sha256).hexdigest()
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(key=key)
    except IntegrityError as seen:
        raise Replayed("this message was already received") from seen


# --- local leaders -------------------------------------------------------------------------------
def register_leader(
    actor: Actor | Any,
    *,
    name: str,
    kind: str,
    phone: str = "",
    pin: str = "",
    user: Any = None,
    county: str = "",
    sub_county: str = "",
    ward: str = "",
    agency: Agency | None = None,
) -> LocalLeader:
    if kind not in LocalLeader.Kind.values:
        raise InvalidInput(f"kind: one of {', '.join(LocalLeader.Kind.values)}")
    if pin and (not pin.isdigit() or not 4 <= len(pin) <= 8):
        raise InvalidInput("pin: 4 to 8 digits")
    if phone and not pin:
        raise InvalidInput("pin: needed to report by SMS/USSD")
    leader = LocalLeader.objects.create(
        name=clean_field(name, "name", max_length=200),
        kind=kind,
        county=county,
        sub_county=sub_county,
        ward=ward,
        agency=agency or intake_agency(),
        user=user,
        phone_hmac=phone_digest(phone) if phone else "",
        pin_hash=codes.hash_code(pin) if pin else "",
    )
    record(
        actor,
        "intake.leader.register",
        object_type="local_leader",
        object_id=leader.pk,
        details={"kind": kind, "county": county},
    )
    return leader


def leader_by_pin(msisdn: str, pin: str) -> LocalLeader:
    """The active leader with this phone and PIN (5 wrong PINs lock it for 15 minutes)."""
    now = timezone.now()
    leader = LocalLeader.objects.filter(phone_hmac__in=phone_digests(msisdn), active=True).first()
    if leader is None:
        raise PermissionDenied("not a registered local leader")
    if leader.locked_until and leader.locked_until > now:
        raise RateLimited("too many wrong PINs; try again later")
    if not codes.verify_code(leader.pin_hash, pin.strip()):
        LocalLeader.objects.filter(pk=leader.pk).update(failed_pins=F("failed_pins") + 1)
        if leader.failed_pins + 1 >= 5:
            LocalLeader.objects.filter(pk=leader.pk).update(
                failed_pins=0, locked_until=now + THROTTLE_WINDOW
            )
        raise PermissionDenied("wrong PIN")
    if leader.failed_pins:
        LocalLeader.objects.filter(pk=leader.pk).update(failed_pins=0)
    return leader


def leader_for_user(user: Any) -> LocalLeader:
    leader = LocalLeader.objects.filter(user_id=getattr(user, "pk", 0) or 0, active=True).first()
    if leader is None:
        raise PermissionDenied("this account is not a registered local leader")
    return leader
