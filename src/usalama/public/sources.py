"""What the portal counts, read from the domain apps: anonymous, monthly, nothing else.

Only aggregates leave this module — no description, name, phone, reference, coordinate or
exact time: a report becomes (ward, category), a call (priority, minutes to arrive), a
complaint its stage or outcome, the justice chain its national KPIs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from usalama.analysis.justice import Period, compute_kpis
from usalama.cases import services as cases
from usalama.intake.categories import CODES
from usalama.intake.models import Report, Tip
from usalama.oversight.models import Complaint, Recommendation, Stage
from usalama.policing.models import Incident
from usalama.public.areas import ward_key

CATEGORIES: tuple[str, ...] = CODES
PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")
OTHER_PRIORITY = "other"
COMPLAINT_GROUPS: tuple[str, ...] = (
    "open",
    "inadmissible",
    Recommendation.PROSECUTION.value,
    Recommendation.DISCIPLINARY_IAU.value,
    Recommendation.DISCIPLINARY_NPSC.value,
    Recommendation.NO_FURTHER_ACTION.value,
)


@dataclass(frozen=True)
class Month:
    start: dt.datetime  # aware, local midnight on the 1st
    end: dt.datetime
    first: dt.date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"


def reports_by_ward(month: Month) -> tuple[dict[tuple[str, str], int], int]:
    """((ward key, category) -> reports and tips received in the month, and how many were
    left out because their place is not a full county / sub-county / ward of the list)."""
    counts: Counter[tuple[str, str]] = Counter()
    unplaced = 0
    for model in (Report, Tip):
        rows = model.objects.filter(created_at__gte=month.start, created_at__lt=month.end)
        for county, sub, ward, category in rows.values_list(
            "county", "sub_county", "ward", "category"
        ).iterator(chunk_size=5000):
            key = ward_key(county, sub, ward)
            if key is None:
                unplaced += 1
                continue
            counts[(key, category if category in CATEGORIES else "other")] += 1
    return dict(counts), unplaced


def response_minutes(month: Month) -> dict[str, list[float]]:
    """Minutes from receiving a call to an officer arriving, by priority, for calls received in
    the month that an officer reached."""
    found: dict[str, list[float]] = {p: [] for p in (*PRIORITIES, OTHER_PRIORITY)}
    rows = Incident.objects.filter(
        received_at__gte=month.start, received_at__lt=month.end, arrived_at__isnull=False
    ).values_list("priority", "received_at", "arrived_at")
    for priority, received, arrived in rows.iterator(chunk_size=10_000):
        if arrived is None:
            continue
        minutes = (arrived - received).total_seconds() / 60
        if minutes < 0:
            continue  # a clock error in the source; the dashboards count these separately
        group = priority if priority in PRIORITIES else OTHER_PRIORITY
        found[group].append(minutes)
    return found


def complaints_by_outcome(month: Month) -> dict[str, int]:
    """Complaints against police received in the month, by where they stand now."""
    counts = dict.fromkeys(COMPLAINT_GROUPS, 0)
    rows = Complaint.objects.filter(created_at__gte=month.start, created_at__lt=month.end)
    for stage, recommendation in rows.values_list("stage", "recommendation"):
        if stage == Stage.INADMISSIBLE:
            counts["inadmissible"] += 1
        elif stage == Stage.OUTCOME and recommendation in counts:
            counts[recommendation] += 1
        else:
            counts["open"] += 1
    return counts


def justice_kpis(month: Month, time_zone: str) -> dict[str, Any]:
    """The national justice KPIs of the month over every case (the operator's whole log)."""
    next_first = (month.first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return compute_kpis(cases.event_log(None), Period.of(month.first, next_first, time_zone))
