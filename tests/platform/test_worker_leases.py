"""Workers on several hosts (issue #21): a job is held by a lease that its worker renews.

Two workers, pretending to be on two hosts (``USALAMA_WORKER_HOST``), serve one database.
An import queued as the web queues it is claimed by one of them; while that worker lives
(and renews its lease) the other never takes the job; after a ``kill -9`` the other takes it
over within the lease time and finishes it: every entity and statement once, nothing lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.platform.importing import expected_statements, write_jsonl
from tests.platform.test_crash_safety import (  # noqa: F401 (a fixture)
    USALAMA,
    _env,
    _integrity,
    _kill_when,
    _query,
    installation,
)

pytestmark = pytest.mark.slow
LEASE = 4.0
CLAIMS = "SELECT worker_ids FROM django_tasks_database_dbtaskresult"
QUEUE_IMPORT = """
import django, sys; django.setup()
from pathlib import Path
from typing import Any
from usalama.accounts.models import Agency, User
from usalama.audit.services import Actor
from usalama.records import jobs, services
user = User.objects.get(username="a1")
collection = services.ensure_collection(Actor(name="test"), key="people", agency=user.agency,
    label="people", reliability="B", assessment="2", handling="H1", tlp="AMBER")
path = Path(sys.argv[1])
with path.open("rb") as upload:
    print(jobs.start_import_job(user, collection.pk, upload, path.name, path.stat().st_size,
                                fmt="ftm").pk)
"""


TAKEOVER_LIMIT = 420.0


def _state(db: Path, job: int) -> str:
    """What the job, its task and the leases looked like: the message of a failed wait."""
    return repr(
        {
            "job": _query(db, f"SELECT status, rows_done FROM records_importjob WHERE id = {job}"),
            "task": _query(db, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"),
            "leases": _query(
                db, "SELECT worker_id, beat_at, datetime('now') FROM records_workerheartbeat"
            ),
        }
    )


def _worker(var: Path, host: str) -> subprocess.Popen[bytes]:
    env = {**_env(var), "USALAMA_WORKER_HOST": host, "USALAMA_WORKER_LEASE_SECONDS": str(LEASE)}
    return subprocess.Popen(
        [*USALAMA, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_killed_workers_import_is_taken_over_by_another_host(
    installation: Path,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    var = installation
    db = var / "usalama.sqlite3"
    people = tmp_path / "people.ftm.json"
    # large enough that, a lease after it started, the import is far from done on a fast
    # machine: a job about to finish could otherwise end between the check and the kill
    count = 100_000
    entities = [
        {
            "id": f"h-{i}",
            "schema": "Person",
            "properties": {"name": [f"Person Number {i}"], "idNumber": [str(40_000_000 + i)]},
        }
        for i in range(count)
    ]
    write_jsonl(people, entities)
    workers = {"host-a": _worker(var, "host-a"), "host-b": _worker(var, "host-b")}
    try:
        queued = subprocess.run(
            [sys.executable, "-c", QUEUE_IMPORT, str(people)],
            env=_env(var),
            capture_output=True,
            text=True,
            check=True,
        )
        job = int(queued.stdout.strip().splitlines()[-1])
        # Let it run for longer than a lease while both workers live, then kill its worker.
        running = (
            f"SELECT id FROM records_importjob WHERE id = {job} AND status = 'running' "
            f"AND rows_done > 0 AND started_at < datetime('now', '-{LEASE:.0f} seconds')"
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _query(db, running):
            time.sleep(0.05)
        claims = json.loads(_query(db, CLAIMS)[0][0])
        assert len(claims) == 1, f"the job was claimed twice while its worker lived: {claims}"
        holder = claims[0].rpartition(":")[0]
        other = "host-b" if holder == "host-a" else "host-a"
        killed_at = time.monotonic()
        assert _kill_when(workers[holder], db, running), "the import finished before the kill"

        done = f"SELECT id FROM records_importjob WHERE id = {job} AND status = 'done'"
        # Taken over within a lease or two; finishing the rest of the file on a CI machine
        # whose other core runs another test worker can take minutes.
        while time.monotonic() < killed_at + TAKEOVER_LIMIT and not _query(db, done):
            assert workers[other].poll() is None, "the other worker died"
            time.sleep(0.1)
        claims = json.loads(_query(db, CLAIMS)[0][0])
        assert [c.rpartition(":")[0] for c in claims] == [holder, other], _state(db, job)
        assert _query(db, done), _state(db, job)
        status = _query(db, "SELECT status FROM django_tasks_database_dbtaskresult")[0][0]
        assert status == "SUCCESSFUL"
    finally:
        for process in workers.values():
            process.kill()
            process.wait(timeout=30)
    assert _query(db, "SELECT count(*) FROM records_entityrecord") == [(count,)]
    # Nothing lost: exactly what a serial import of the same file stores.
    assert _query(db, "SELECT count(*) FROM records_statement") == [
        (expected_statements(entities, "people"),)
    ]
    _integrity(var)


def test_a_job_is_abandoned_only_when_its_worker_is_gone(settings: Any) -> None:
    from usalama.records.worker import _abandoned, worker_id

    settings.USALAMA_WORKER_HOST = "host-a"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert _abandoned([f"host-a:{gone.pid}"], leased={f"host-a:{gone.pid}"})  # dead here
    assert not _abandoned([worker_id()], leased=set())  # this very worker
    assert not _abandoned(["host-b:123"], leased={"host-b:123"})  # elsewhere, lease renewed
    assert _abandoned(["host-b:123"], leased=set())  # elsewhere, lease ran out
    assert _abandoned(["host-b:9", "host-c:7"], leased={"host-b:9"})  # the last claim counts
    assert not _abandoned([], leased=set())


ENQUEUE = """
import django; django.setup()
from django_tasks_db.models import DBTaskResult
from usalama.records.tasks import run_import_job
DBTaskResult.objects.filter(id=run_import_job.enqueue(0).id).delete()
"""


@pytest.mark.django_db
def test_a_queued_job_wakes_idle_workers_on_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite workers poll")
    import psycopg

    from usalama.records.worker import NOTIFY_CHANNEL

    params = connection.get_connection_params()
    keep = {"dbname", "host", "port", "user", "password"}
    url = f"postgresql://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    with psycopg.connect(
        **{k: v for k, v in params.items() if k in keep}, autocommit=True
    ) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        # Queued by another process, which commits (the test's own transaction never does).
        env = {**os.environ, "USALAMA_DATABASE_URL": url}
        subprocess.run([sys.executable, "-c", ENQUEUE], env=env, check=True, timeout=120)
        assert list(listener.notifies(timeout=5, stop_after=1)), "no NOTIFY for a queued job"
