"""django-tasks entry point: compute the KPIs, then book the next run (a schedule that lives
in the task queue itself, so it survives restarts and needs no cron)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def compute_task(periods: list[str], reschedule: bool = True) -> None:
    from usalama.kpis import schedule
    from usalama.kpis.compute import compute_period, recent_periods

    for period in periods or recent_periods():
        compute_period(period)
    if reschedule:
        schedule.book_next(dt.timedelta(seconds=schedule.interval_seconds()))
