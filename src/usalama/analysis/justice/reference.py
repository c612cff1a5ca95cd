"""The plain-Python KPI engine, kept as the reference implementation (the oracle).

``usalama.analysis.justice.kpis`` computes the same figures on DuckDB; the tests check that
both agree on generated logs (Hypothesis) and ``benchmarks/justice_bench.py`` times both.
This one walks each accused's chain in Python, exactly as the definitions read.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from usalama.analysis.justice.events import Event
from usalama.analysis.justice.kpis import (
    ATTRITION_KEYS,
    BACKLOG_AGE,
    COURT_CLOCK,
    DAY,
    Period,
)


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / DAY


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


class _Chains:
    """Each accused's events (and each case's reports) sorted by time, built once."""

    def __init__(self, events: Iterable[Event]) -> None:
        self.by_accused: dict[tuple[str, str], list[Event]] = defaultdict(list)
        self.reported: dict[str, datetime] = {}
        self.accused_of_case: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.all: list[Event] = sorted(events, key=Event.sort_key)
        for event in self.all:
            if event.event == "reported":
                if event.case_id not in self.reported:
                    self.reported[event.case_id] = event.time
                if not event.accused_id:
                    continue
            self.by_accused[event.accused].append(event)
            self.accused_of_case[event.case_id].add(event.accused)

    def first(
        self,
        accused: tuple[str, str],
        kind: str,
        *,
        after: datetime | None = None,
        strictly: bool = False,
        before: datetime | None = None,
        kinds: tuple[str, ...] = (),
    ) -> Event | None:
        wanted = kinds or (kind,)
        for event in self.by_accused.get(accused, ()):
            if event.event not in wanted:
                continue
            if after is not None and (event.time <= after if strictly else event.time < after):
                continue
            if before is not None and event.time >= before:
                continue
            return event
        return None


def compute_kpis_reference(events: Iterable[Event], period: Period) -> dict[str, Any]:
    """Every KPI of the issue, keyed exactly as the CLI's JSON."""
    chains = _Chains(events)
    end = period.end
    inside = [event for event in chains.all if event.time in period]

    arrests = [e for e in inside if e.event == "arrested"]
    on_time = 0
    for arrest in arrests:
        appearance = chains.first(arrest.accused, "first_appearance", after=arrest.time)
        if appearance is not None and appearance.time - arrest.time <= COURT_CLOCK:
            on_time += 1

    charged = [e for e in inside if e.event == "charged"]
    report_to_charge = [
        _days(e.time - chains.reported[e.case_id]) for e in charged if e.case_id in chains.reported
    ]

    judgments = [e for e in inside if e.event == "judgment"]
    convicted = sum(1 for e in judgments if e.detail == "convicted")

    pending = 0
    old = 0
    for accused in chains.by_accused:
        first_charge = chains.first(accused, "charged", before=end)
        if first_charge is None or chains.first(accused, "judgment", before=end) is not None:
            continue
        pending += 1
        if end - first_charge.time > BACKLOG_AGE:
            old += 1

    hearings = [e for e in inside if e.event == "hearing"]
    adjourned = sum(1 for e in hearings if e.detail == "adjourned")

    remand_days = []
    for remand in (e for e in inside if e.event == "remanded"):
        release = chains.first(
            remand.accused,
            "",
            kinds=("released_on_bail", "judgment"),
            after=remand.time,
            strictly=True,
        )
        stop = min(release.time, end) if release is not None else end
        remand_days.append(_days(stop - remand.time))

    pretrial = 0
    sentenced = 0
    for accused, chain in chains.by_accused.items():
        before_end = [e for e in chain if e.time < end]
        remands = [e for e in before_end if e.event == "remanded"]
        if remands:
            last = remands[-1]
            if (
                chains.first(
                    accused,
                    "",
                    kinds=("released_on_bail", "judgment"),
                    after=last.time,
                    strictly=True,
                    before=end,
                )
                is None
            ):
                pretrial += 1
        if any(e.event == "sentenced" and e.detail == "custodial" for e in before_end):
            sentenced += 1

    reported_cases = [case for case, when in chains.reported.items() if when in period]
    attrition = dict.fromkeys(ATTRITION_KEYS, 0)
    attrition["cases_reported"] = len(reported_cases)
    for case in reported_cases:
        for accused in chains.accused_of_case.get(case, ()):
            if chains.first(accused, "arrested", before=end) is not None:
                attrition["accused_arrested"] += 1
            if chains.first(accused, "charged", before=end) is not None:
                attrition["accused_charged"] += 1
            if any(
                e.event == "judgment" and e.detail == "convicted" and e.time < end
                for e in chains.by_accused[accused]
            ):
                attrition["accused_convicted"] += 1

    return {
        "arrests": len(arrests),
        "court_within_24h_rate": _share(on_time, len(arrests)),
        "charged": len(charged),
        "median_days_report_to_charge": _median(report_to_charge),
        "judgments": len(judgments),
        "clearance_rate": _share(len(judgments), len(charged)),
        "conviction_rate": _share(convicted, len(judgments)),
        "pending_at_end": pending,
        "disposition_time_days": (period.days * pending / len(judgments) if judgments else None),
        "backlog_share": _share(old, pending),
        "adjournment_rate": _share(adjourned, len(hearings)),
        "median_remand_days": _median(remand_days),
        "unsentenced_detainee_share": _share(pretrial, pretrial + sentenced),
        "attrition": attrition,
    }
