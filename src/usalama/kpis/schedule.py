"""The KPI schedule: one pending ``compute_task`` in the queue at any time.

``ensure_scheduled`` (called by the worker-facing CLI, the demo and the dashboard) books one
run if none is waiting; each run books the next ``USALAMA_KPI_INTERVAL_SECONDS`` later
(default: hourly), recomputing this month and last month.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

TASK_PATH = "usalama.kpis.tasks.compute_task"


def interval_seconds() -> int:
    return max(60, int(getattr(settings, "USALAMA_KPI_INTERVAL_SECONDS", 3600)))


def _pending() -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY).exists()


def book_next(delay: dt.timedelta) -> bool:
    """Queue the next run ``delay`` from now unless one is already waiting (a running one
    does not count: it is the caller when a run books its successor)."""
    from usalama.kpis.tasks import compute_task

    if _pending():
        return False
    compute_task.using(run_after=timezone.now() + delay).enqueue([], True)
    return True


def ensure_scheduled() -> bool:
    return book_next(dt.timedelta(seconds=0))
