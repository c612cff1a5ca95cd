"""Statutory clocks at a moment: who is past the 24-hour court clock, who sits in remand.

Live figures for the dashboard (the KPIs look back over a period; these look at "now").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from usalama.analysis.justice.events import Event
from usalama.analysis.justice.kpis import COURT_CLOCK, DAY


@dataclass(frozen=True)
class ClockBreach:
    """An arrest not followed by a court appearance within 24 hours."""

    case_id: str
    accused_id: str
    arrested_at: datetime
    appeared_at: datetime | None  # None: still not before a court at ``now``
    hours: float  # hours from arrest to appearance, or to ``now`` if none yet


@dataclass(frozen=True)
class RemandSpell:
    case_id: str
    accused_id: str
    remanded_at: datetime
    days: float  # to ``now``: the spell is still open


def _chains(events: Iterable[Event], now: datetime) -> dict[tuple[str, str], list[Event]]:
    chains: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in sorted(events, key=Event.sort_key):
        if event.accused_id and event.time <= now:
            chains[event.accused].append(event)
    return chains


def court_clock_breaches(events: Iterable[Event], now: datetime) -> list[ClockBreach]:
    """Every arrest whose first appearance came (or has not yet come) more than 24 h later.

    An accused released on police bail or whose case ended before a court saw them is not
    counted as waiting; the open ones come first, longest wait first.
    """
    found: list[ClockBreach] = []
    for (case_id, accused_id), chain in _chains(events, now).items():
        for index, event in enumerate(chain):
            if event.event != "arrested":
                continue
            later = chain[index + 1 :]
            appearance = next((e for e in later if e.event == "first_appearance"), None)
            if appearance is not None:
                waited = appearance.time - event.time
                if waited > COURT_CLOCK:
                    found.append(
                        ClockBreach(
                            case_id,
                            accused_id,
                            event.time,
                            appearance.time,
                            waited.total_seconds() / 3600,
                        )
                    )
                continue
            if any(e.event in ("released_on_bail", "judgment") for e in later):
                continue
            waited = now - event.time
            if waited > COURT_CLOCK:
                found.append(
                    ClockBreach(
                        case_id, accused_id, event.time, None, waited.total_seconds() / 3600
                    )
                )
    return sorted(found, key=lambda b: (b.appeared_at is not None, -b.hours, b.case_id))


def open_remands(events: Iterable[Event], now: datetime) -> list[RemandSpell]:
    """Accused whose last remand has no bail or judgment after it: days in remand so far."""
    spells: list[RemandSpell] = []
    for (case_id, accused_id), chain in _chains(events, now).items():
        remands = [e for e in chain if e.event == "remanded"]
        if not remands:
            continue
        last = remands[-1]
        if any(e.event in ("released_on_bail", "judgment") and e.time > last.time for e in chain):
            continue
        spells.append(
            RemandSpell(case_id, accused_id, last.time, (now - last.time).total_seconds() / DAY)
        )
    return sorted(spells, key=lambda s: (-s.days, s.case_id, s.accused_id))
