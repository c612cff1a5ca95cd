"""Justice KPIs: a hand-computed log, edge cases, and properties (shuffle, bounds)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from usalama.analysis.justice import (
    DETAILS,
    KPI_KEYS,
    Event,
    Period,
    compute_kpis,
    court_clock_breaches,
    iter_csv_lines,
    open_remands,
    read_events,
)
from usalama.core.errors import InvalidInput

HAND_LOG = """case_id,accused_id,event,time,detail
C1,,reported,2025-12-20T08:00:00+03:00,
C1,A1,arrested,2026-01-02T08:00:00+03:00,
C1,A1,first_appearance,2026-01-03T08:00:00+03:00,
C1,A1,remanded,2026-01-03T08:00:00+03:00,
C1,A1,charged,2026-01-05T08:00:00+03:00,
C1,A1,judgment,2026-01-15T08:00:00+03:00,convicted
C1,A1,sentenced,2026-01-15T09:00:00+03:00,custodial
C1,A2,arrested,2026-01-04T10:00:00+03:00,
C1,A2,first_appearance,2026-01-05T10:00:01+03:00,
C1,A2,released_on_bail,2026-01-05T11:00:00+03:00,
C1,A2,charged,2026-01-10T08:00:00+03:00,
C1,A2,hearing,2026-01-20T08:00:00+03:00,heard
C1,A2,hearing,2026-01-25T08:00:00+03:00,adjourned
C1,A2,judgment,2026-02-05T08:00:00+03:00,acquitted
C2,,reported,2026-01-10T00:00:00+03:00,
C2,B1,arrested,2026-01-31T08:00:00+03:00,
C2,B1,remanded,2026-01-31T12:00:00+03:00,
C3,,reported,2024-06-01T08:00:00+03:00,
C3,D1,charged,2024-12-01T08:00:00+03:00,
C3,D1,remanded,2024-12-01T09:00:00+03:00,
C3,D1,hearing,2026-01-12T08:00:00+03:00,adjourned
C4,,reported,2026-01-20T08:00:00+03:00,
C4,E1,arrested,2026-01-21T08:00:00+03:00,
C4,E1,first_appearance,2026-01-21T20:00:00+03:00,
C4,E1,charged,2026-01-22T08:00:00+03:00,
C4,E1,judgment,2026-01-30T08:00:00+03:00,withdrawn
"""
JANUARY = Period.of(date(2026, 1, 1), date(2026, 2, 1), "Africa/Nairobi")


def test_hand_computed_january() -> None:
    figures = compute_kpis(read_events(HAND_LOG.splitlines(keepends=True)), JANUARY)
    assert list(figures) == list(KPI_KEYS)
    assert figures == {
        # A1 (exactly 24 h: on time), A2 (24 h + 1 s: late), B1 (no appearance), E1 (12 h)
        "arrests": 4,
        "court_within_24h_rate": 0.5,
        # A1 16 days after C1's report, A2 21 days, E1 2 days; D1 was charged in 2024
        "charged": 3,
        "median_days_report_to_charge": 16.0,
        # A1 convicted, E1 withdrawn; A2's acquittal falls after the period
        "judgments": 2,
        "clearance_rate": pytest.approx(2 / 3),
        "conviction_rate": 0.5,
        # A2 (judgment after `to`) and D1 (charged 2024-12-01, > 365 days before `to`)
        "pending_at_end": 2,
        "disposition_time_days": 31.0,
        "backlog_share": 0.5,
        # A2 heard + adjourned, D1 adjourned
        "adjournment_rate": pytest.approx(2 / 3),
        # A1 12 days (to judgment), B1 0.5 days (open, cut at `to`); D1's remand is from 2024
        "median_remand_days": 6.25,
        # pretrial B1 and D1; sentenced A1
        "unsentenced_detainee_share": pytest.approx(2 / 3),
        # C2 and C4: B1 arrested; E1 arrested and charged, withdrawn
        "attrition": {
            "cases_reported": 2,
            "accused_arrested": 2,
            "accused_charged": 1,
            "accused_convicted": 0,
        },
    }


def test_the_period_boundaries_follow_the_time_zone() -> None:
    log = "case_id,accused_id,event,time,detail\nC,A,arrested,2026-02-01T01:00:00+03:00,\n"
    events = read_events(log.splitlines(keepends=True))
    nairobi = compute_kpis(events, JANUARY)
    utc = compute_kpis(events, Period.of(date(2026, 1, 1), date(2026, 2, 1), "UTC"))
    assert nairobi["arrests"] == 0  # 1 February, 01:00 in Nairobi
    assert utc["arrests"] == 1  # 31 January, 22:00 UTC
    assert utc["court_within_24h_rate"] == 0.0  # no appearance at all counts as late


def test_empty_denominators_are_null_not_zero() -> None:
    figures = compute_kpis([], JANUARY)
    assert figures["arrests"] == 0
    for key in (
        "court_within_24h_rate",
        "median_days_report_to_charge",
        "clearance_rate",
        "conviction_rate",
        "disposition_time_days",
        "backlog_share",
        "adjournment_rate",
        "median_remand_days",
        "unsentenced_detainee_share",
    ):
        assert figures[key] is None, key


def test_appearance_before_the_arrest_does_not_count() -> None:
    log = (
        "case_id,accused_id,event,time,detail\n"
        "C,A,first_appearance,2026-01-05T07:00:00+03:00,\n"
        "C,A,arrested,2026-01-05T08:00:00+03:00,\n"
        "C,A,first_appearance,2026-01-07T08:00:00+03:00,\n"
    )
    figures = compute_kpis(read_events(log.splitlines(keepends=True)), JANUARY)
    assert figures["court_within_24h_rate"] == 0.0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("C,A,escaped,2026-01-02T08:00:00+03:00,", "line 3: unknown event 'escaped'"),
        ("C,A,hearing,2026-01-02T08:00:00+03:00,postponed", "line 3: detail 'postponed'"),
        ("C,A,arrested,2026-01-02T08:00:00+03:00,dawn", "line 3: detail 'dawn'"),
        ("C,,arrested,2026-01-02T08:00:00+03:00,", "line 3: accused_id is empty"),
        ("C,A,arrested,2026-01-02T08:00:00,", "line 3: time '2026-01-02T08:00:00' has no UTC"),
        ("C,A,arrested,yesterday,", "line 3: time 'yesterday'"),
    ],
)
def test_bad_rows_are_refused_naming_line_and_value(row: str, message: str) -> None:
    log = f"case_id,accused_id,event,time,detail\nC,,reported,2026-01-01T08:00:00+03:00,\n{row}\n"
    with pytest.raises(InvalidInput) as refused:
        read_events(log.splitlines(keepends=True))
    assert str(refused.value).startswith(message)


def test_missing_column_is_refused() -> None:
    with pytest.raises(InvalidInput, match="missing column"):
        read_events(["case_id,event,time,detail\n"])


def test_clocks_now() -> None:
    events = read_events(HAND_LOG.splitlines(keepends=True))
    now = datetime(2026, 2, 2, 12, tzinfo=UTC)
    breaches = court_clock_breaches(events, now)
    # B1 still waiting (no appearance, no bail) first; then A2's late appearance
    assert [(b.accused_id, b.appeared_at is None) for b in breaches] == [
        ("B1", True),
        ("A2", False),
    ]
    assert breaches[1].hours == pytest.approx(24 + 1 / 3600)
    remands = open_remands(events, now)
    assert [(r.accused_id) for r in remands] == ["D1", "B1"]
    assert remands[1].days == pytest.approx(2.125)  # 31 Jan 09:00 UTC to 2 Feb 12:00 UTC


# --- properties ---------------------------------------------------------------------------

BASE = datetime(2025, 12, 1, tzinfo=UTC)


@st.composite
def logs(draw: st.DrawFn) -> list[Event]:
    events: list[Event] = []
    for case in range(draw(st.integers(0, 4))):
        case_id = f"C{case}"
        events.append(
            Event(BASE + timedelta(hours=draw(st.integers(0, 2000))), case_id, "", "reported")
        )
        for person in range(draw(st.integers(0, 3))):
            for _ in range(draw(st.integers(0, 8))):
                kind = draw(st.sampled_from(sorted(DETAILS)))
                details = sorted(DETAILS[kind])
                detail = draw(st.sampled_from(details)) if details else ""
                when = BASE + timedelta(hours=draw(st.integers(0, 2000)))
                events.append(Event(when, case_id, f"P{person}", kind, detail))
    return events


RATES = (
    "court_within_24h_rate",
    "conviction_rate",
    "backlog_share",
    "adjournment_rate",
    "unsentenced_detainee_share",
)
PERIOD = Period.of(date(2025, 12, 15), date(2026, 2, 1), "Africa/Nairobi")


@hsettings(max_examples=50, deadline=None)
@given(logs(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(events: list[Event], rng: random.Random) -> None:
    shuffled = list(events)
    rng.shuffle(shuffled)
    assert compute_kpis(shuffled, PERIOD) == compute_kpis(events, PERIOD)


@hsettings(max_examples=50, deadline=None)
@given(logs())
def test_rates_are_shares_and_counts_are_consistent(events: list[Event]) -> None:
    figures = compute_kpis(events, PERIOD)
    for key in RATES:
        assert figures[key] is None or 0.0 <= figures[key] <= 1.0, key
    # clearance may exceed 1 (more judgments than new charges), never below 0
    assert figures["clearance_rate"] is None or figures["clearance_rate"] >= 0
    for key in ("median_remand_days", "disposition_time_days"):
        assert figures[key] is None or figures[key] >= 0
    attrition = figures["attrition"]
    accused = {(e.case_id, e.accused_id) for e in events if e.accused_id}
    assert attrition["accused_convicted"] <= len(accused)
    assert attrition["cases_reported"] <= len({e.case_id for e in events})


@hsettings(max_examples=30, deadline=None)
@given(logs())
def test_csv_round_trip_keeps_every_figure(events: list[Event]) -> None:
    again = read_events(list(iter_csv_lines(events)))
    assert sorted(again) == sorted(events)
    assert compute_kpis(again, PERIOD) == compute_kpis(events, PERIOD)
