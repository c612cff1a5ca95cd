"""django-tasks entry point: publish the newly completed month, then book the next run (a
schedule that lives in the task queue itself, so it survives restarts and needs no cron)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def publish_task(reschedule: bool = True) -> None:
    from usalama.public import schedule

    schedule.publish_due()
    if reschedule:
        schedule.book_next(dt.timedelta(seconds=schedule.interval_seconds()))
