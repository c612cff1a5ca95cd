"""Writing and verifying the audit log. The only code that inserts AuditEvent rows."""

from __future__ import annotations

import json
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
        last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
        prev_hash = last["hash"] if last else GENESIS_HASH
        seq = (last["id"] if last else 0) + 1
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
