"""Computing the indicators of a month into the KPI table (the background job and the CLI)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from usalama.audit.services import Actor, record
from usalama.kpis import sources
from usalama.kpis.models import KpiValue
from usalama.kpis.registry import INDICATORS

log = logging.getLogger("usalama.kpis")
SYSTEM = Actor(name="kpis", agency="")


def compute_period(period: str) -> int:
    """Recompute every indicator for one month (YYYY-MM); returns the rows written.

    The month's rows are replaced in one transaction: a reader sees the old figures or the
    new ones, never half of each.
    """
    window = sources.Window.of(period)
    now = timezone.now()
    rows: list[KpiValue] = []
    needed = {indicator.source for indicator in INDICATORS}
    for source in sorted(needed):
        values = sources.SOURCES[source](window)
        for indicator in INDICATORS:
            if indicator.source != source:
                continue
            for (level, code), (value, base) in values.get(indicator.key, {}).items():
                if level not in indicator.levels:
                    continue
                rows.append(
                    KpiValue(
                        indicator=indicator.key,
                        level=level,
                        area_code=code,
                        period=period,
                        value=value,
                        base=base,
                        computed_at=now,
                    )
                )
    with transaction.atomic():
        KpiValue.objects.filter(period=period).delete()
        KpiValue.objects.bulk_create(rows, batch_size=1000)
    record(
        SYSTEM, "kpis.computed", object_type="period", object_id=period, details={"rows": len(rows)}
    )
    return len(rows)


def recent_periods(months: int = 2, now: dt.datetime | None = None) -> list[str]:
    """This month and the ones before it, oldest first, in Nairobi time."""
    current = (now or timezone.now()).astimezone(sources.TZ).replace(day=1)
    found = []
    for _ in range(months):
        found.append(current.strftime("%Y-%m"))
        current = (current - dt.timedelta(days=1)).replace(day=1)
    return sorted(found)
