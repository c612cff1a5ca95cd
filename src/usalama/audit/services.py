"""Writing and verifying the audit log. The only code that inserts AuditEvent rows."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from usalama.audit.chain import GENESIS_HASH, canonical_parts, event_hash, hashed_fields
from usalama.audit.models import AuditEvent
from usalama.core.text import clean_text

# A fixed key for PostgreSQL's transaction-level advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x75_73_61_6C  # "usal"
MAX_QUERY_LENGTH = 2000
_TABLE = AuditEvent._meta.db_table
# The chain's tip and the new row, read and written on every append (every public report) in
# plain SQL: the ORM spent more time building these statements than the database running them.
_LAST_EVENT_SQL = f"SELECT id, hash FROM {_TABLE} ORDER BY id DESC LIMIT 1"  # noqa: S608 - a model's own table name
_INSERT_EVENT_SQL = (
    f'INSERT INTO {_TABLE} ("id", "time", "actor", "actor_id", "agency", "action", '  # noqa: S608 - a model's own table name
    '"object_type", "object_id", "query", "details", "prev_hash", "hash") '
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
# PostgreSQL: lock, tip, hash and insert in one call of the function of migration 0003, so the
# lock is held only inside the server, never across a round trip to a busy Python thread.
_APPEND_CALL = (
    "usalama_audit_append(%s, %s, {object_id_json}, %s, %s, %s, %s, %s, %s, {object_id}, %s, "
    "%s::jsonb, %s)"
)
# A transaction of one WAL record that waits for the flush, so for every commit before it
# (WAL is flushed in order): see ``insert_and_record`` and audit migration 0003.
_FLUSH_SQL = "SELECT pg_logical_emit_message(true, 'usalama.flush', '')"
# The new row's id as JSON (a string of digits: no escaping), for ``insert_and_record``.
_NEW_ID_JSON = "'\"' || inserted.new_id || '\"'"


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


@dataclass(frozen=True)
class _Entry:
    """An event before the chain gives it its place (seq, time, previous hash)."""

    who: Actor
    action: str
    object_type: str
    query: str
    details: dict[str, Any]

    def fields(self, seq: int, when: datetime, object_id: str) -> dict[str, Any]:
        return hashed_fields(
            seq=seq,
            time=when,
            actor=self.who.name,
            actor_id=self.who.user_id,
            agency=self.who.agency,
            action=self.action,
            object_type=self.object_type,
            object_id=object_id,
            query=self.query,
            details=self.details,
        )

    def event(self, seq: int, when: datetime, object_id: str, prev: str, digest: str) -> AuditEvent:
        """The stored row as a model instance (no second query)."""
        stored = {k: v for k, v in self.fields(seq, when, object_id).items() if k != "seq"}
        event = AuditEvent(id=seq, prev_hash=prev, hash=digest, **stored)
        event._state.adding = False
        event._state.db = connection.alias
        return event


def _entry(
    actor: Actor | Any, action: str, object_type: str, query: str, details: dict[str, Any] | None
) -> _Entry:
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    return _Entry(
        who, action, object_type, clean_text(query)[:MAX_QUERY_LENGTH], _json_safe(details or {})
    )


def _append_in_python(entry: _Entry, object_id: str) -> AuditEvent:
    """Read the tip and insert after it; the caller holds the chain (SQLite's write lock)."""
    with connection.cursor() as cursor:
        seq, prev_hash = _tip(cursor)
        row, event = _next_event(entry, object_id, seq + 1, prev_hash)
        cursor.execute(_INSERT_EVENT_SQL, row)
    return event


def _tip(cursor: Any) -> tuple[int, str]:
    """The chain's last (seq, hash); (0, the genesis hash) while it is empty."""
    cursor.execute(_LAST_EVENT_SQL)
    last = cursor.fetchone()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS_HASH)


def _next_event(
    entry: _Entry, object_id: str, seq: int, prev_hash: str
) -> tuple[list[Any], AuditEvent]:
    """The event at ``seq`` after ``prev_hash``: ``_INSERT_EVENT_SQL``'s parameters and the
    stored row as a model instance."""
    when = _utc_now()
    digest = event_hash(entry.fields(seq, when, object_id), prev_hash)
    row = [
        seq,
        connection.ops.adapt_datetimefield_value(when),
        entry.who.name,
        entry.who.user_id,
        entry.who.agency,
        entry.action,
        entry.object_type,
        object_id,
        entry.query,
        json.dumps(entry.details),
        prev_hash,
        digest,
    ]
    return row, entry.event(seq, when, object_id, prev_hash, digest)


def _append_call(object_id_sql: str, object_id_json_sql: str) -> str:
    return _APPEND_CALL.format(object_id=object_id_sql, object_id_json=object_id_json_sql)


_RECORD_SQL = f"SELECT * FROM {_append_call('%s', '%s')}"  # noqa: S608 - placeholders only


