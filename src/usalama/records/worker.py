"""The background worker: django-tasks-db's task table and task runner, with leases, an
instant wake-up and code loaded before the first job.

* **Leases.** django-tasks-db marks a task RUNNING when a worker claims it and never looks at
  it again, so a worker killed mid-import (power cut, OOM killer, ``kill -9``) would leave its
  job running for ever. Each worker renews a lease (``WorkerHeartbeat``) every lease/4
  seconds; every worker, on any host, hands back to the queue the tasks of a worker whose
  lease has run out — at start and every lease/2 seconds while it runs — and, on its own
  host, at once those of a process that is gone. Only tasks known to be safe to run again are
  handed back: an import re-run stores every statement exactly once (``records.imports``), so
  it simply finishes the work; other apps register theirs (``register_resumable``).
* **Wake-up.** On PostgreSQL a queued task sends ``NOTIFY`` and an idle worker waits on
  ``LISTEN``, so it starts the task at once; on SQLite it looks at the queue every
  ``interval`` seconds (0.5 by default: a few indexed reads a second when idle).
* **Preloading.** The modules a job needs (FollowTheMoney, the importers, …) are imported
  when the worker starts, not when the first job arrives.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone

log = logging.getLogger("usalama.records.worker")

# Tasks that may be run again from the start after a crash without duplicating anything.
# Other apps add theirs with ``register_resumable`` (records must not name them itself).
RESUMABLE_TASKS: set[str] = {"usalama.records.tasks.run_import_job"}
# Modules imported when a worker starts, so that the first job does not wait for them.
PRELOAD_MODULES: set[str] = {"usalama.records.tasks", "usalama.records.jobs"}
NOTIFY_CHANNEL = "usalama_tasks"
_HOST_LEN = 40  # django-tasks-db allows 64 characters in a worker id


def _host() -> str:
    return (settings.USALAMA_WORKER_HOST or socket.gethostname())[:_HOST_LEN]


def worker_id(pid: int | None = None) -> str:
    """``host:pid``: a later worker on the same host can tell at once if this one died."""
    return f"{_host()}:{pid if pid is not None else os.getpid()}"


def register_resumable(task_path: str) -> None:
    """Declare a task safe to run again from the start when its worker died mid-way."""
    RESUMABLE_TASKS.add(task_path)
    PRELOAD_MODULES.add(task_path.rpartition(".")[0])


def register_preload(module: str) -> None:
    """Declare a module a worker imports at start (what an app's jobs need)."""
    PRELOAD_MODULES.add(module)


def preload() -> None:
    for module in sorted(PRELOAD_MODULES):
        try:
            import_module(module)
        except ImportError:  # a job will report the same error when it runs
            log.exception("could not preload %s", module)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _abandoned(worker_ids: list[str], leased: set[str]) -> bool:
    """Whether the last worker that claimed a task is gone.

    On this host a dead process is known at once; anywhere, a worker whose lease ran out is
    taken for dead (it stopped renewing it).
    """
    if not worker_ids:
        return False
    last = str(worker_ids[-1])
    host, _sep, pid = last.rpartition(":")
    if last == worker_id():
        return False
    if host == _host() and pid.isdigit() and not _alive(int(pid)):
        return True
    return last not in leased


def resume_abandoned() -> int:
    """Put tasks whose worker died back in the queue; returns how many were resumed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from usalama.records.models import WorkerHeartbeat

    cutoff = timezone.now() - timedelta(seconds=settings.USALAMA_WORKER_LEASE_SECONDS)
    leased = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__in=sorted(RESUMABLE_TASKS)
    )
    resumed = 0
    for task_id, worker_ids, started_at in running.values_list("id", "worker_ids", "started_at"):
        if _abandoned(list(worker_ids or []), leased):
            # Only if nobody claimed it meanwhile: the same claim (same start) still RUNNING.
            taken = DBTaskResult.objects.filter(
                id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
            if taken:
                log.warning("worker %s resumed job %s of dead worker %s",
                            worker_id(), task_id, (worker_ids or ["?"])[-1])  # fmt: skip
            resumed += taken
    return resumed


class Lease:
    """This worker's heartbeat row, renewed by a daemon thread that also takes over the jobs
    of workers whose lease ran out."""

    def __init__(self, lease_seconds: float) -> None:
        self.id = worker_id()
        self.lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-lease", daemon=True)

    def start(self) -> Lease:
        self.renew()
        self._thread.start()
        return self

    def renew(self) -> None:
        from usalama.records.models import WorkerHeartbeat

        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.id, defaults={"beat_at": timezone.now()}
        )

    def stop(self) -> None:
        from usalama.records.models import WorkerHeartbeat

        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(Exception):  # best effort: the lease runs out anyway
            WorkerHeartbeat.objects.filter(worker_id=self.id).delete()

    def _run(self) -> None:
        beat = max(self.lease / 4, 0.25)
        next_sweep = time.monotonic() + self.lease / 2
        while not self._stop.wait(beat):
            try:
                self.renew()
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.lease / 2
                    resume_abandoned()
            except Exception:  # a busy database must not kill the lease thread; it is logged
                log.exception("could not renew the worker's lease")
            finally:
                connection.close()


class _Wakeup:
    """Waits for a queued task: ``LISTEN`` on PostgreSQL, a plain sleep elsewhere."""

    def __init__(self) -> None:
        self._listener: Any = None
        if connection.vendor == "postgresql":
            import psycopg

            params = {
                key: value
                for key, value in connection.get_connection_params().items()
                if key not in {"cursor_factory", "context", "prepare_threshold"}
            }
            self._listener = psycopg.connect(**params, autocommit=True)
            self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def wait(self, timeout: float) -> None:
        if self._listener is None:
            time.sleep(timeout)
            return
        for _notice in self._listener.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()


def notify_queued(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """``post_save`` of a task row: wake the idle workers (PostgreSQL; sent at commit)."""
    if created and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


def run_worker(*, interval: float = 0.5, batch: bool = False) -> None:
    """Resume abandoned jobs, then take tasks until stopped (or, with ``batch``, none is left).

    While it runs, threads renew the worker's lease and sign a checkpoint of the audit
    chain's head periodically.
    """
    from usalama.audit.checkpoints import PeriodicCheckpoints

    preload()
    lease = Lease(settings.USALAMA_WORKER_LEASE_SECONDS).start()
    resume_abandoned()
    checkpoints = PeriodicCheckpoints(settings.USALAMA_AUDIT_CHECKPOINT_SECONDS)
    if not batch:
        checkpoints.start()
    try:
        _loop(interval=interval, batch=batch, worker=lease.id)
    finally:
        checkpoints.stop()
        lease.stop()


def _loop(*, interval: float, batch: bool, worker: str) -> None:
    """django-tasks-db's runner, fed by our claim-and-wait loop."""
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    runner = Worker(queue_names=["*"], interval=interval, batch=batch,
                    backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False, max_tasks=None,
                    worker_id=worker, excluded_queue_names=[])  # fmt: skip
    runner.configure_signals()
    wakeup = _Wakeup()
    try:
        while runner.running:
            close_old_connections()
            ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
            task = None
            looked = True
            try:
                with exclusive_transaction(ready.db):
                    task = ready.get_locked()
                    if task is not None:
                        task.claim(worker)  # in the same transaction: no one else runs it
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                looked = False  # SQLite busy: look again shortly
            if task is not None:
                runner.run_task(task)
                continue
            if batch and looked:
                return
            if runner.running:
                wakeup.wait(interval)
    finally:
        wakeup.close()
