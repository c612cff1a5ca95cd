"""Scheduled publishing: the hourly job publishes the newly completed month once, and a month
that fails the disclosure check is logged and audited, never stored or served."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.platform.public_helpers import file_reports, last_month
from usalama.audit.models import AuditEvent
from usalama.public import schedule, services
from usalama.public.models import PublishedTable

pytestmark = pytest.mark.django_db

ROWS = [("Nairobi", "Westlands", "Karura", "stealing", 7)]


def test_the_last_complete_month_is_the_one_before_today() -> None:
    now = timezone.make_aware(dt.datetime(2026, 3, 1, 0, 30))  # Nairobi time, just past midnight
    assert schedule.last_complete_month(now) == "2026-02"
    assert schedule.last_complete_month(now - dt.timedelta(hours=1)) == "2026-01"


def test_the_job_publishes_the_new_month_once_and_books_the_next_run() -> None:
    from django_tasks_db.models import DBTaskResult

    from usalama.public.tasks import publish_task

    first = file_reports(ROWS)
    month = f"{first:%Y-%m}"
    assert month not in services.months()
    publish_task.call(True)
    assert month in services.months()
    assert services.counts(first)  # served
    stamp = PublishedTable.objects.filter(month=first).values_list("published_at", flat=True)
    before = sorted(stamp)
    assert schedule.publish_due() is None  # already published: left as it is
    assert sorted(stamp) == before
    assert AuditEvent.objects.filter(action="public.publish", object_id=month).count() == 1
    waiting = DBTaskResult.objects.filter(task_path=schedule.TASK_PATH, status="READY")
    assert waiting.count() == 1  # the next run, an interval later
    assert waiting.get().run_after > timezone.now() + dt.timedelta(minutes=30)
    assert schedule.ensure_scheduled() is False  # one booking at a time


def test_a_month_failing_the_check_is_audited_and_never_served(monkeypatch: Any) -> None:
    first = file_reports(ROWS)
    monkeypatch.setattr(services, "_small", lambda rows, k: True)
    assert schedule.publish_due() is None
    assert not PublishedTable.objects.filter(month=first).exists()
    assert f"{first:%Y-%m}" not in services.months()
    assert services.served(first, "counts") is None
    refused = AuditEvent.objects.get(action="public.publish_refused")
    assert refused.object_id == f"{last_month():%Y-%m}"
    assert "below" in refused.details["reason"]
