from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

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


@pytest.mark.parametrize(
    "fields",
    [
        {"actor": "public", "actor_id": None, "agency": "", "object_id": "17", "query": ""},
        {
            "actor": 'a "quoted" \\ name ñ✓',
            "actor_id": 42,
            "agency": "NPS",
            "object_id": "tip:\u00e9\n</script>",
            "query": "q=\u2028 ' %s %%",
        },
    ],
)
def test_canonical_parts_rebuild_the_canonical_form(fields: dict[str, Any]) -> None:
    # PostgreSQL's append (audit migration 0003) hashes head + id + mid + seq + time: the same
    # bytes as Python's canonical form, or ``audit verify`` would refuse its events.
    import json
    from datetime import UTC, datetime

    from usalama.audit.chain import canonical, canonical_parts, hashed_fields

    when = datetime(2026, 12, 6, 23, 40, 1, 7, tzinfo=UTC)
    details = {"z": [1, 2.5, None], "a": {"b": "ñ✓ <script>"}, "n": True}
    head, mid = canonical_parts(
        actor=fields["actor"],
        actor_id=fields["actor_id"],
        agency=fields["agency"],
        action="test.event",
        object_type="thing",
        query=fields["query"],
        details=details,
    )
    rebuilt = (
        head
        + json.dumps(fields["object_id"], ensure_ascii=False)
        + mid
        + "1234"
        + ',"time":"2026-12-06T23:40:01.000007+00:00"}'
    )
    expected = canonical(
        hashed_fields(
            seq=1234, time=when, action="test.event", object_type="thing", details=details, **fields
        )
    )
    assert rebuilt.encode() == expected


def test_a_row_and_its_event_are_written_together() -> None:
    from usalama.audit.services import insert_and_record, prepare_insert
    from usalama.intake import rows
    from usalama.intake.models import WebhookReceipt

    _append(2)
    receipt = WebhookReceipt(key="k" * 64)
    sql, params = rows.insert_statement(receipt)
    pk, event = insert_and_record(
        prepare_insert(
            sql,
            params,
            Actor(name="public"),
            "test.insert",
            object_type="receipt",
            details={"n": 1},
        )
    )
    stored = AuditEvent.objects.get(id=event.id)
    assert WebhookReceipt.objects.get(pk=pk).key == "k" * 64
    assert (stored.object_id, stored.hash, stored.time) == (str(pk), event.hash, event.time)
    assert stored.prev_hash == AuditEvent.objects.get(id=event.id - 1).hash
    assert verify_chain().ok and verify_chain().checked == 3


def test_a_failed_insert_appends_nothing() -> None:
    from usalama.audit.services import insert_and_record, prepare_insert
    from usalama.intake import rows
    from usalama.intake.models import WebhookReceipt

    _append(1)
    WebhookReceipt.objects.create(key="dup")
    sql, params = rows.insert_statement(WebhookReceipt(key="dup"))
    with pytest.raises(IntegrityError):
        insert_and_record(
            prepare_insert(sql, params, Actor(name="public"), "test.insert", object_type="x")
        )
    # the test's own transaction is still usable (a savepoint took the failure)
    assert AuditEvent.objects.count() == 1 and verify_chain().ok


def _on_own_connection(job: Any) -> None:
    """Run ``job`` in a thread, so on a connection of its own (committed, unlike the test's)."""
    from django.db import connections

    def run() -> None:
        try:
            job()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _remove_committed_events() -> None:
    # the triggers refuse DELETE; replica mode skips them for this one session
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM intake_webhookreceipt")


def test_concurrent_appends_never_fork_the_chain() -> None:
    # Eight threads, each on its own connection (its own transactions, committed), append at
    # once through both paths: every event gets its own place, no gap, the chain verifies.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers with its own lock")
    from usalama.audit.services import insert_and_record, prepare_insert
    from usalama.intake import rows
    from usalama.intake.models import WebhookReceipt

    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        start.wait()
        for i in range(15):
            try:
                if i % 2:
                    record(Actor(name=f"t{n}"), "test.concurrent", object_id=i)
                else:
                    sql, params = rows.insert_statement(WebhookReceipt(key=f"{n}-{i}"))
                    insert_and_record(
                        prepare_insert(
                            sql, params, Actor(name=f"t{n}"), "test.row", object_type="r"
                        )
                    )
            except Exception as error:
                errors.append(error)

    threads = [
        threading.Thread(target=_on_own_connection, args=(lambda n=n: work(n),)) for n in range(8)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        result = verify_chain()  # the test's transaction reads what the threads committed
        assert result.ok and result.checked == 8 * 15
        assert list(AuditEvent.objects.values_list("id", flat=True)) == list(range(1, 121))
    finally:
        _on_own_connection(_remove_committed_events)