def _pg_params(
    entry: _Entry, *, oid_json: str | None = None, oid: str | None = None, defer_flush: bool = False
) -> list[Any]:
    """``_APPEND_CALL``'s parameters; the object id and its JSON only when they are
    parameters (``record``), not SQL (``insert_and_record``: the new row's id)."""
    head, mid = canonical_parts(
        actor=entry.who.name,
        actor_id=entry.who.user_id,
        agency=entry.who.agency,
        action=entry.action,
        object_type=entry.object_type,
        query=entry.query,
        details=entry.details,
    )
    who = entry.who
    before = [_CHAIN_LOCK_KEY, head, *([oid_json] if oid_json is not None else []), mid]
    between = [who.name, who.user_id, who.agency, entry.action, entry.object_type]
    after = [entry.query, json.dumps(entry.details), defer_flush]
    return [*before, *between, *([oid] if oid is not None else []), *after]


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
    entry = _entry(actor, action, object_type, query, details)
    oid = str(object_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _RECORD_SQL,
                _pg_params(entry, oid_json=json.dumps(oid, ensure_ascii=False), oid=oid),
            )
            seq, when, prev, digest = cursor.fetchone()
        return entry.event(seq, when, oid, prev, digest)
    with transaction.atomic():
        return _append_in_python(entry, oid)


@dataclass(frozen=True)
class PreparedInsert:
    """A row's ``INSERT ... RETURNING`` id (``sql``, ``params``) and its audit event, built
    before any lock is taken (``prepare_insert``)."""

    sql: str
    params: list[Any]
    entry: _Entry


def prepare_insert(
    insert_sql: str,
    params: Sequence[Any],
    actor: Actor | Any,
    action: str,
    *,
    object_type: str,
    details: dict[str, Any] | None = None,
) -> PreparedInsert:
    return PreparedInsert(insert_sql, list(params), _entry(actor, action, object_type, "", details))


def insert_and_record(row: PreparedInsert) -> tuple[int, AuditEvent]:
    """Insert a row and append its audit event (the new id as the object id) in one
    transaction; return the id and event.

    On PostgreSQL it is one statement, so one round trip and, outside a transaction, its own
    commit: the chain's lock is taken after the row is written and held only until that
    commit, inside the server, which does not wait for the disk with the lock held; a second
    statement then waits for the flush (appends share fsyncs instead of queueing for one
    each); it returns only once both rows are durably committed. Inside a caller's
    transaction, a savepoint and the caller's commit. Elsewhere: the insert, then
    ``record``'s append, atomically.
    """
    entry = row.entry
    if connection.vendor == "postgresql":
        sql = (
            f"WITH inserted(new_id) AS ({row.sql}) "  # noqa: S608 - our own statement
            "SELECT inserted.new_id, appended.* FROM inserted, LATERAL "
            f"{_append_call('inserted.new_id::text', _NEW_ID_JSON)} AS appended"
        )
        own_transaction = not connection.in_atomic_block  # else the caller's commit flushes
        # inside a caller's transaction, a savepoint: a failed insert (a duplicate) leaves
        # that transaction usable, as the atomic block of the other databases' path does
        scope = contextlib.nullcontext() if own_transaction else transaction.atomic()
        with scope, connection.cursor() as cursor:
            cursor.execute(sql, [*row.params, *_pg_params(entry, defer_flush=own_transaction)])
            new_id, seq, when, prev, digest = cursor.fetchone()
            if own_transaction:
                cursor.execute(_FLUSH_SQL)
        return int(new_id), entry.event(seq, when, str(new_id), prev, digest)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(row.sql, row.params)
            new_id = int(cursor.fetchone()[0])
        return new_id, _append_in_python(entry, str(new_id))


def insert_batch_and_record(batch: Sequence[PreparedInsert]) -> list[tuple[int, AuditEvent]]:
    """``insert_and_record`` for several rows in one transaction: every row and its event, or
    none of them (an error in one row rolls back the whole batch and is raised).

    SQLite (the group commit of public reports, ``intake.writegate``): the rows first, then
    the chain's tip read once and the events appended after it in one ``executemany``; the
    caller holds the write gate. Elsewhere each row takes ``insert_and_record``'s path (one
    row alone: outside any transaction, as ``insert_and_record`` itself).
    """
    if connection.vendor != "sqlite":
        if len(batch) == 1:  # PostgreSQL's one statement, its own commit (no savepoint)
            return [insert_and_record(batch[0])]
        with transaction.atomic():
            return [insert_and_record(row) for row in batch]
    with transaction.atomic(), connection.cursor() as cursor:
        ids: list[int] = []
        for row in batch:
            cursor.execute(row.sql, row.params)
            ids.append(int(cursor.fetchone()[0]))
        seq, prev_hash = _tip(cursor)
        events: list[tuple[int, AuditEvent]] = []
        params: list[list[Any]] = []
        for row, new_id in zip(batch, ids, strict=True):
            seq += 1
            event_params, event = _next_event(row.entry, str(new_id), seq, prev_hash)
            params.append(event_params)
            events.append((new_id, event))
            prev_hash = event.hash
        cursor.executemany(_INSERT_EVENT_SQL, params)
    return events


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
