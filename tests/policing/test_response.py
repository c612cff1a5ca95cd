"""Response-time statistics (pure: no database)."""

from __future__ import annotations

import datetime as dt
import statistics

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.core.errors import InvalidInput
from usalama.policing.response import (
    parse_standards,
    response_report,
    standard_shares,
    summarise,
    with_intervals,
)

T0 = dt.datetime(2024, 3, 4, 8, 0)  # a Monday


def _calls(minutes: list[float], priority: str = "1") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "priority": [priority] * len(minutes),
            "received": [T0] * len(minutes),
            "arrived": [T0 + dt.timedelta(minutes=m) for m in minutes],
        }
    )


def test_intervals_need_both_ends_and_drop_negative() -> None:
    frame = pl.DataFrame(
        {
            "priority": ["1", "1", "2"],
            "received": [T0, T0, T0],
            "dispatched": [T0 + dt.timedelta(minutes=2), None, T0 + dt.timedelta(minutes=5)],
            "arrived": [T0 + dt.timedelta(minutes=9), T0 + dt.timedelta(minutes=4), T0],
        }
    )
    out = with_intervals(frame)
    assert out["dispatch"].to_list() == [2.0, None, 5.0]
    assert out["travel"].to_list() == [7.0, None, None]  # 5 → 0 is negative: left out
    assert out["response"].to_list() == [9.0, 4.0, 0.0]
    assert out["hour"].to_list() == [8, 8, 8] and out["weekday"].to_list() == [1, 1, 1]
    report = response_report(frame)
    assert report.negative["travel"] == 1
    assert set(report.available) == {"dispatch", "travel", "response"}


def test_median_and_p90_match_statistics_module() -> None:
    minutes = [3.0, 7.5, 12.0, 4.0, 30.0, 9.0, 15.5]
    table = summarise(with_intervals(_calls(minutes)), "response", "priority")
    row = table.row(0, named=True)
    assert row["median"] == pytest.approx(statistics.median(minutes))
    assert row["p90"] == pytest.approx(statistics.quantiles(minutes, n=10, method="inclusive")[8])


def test_parse_standards() -> None:
    assert parse_standards(["P1=15", "2=30", " p3 = 60"]) == {"1": 15.0, "2": 30.0, "3": 60.0}
    for bad in ["P1", "P1=abc", "=5", "P1=0"]:
        with pytest.raises(InvalidInput):
            parse_standards([bad])


def test_unknown_interval_or_grouping_is_refused() -> None:
    frame = with_intervals(_calls([1.0]))
    with pytest.raises(InvalidInput):
        summarise(frame, "lunch")
    with pytest.raises(InvalidInput):
        summarise(frame, "response", "colour")


minutes_lists = st.lists(
    st.floats(min_value=0, max_value=600, allow_nan=False).map(lambda m: round(m, 2)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(minutes_lists)
def test_percentiles_are_ordered_and_bounded(minutes: list[float]) -> None:
    row = summarise(with_intervals(_calls(minutes)), "response").row(0, named=True)
    low, high = min(minutes), max(minutes)
    assert low - 1e-6 <= row["median"] <= row["p90"] + 1e-6 <= high + 2e-6
    if len(minutes) >= 2:
        expected = statistics.quantiles(minutes, n=10, method="inclusive")[8]
        assert row["p90"] == pytest.approx(expected, abs=1e-6)
    assert row["measured"] == len(minutes) == row["calls"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=36_000), min_size=1, max_size=60),
    st.integers(min_value=1, max_value=600),
)
def test_standard_share_counts_calls_within_the_standard(seconds: list[int], standard: int) -> None:
    minutes = [s / 60 for s in seconds]
    shares = standard_shares(with_intervals(_calls(minutes)), {"1": float(standard)})
    row = shares.row(0, named=True)
    met = sum(1 for s in seconds if s <= standard * 60)
    assert row["met"] == met and row["measured"] == len(seconds)
    assert 0.0 <= row["share"] <= 1.0
    assert row["share"] == pytest.approx(met / len(seconds))


@settings(max_examples=30, deadline=None)
@given(minutes_lists, st.floats(min_value=1, max_value=100), st.floats(min_value=1, max_value=100))
def test_a_looser_standard_is_never_met_less_often(
    minutes: list[float], a: float, b: float
) -> None:
    frame = with_intervals(_calls(minutes))
    tight, loose = sorted([a, b])
    share_tight = standard_shares(frame, {"1": tight})["share"][0]
    share_loose = standard_shares(frame, {"1": loose})["share"][0]
    assert share_tight <= share_loose


def test_calls_without_arrival_count_as_calls_not_measured() -> None:
    frame = _calls([5.0, 20.0]).vstack(
        pl.DataFrame(
            {"priority": ["1"], "received": [T0], "arrived": [None]},
            schema={
                "priority": pl.String,
                "received": pl.Datetime("us"),
                "arrived": pl.Datetime("us"),
            },
        )
    )
    row = standard_shares(with_intervals(frame), {"1": 15}).row(0, named=True)
    assert (row["calls"], row["measured"], row["met"]) == (3, 2, 1)
    assert row["share"] == pytest.approx(0.5)
