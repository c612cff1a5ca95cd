"""Citizen reports in a past month, published: the portal's tests start from this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from usalama.audit.services import Actor
from usalama.intake import services as intake
from usalama.intake.models import Report
from usalama.public import services as public


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def file_reports(
    rows: Iterable[tuple[str, str, str, str, int]], first: dt.date | None = None
) -> dt.date:
    """(county, sub-county, ward, category, how many) reports, made on the 10th of ``first``."""
    first = first or last_month()
    moment = timezone.make_aware(dt.datetime.combine(first.replace(day=10), dt.time(12)))
    for county, sub, ward, category, count in rows:
        for _ in range(count):
            report = intake.submit_report(
                intake.SubmissionInput(
                    category=category,
                    description="A report for the portal's tests.",
                    channel="web",
                    language="en",
                    county=county,
                    sub_county=sub,
                    ward=ward,
                )
            )
            Report.objects.filter(pk=report.pk).update(created_at=moment)
    return first


def publish_reports(rows: Iterable[tuple[str, str, str, str, int]]) -> str:
    first = file_reports(rows)
    label = f"{first:%Y-%m}"
    public.publish_month(Actor(name="test"), label)
    return label
