"""Publishing on a schedule: one pending ``publish_task`` in the queue at any time.

``ensure_scheduled`` (called by ``usalama public schedule`` and the demo) books one run if
none is waiting; each run publishes the last complete month if it is not published yet, then
books the next ``USALAMA_PUBLIC_INTERVAL_SECONDS`` later (default: hourly). A month that
fails the disclosure check is logged and audited (``public.publish_refused``) and nothing of
it is stored or served; the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from usalama.audit.services import Actor, record
from usalama.core.errors import UsalamaError

TASK_PATH = "usalama.public.tasks.publish_task"
SYSTEM = Actor(name="public-schedule", agency="")
log = logging.getLogger("usalama.public")


def interval_seconds() -> int:
    return max(60, int(getattr(settings, "USALAMA_PUBLIC_INTERVAL_SECONDS", 3600)))


def last_complete_month(now: dt.datetime | None = None) -> str:
    """The month before the current one, in the platform's time zone (YYYY-MM)."""
    first = timezone.localdate(now or timezone.now()).replace(day=1)
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def publish_due(now: dt.datetime | None = None) -> str | None:
    """Publish the last complete month unless it is published; returns the month published,
    or None when there was nothing to do or the month was refused (logged and audited)."""
    from usalama.public import services

    month = last_complete_month(now)
    if month in services.months():
        return None
    try:
        services.publish_month(SYSTEM, month, now=now)
    except UsalamaError as error:
        log.warning("scheduled publishing of %s refused: %s", month, error.message)
        record(
            SYSTEM,
            "public.publish_refused",
            object_type="public_month",
            object_id=month,
            details={"reason": error.message},
        )
        return None
    log.info("scheduled publishing: %s published", month)
    return month


def _pending() -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY).exists()


def book_next(delay: dt.timedelta) -> bool:
    """Queue the next run ``delay`` from now unless one is already waiting."""
    from usalama.public.tasks import publish_task

    if _pending():
        return False
    publish_task.using(run_after=timezone.now() + delay).enqueue(True)
    return True


def ensure_scheduled() -> bool:
    return book_next(dt.timedelta(seconds=0))
