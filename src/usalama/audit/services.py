"""Writing and verifying the audit log. The only code that inserts AuditEvent rows."""

from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from usalama.audit.chain import GENESIS_HASH, event_hash, hashed_fields
from usalama.audit.models import AuditEvent
from usalama.core.text import clean_text

# A fixed key for PostgreSQL's transaction-level advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x75_73_61_6C  # "usal"
MAX_QUERY_LENGTH = 2000
# The chain's tip, read on every append (every public report): plain SQL, as the ORM spent
# more time building this query than the database spent answering it.
_LAST_EVENT_SQL = f"SELECT id, hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1"  # noqa: S608 - a model's own table name


@dataclass(frozen=True)
class Actor:
    """Who did it. Built from a user, or a system actor such as the CLI or the importer."""

    name: str
    user_id: int | None = None
    agency: str = ""

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(name="anonymous")
        agency = user.agency.code if getattr(user, "agency_id", None) else ""
        return cls(name=user.get_username(), user_id=user.pk, agency=agency)


SYSTEM = Actor(name="system")


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so what is hashed is exactly what the JSONField stores.
    safe: dict[str, Any] = json.loads(clean_text(json.dumps(details, default=str, sort_keys=True)))
    return safe


def _utc_now() -> datetime:
    # Microsecond precision is what both databases store, so hash what will be read back.
    return datetime.now(tz=UTC)


def record(
    actor: Actor | Any,
    action: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    query: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, atomically with respect to other writers."""
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    safe_details = _json_safe(details or {})
    query = clean_text(query)[:MAX_QUERY_LENGTH]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        with connection.cursor() as cursor:
            cursor.execute(_LAST_EVENT_SQL)
            last = cursor.fetchone()
        prev_hash = last[1] if last else GENESIS_HASH
        seq = (last[0] if last else 0) + 1
        when = _utc_now()
        fields = hashed_fields(
            seq=seq,
            time=when,
            actor=who.name,
            actor_id=who.user_id,
            agency=who.agency,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            query=query,
            details=safe_details,
        )
        stored = {key: value for key, value in fields.items() if key != "seq"}
        return AuditEvent.objects.create(
            id=seq, prev_hash=prev_hash, hash=event_hash(fields, prev_hash), **stored
        )


REFUSED_ACTION = "access.refused"
# Set when a refusal was audited while serving the current request, so that the request
# middleware (``usalama.audit.middleware``) does not audit the same 403/404 a second time.
_refusal_recorded: ContextVar[bool] = ContextVar("usalama_refusal_recorded", default=False)


def refusal_recorded() -> bool:
    return _refusal_recorded.get()


def reset_refusal_recorded() -> None:
    _refusal_recorded.set(False)


def record_refused(
    actor: Actor | Any,
    attempted: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    owner_agency: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Audit a refused attempt (a write on another agency's object, a failed login, a wrong
    tip code...) under the acting user — or ``anonymous`` — in its own transaction's worth.

    ``owner_agency`` (the code of the agency whose object it was) makes the event visible to
    that agency's administrators as well as to the actor's (see ``events_visible_to``).
    Call it *outside* the transaction that is rolled back by the refusal, or it is lost.
    """
    extra = {"attempted": attempted, "reason": reason[:300], "owner_agency": owner_agency}
    _refusal_recorded.set(True)
    return record(
        actor,
        REFUSED_ACTION,
        object_type=object_type,
        object_id=object_id,
        details={**(details or {}), **extra},
    )


# Actions whose very existence is private to the person they concern: that an officer sought
# wellness support (a referral, a USSD PIN) must not reach their agency's supervisors or
# administrators through the audit log. Only a system administrator, who keeps the chain,
# reads them.
CONFIDENTIAL_ACTION_PREFIXES = ("wellness.",)


def confidential_actions() -> Any:
    """A ``Q`` matching the confidential actions (see ``CONFIDENTIAL_ACTION_PREFIXES``)."""
    from django.db.models import Q

    matches = Q(pk__in=[])
    for prefix in CONFIDENTIAL_ACTION_PREFIXES:
        matches |= Q(action__startswith=prefix)
    return matches


def events_visible_to(user: Any) -> Any:
    """Audit events an administrator may read: all for a system administrator; for an agency
    administrator, its own agency's events and refused attempts on its agency's objects,
    without the confidential (wellness) ones."""
    from django.db.models import Q

    if not getattr(user, "is_admin", False):
        return AuditEvent.objects.none()
    if user.is_system_admin:
        return AuditEvent.objects.all()
    code = user.agency.code if user.agency_id else ""
    if not code:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(agency=code) | Q(action=REFUSED_ACTION, details__owner_agency=code)
    ).exclude(confidential_actions())


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every hash in order; report the first event that does not fit the chain."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return VerifyResult(checked=checked)
        for event in batch:
            if event.id != expected_seq:
                return VerifyResult(
                    checked, event.id, f"expected event #{expected_seq}, found #{event.id} (gap)"
                )
            if event.prev_hash != prev_hash:
                return VerifyResult(checked, event.id, "prev_hash does not match the event before")
            fields = hashed_fields(
                seq=event.id,
                time=event.time.astimezone(UTC),
                actor=event.actor,
                actor_id=event.actor_id,
                agency=event.agency,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                query=event.query,
                details=event.details,
            )
            if event_hash(fields, prev_hash) != event.hash:
                return VerifyResult(checked, event.id, "content does not match its hash")
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
            last_id = event.id
