from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor, record, verify_chain

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [
        record(
            Actor(name="tester", agency="NPS"),
            "test.event",
            object_id=i,
            details={"i": i, "text": "ñ✓ <script>"},
        )
        for i in range(n)
    ]


def test_events_chain_and_verify() -> None:
    events = _append(5)
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    result = verify_chain()
    assert result.ok and result.checked == 5


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"]
)
def test_database_refuses_update_and_delete(sql: str) -> None:
    _append(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 2


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


@pytest.mark.parametrize(
    ("change", "bad_id"),
    [
        ("UPDATE audit_auditevent SET query = 'edited' WHERE id = 3", 3),
        ("UPDATE audit_auditevent SET details = '{\"i\": 99}' WHERE id = 2", 2),
        ("DELETE FROM audit_auditevent WHERE id = 4", 5),
        ("UPDATE audit_auditevent SET actor = 'someone else' WHERE id = 6", 6),
    ],
)
def test_verify_names_first_tampered_event(
    change: str, bad_id: int, django_db_blocker: Any
) -> None:
    _append(6)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(change)
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_id == bad_id


def test_recomputing_a_tampered_hash_still_breaks_the_next_link() -> None:
    events = _append(3)
    _drop_triggers()
    from usalama.audit.chain import event_hash, hashed_fields

    e = AuditEvent.objects.get(id=events[1].id)
    fields = hashed_fields(
        seq=e.id,
        time=e.time,
        actor="forger",
        actor_id=None,
        agency=e.agency,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        query=e.query,
        details=e.details,
    )
    forged = event_hash(fields, e.prev_hash)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor = 'forger', hash = %s WHERE id = %s", [forged, e.id]
        )
    result = verify_chain()
    assert result.first_bad_id == events[2].id
