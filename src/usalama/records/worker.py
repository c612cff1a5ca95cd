"""The background worker: django-tasks-db's ``db_worker`` loop, plus resuming abandoned jobs.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so
a worker killed mid-import (power cut, OOM killer, ``kill -9``) would leave its job running
for ever. Each worker's id names its host and process id; before a worker starts taking
tasks it hands every task that a dead process on this host had claimed back to the queue.
Only tasks known to be safe to run twice are handed back: an import re-run stores every
statement exactly once (``records.imports``), so it simply finishes the work; other apps
register theirs (``register_resumable``).
"""

from __future__ import annotations

import logging
import os
import socket

from django.core.management import call_command

log = logging.getLogger("usalama.records.worker")

# Tasks that may be run again from the start after a crash without duplicating anything.
# Other apps add theirs with ``register_resumable`` (records must not name them itself).
RESUMABLE_TASKS: set[str] = {"usalama.records.tasks.run_import_job"}
_HOST_LEN = 40  # django-tasks-db allows 64 characters in a worker id


def _host() -> str:
    return socket.gethostname()[:_HOST_LEN]


def worker_id(pid: int | None = None) -> str:
    """``host:pid``: enough for a later worker on the same host to tell if this one died."""
    return f"{_host()}:{pid if pid is not None else os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _claimed_by_dead_process(worker_ids: list[str]) -> bool:
    """Whether the last worker that claimed a task was a process on this host now gone.

    A task claimed on another host is left alone: from here nobody can tell whether that
    worker is still busy with it.
    """
    if not worker_ids:
        return False
    host, _sep, pid = str(worker_ids[-1]).rpartition(":")
    if host != _host() or not pid.isdigit():
        return False
    return int(pid) != os.getpid() and not _alive(int(pid))


def register_resumable(task_path: str) -> None:
    """Declare a task safe to run again from the start when its worker died mid-way."""
    RESUMABLE_TASKS.add(task_path)


def resume_abandoned() -> int:
    """Put tasks whose worker died back in the queue; returns how many were resumed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__in=sorted(RESUMABLE_TASKS)
    )
    resumed = 0
    for task_id, worker_ids in running.values_list("id", "worker_ids"):
        if _claimed_by_dead_process(list(worker_ids or [])):
            # Only if it is still RUNNING: another worker may have resumed it meanwhile.
            resumed += DBTaskResult.objects.filter(
                id=task_id, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, started_at=None)
    if resumed:
        log.warning("resumed %d background job(s) left running by a worker that died", resumed)
    return resumed


def run_worker(*, interval: float = 1.0, batch: bool = False) -> None:
    """Resume abandoned jobs, then take tasks until stopped (or, with ``batch``, none is left).

    While it runs, a thread signs a checkpoint of the audit chain's head periodically.
    """
    from django.conf import settings

    from usalama.audit.checkpoints import PeriodicCheckpoints

    resume_abandoned()
    checkpoints = PeriodicCheckpoints(settings.USALAMA_AUDIT_CHECKPOINT_SECONDS)
    if not batch:
        checkpoints.start()
    try:
        _run_db_worker(interval=interval, batch=batch)
    finally:
        checkpoints.stop()


def _run_db_worker(*, interval: float, batch: bool) -> None:
    call_command(
        "db_worker",
        queue_name="*",
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=False,
        worker_id=worker_id(),
        verbosity=0,
    )
