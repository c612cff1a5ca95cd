"""The DuckDB engine against the plain-Python reference: the same figures, exactly.

``compute_kpis`` (DuckDB) and ``compute_kpis_file`` (DuckDB reading the CSV) must agree to
the last bit with ``compute_kpis_reference`` (the original engine, kept as the oracle) on
generated logs: ties, several UTC offsets, reports carrying an accused, periods cutting
chains in the middle. A file the fast reader doubts goes to the strict reader, so an error
still names its line and value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from usalama.analysis.justice import (
    DETAILS,
    Event,
    Period,
    compute_kpis,
    compute_kpis_file,
    compute_kpis_reference,
    compute_kpis_series,
    iter_csv_lines,
)
from usalama.core.errors import InvalidInput

BASE = datetime(2025, 11, 1, tzinfo=UTC)
ZONES = (UTC, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5, minutes=-30)))


@st.composite
def logs(draw: st.DrawFn) -> list[Event]:
    events: list[Event] = []
    for case in range(draw(st.integers(0, 5))):
        case_id = f"C{case}"
        for _ in range(draw(st.integers(0, 2))):  # none, one or two reports
            minutes = draw(st.integers(0, 200_000))
            accused = draw(st.sampled_from(("", "", "P0")))
            moment = (BASE + timedelta(minutes=minutes)).astimezone(draw(st.sampled_from(ZONES)))
            events.append(Event(moment, case_id, accused, "reported"))
        for person in range(draw(st.integers(0, 3))):
            for _ in range(draw(st.integers(0, 10))):
                kind = draw(st.sampled_from(sorted(DETAILS)))
                details = sorted(DETAILS[kind])
                detail = draw(st.sampled_from(details)) if details else ""
                # coarse steps so that ties (same minute) happen often
                minutes = draw(st.integers(0, 400)) * 500 + draw(st.sampled_from((0, 0, 1, 59)))
                zone = draw(st.sampled_from(ZONES))
                moment = (BASE + timedelta(minutes=minutes)).astimezone(zone)
                events.append(Event(moment, case_id, f"P{person}", kind, detail))
    return events


PERIODS = (
    Period.of(date(2025, 12, 15), date(2026, 2, 1), "Africa/Nairobi"),
    Period.of(date(2025, 11, 1), date(2026, 6, 1), "UTC"),
    Period.of(date(2026, 1, 1), date(2026, 1, 2), "America/Lima"),
)


@hsettings(max_examples=50, deadline=None, derandomize=True)
@given(logs(), st.sampled_from(PERIODS))
def test_duckdb_engine_equals_the_reference(events: list[Event], period: Period) -> None:
    assert compute_kpis(events, period) == compute_kpis_reference(events, period)


@hsettings(max_examples=20, deadline=None, derandomize=True)
@given(logs())
def test_a_series_of_periods_equals_each_period_alone(events: list[Event]) -> None:
    assert compute_kpis_series(events, list(PERIODS)) == [
        compute_kpis_reference(events, period) for period in PERIODS
    ]


@hsettings(max_examples=25, deadline=None, derandomize=True)
@given(logs(), st.sampled_from(PERIODS))
def test_reading_the_file_with_duckdb_gives_the_same_figures(
    tmp_path_factory: pytest.TempPathFactory, events: list[Event], period: Period
) -> None:
    path = tmp_path_factory.mktemp("log") / "events.csv"
    path.write_text("".join(iter_csv_lines(events)), encoding="utf-8")
    assert compute_kpis_file(path, period) == compute_kpis_reference(events, period)


GOOD = """case_id,accused_id,event,time,detail
C1,,reported,2026-01-01T08:00:00+03:00,
C1,A1,arrested,2026-01-02T08:00:00+03:00,
C1,A1,first_appearance,2026-01-03T07:00:00Z,
C1,A1,charged,2026-01-05 08:00:00.25-05:30,
C1,A1,judgment,2026-01-15T08:00+03:00,convicted
"""
JANUARY = Period.of(date(2026, 1, 1), date(2026, 2, 1), "Africa/Nairobi")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plain_file_and_a_file_the_fast_reader_doubts_give_the_same_figures(
    tmp_path: Path,
) -> None:
    plain = compute_kpis_file(_write(tmp_path, GOOD), JANUARY)
    assert plain["arrests"] == 1 and plain["charged"] == 1 and plain["judgments"] == 1
    # padded cells, a blank line, a BOM and an extra column: Python's reader strips and skips
    padded = "\ufeffcase_id,accused_id,event,time,detail,note\n" + "\n".join(
        " " + ",".join(f"{cell} " for cell in line.split(",")) + ",x"
        for line in GOOD.splitlines()[1:]
    )
    assert compute_kpis_file(_write(tmp_path, padded + "\n\n"), JANUARY) == plain


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("C1,A1,arested,2026-01-02T08:00:00+03:00,", "line 7: unknown event 'arested'"),
        ("C1,A1,hearing,2026-01-02T08:00:00+03:00,postponed", "line 7: detail 'postponed'"),
        ("C1,A1,arrested,2026-01-02T08:00:00,", "line 7: time '2026-01-02T08:00:00' has no UTC"),
        ("C1,A1,arrested,2026-02-30T08:00:00+03:00,", "line 7: time '2026-02-30T08:00:00+03:00'"),
        ("C1,,arrested,2026-01-02T08:00:00+03:00,", "line 7: accused_id is empty for arrested"),
    ],
)
def test_a_bad_row_in_a_file_is_refused_naming_line_and_value(
    tmp_path: Path, row: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        compute_kpis_file(_write(tmp_path, GOOD + row + "\n"), JANUARY)
