"""The SQLite write gate's group commit (intake/writegate.py): rows that wait at the gate go
in with the next holder's transaction; each caller returns only once its row is committed,
and a failing row fails alone.

The test database is not a file the gate guards (in memory on SQLite, or PostgreSQL), so the
gate is pointed at a lock file of the test's own: the batching, the audit chain and the
failure path then run as in production, on both databases.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections

from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor, prepare_insert, verify_chain
from usalama.intake import rows, writegate
from usalama.intake.models import WebhookReceipt


@pytest.fixture
def _origin_role_after(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Set up before the test database's flush and torn down after it: PostgreSQL's
    session back to normal trigger firing once the flush has run (see ``committed``)."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def committed(_origin_role_after: None, transactional_db: None) -> Iterator[None]:
    """Committed rows (threads write on connections of their own). At the end the audit
    events go too, past the triggers that refuse it, so that the database can be flushed:
    on PostgreSQL this session skips triggers until the flush (``TRUNCATE``) has run."""
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_auditevent'"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute("DELETE FROM audit_auditevent")
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def gate(committed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    lock = str(tmp_path / "gated.sqlite3")
    monkeypatch.setattr(writegate, "_gated_database", lambda: lock)
    return lock


def _receipt(key: str) -> Any:
    sql, params = rows.insert_statement(WebhookReceipt(key=key))
    return prepare_insert(
        sql, params, Actor(name="public"), "test.receipt", object_type="receipt", details={}
    )


def _in_threads(keys: list[str]) -> tuple[list[threading.Thread], dict[str, Any]]:
    """Start one thread per key, each inserting its receipt through the gate; outcomes by
    key: (id, event) or the exception raised."""
    outcomes: dict[str, Any] = {}

    def insert(key: str) -> None:
        try:
            outcomes[key] = writegate.insert_in_group(_receipt(key))
        except Exception as error:
            outcomes[key] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=insert, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    return threads, outcomes


def _wait_for_pending(count: int) -> None:
    deadline = time.monotonic() + 30
    while len(writegate._PENDING) < count:
        assert time.monotonic() < deadline, f"{len(writegate._PENDING)} rows waiting, not {count}"
        time.sleep(0.01)


def test_rows_waiting_at_the_gate_are_committed_together(gate: str) -> None:
    keys = [f"group-{n}" for n in range(8)]
    with writegate._holding(gate):  # another writer holds the gate: all eight queue
        threads, outcomes = _in_threads(keys)
        _wait_for_pending(8)
        assert not WebhookReceipt.objects.exists()  # nobody acknowledged, nothing written yet
    for thread in threads:
        thread.join(timeout=60)
    assert writegate.BATCH_SIZES[-1] == 8  # one transaction for the eight
    stored = dict(WebhookReceipt.objects.values_list("key", "pk"))
    assert set(stored) == set(keys)
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="test.receipt")}
    for key in keys:
        pk, event = outcomes[key]
        assert stored[key] == pk
        assert events[str(pk)].hash == event.hash and event.object_id == str(pk)
    assert sorted(e.id for e in events.values()) == list(
        range(min(e.id for e in events.values()), min(e.id for e in events.values()) + 8)
    )
    assert verify_chain().ok


def test_a_failing_row_fails_alone_and_the_others_are_stored(gate: str) -> None:
    WebhookReceipt.objects.create(key="group-dup")
    keys = ["group-a", "group-dup", "group-b", "group-c"]
    with writegate._holding(gate):
        threads, outcomes = _in_threads(keys)
        _wait_for_pending(4)
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(outcomes["group-dup"], IntegrityError)
    assert set(WebhookReceipt.objects.values_list("key", flat=True)) == {
        "group-dup",
        "group-a",
        "group-b",
        "group-c",
    }
    events = AuditEvent.objects.filter(action="test.receipt")
    assert sorted(e.object_id for e in events) == sorted(
        str(outcomes[k][0]) for k in ("group-a", "group-b", "group-c")
    )
    assert verify_chain().ok


def test_a_gate_that_fails_acknowledges_nothing(gate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_name: str) -> Any:
        raise OSError("no lock file")

    monkeypatch.setattr(writegate, "_holding", broken)
    threads, outcomes = _in_threads(["group-x"])
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(outcomes["group-x"], OSError)
    assert not WebhookReceipt.objects.exists() and not writegate._PENDING
    assert not writegate._leading  # the next report can lead


def test_reports_submitted_at_once_are_all_stored(gate: str) -> None:
    from usalama.intake import services
    from usalama.intake.models import Report

    def submit(n: int, references: list[str]) -> None:
        try:
            report = services.submit_report(
                services.SubmissionInput(
                    category="stealing",
                    description=f"Simu imeibiwa kwenye matatu, ripoti {n}",
                    channel="api",
                )
            )
            references.append(report.reference)
        finally:
            connections.close_all()

    services.intake_agency()  # created once, before the threads
    references: list[str] = []
    threads = [threading.Thread(target=submit, args=(n, references)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(references) == 12
    stored = set(Report.objects.values_list("reference", flat=True))
    assert stored == set(references)
    created = AuditEvent.objects.filter(action="intake.report.create")
    assert set(created.values_list("object_id", flat=True)) == {
        str(pk) for pk in Report.objects.values_list("pk", flat=True)
    }
    assert verify_chain().ok
