"""Pure parts of the KPI layer: months in Nairobi time tile the calendar without gaps, and
every ward's ancestors and children agree (no database)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.data import areas
from usalama.kpis.sources import TZ, Window, months_between

WARD_CODES = sorted(areas.wards_within(areas.NATIONAL, areas.NATIONAL_CODE), key=int)


@settings(max_examples=50, derandomize=True)
@given(st.integers(2000, 2998), st.integers(1, 12))
def test_months_tile_time_at_nairobi_midnights(year: int, month: int) -> None:
    window = Window.of(f"{year:04d}-{month:02d}")
    start = window.start.astimezone(TZ)
    assert (start.day, start.hour, start.minute) == (1, 0, 0)
    following = (start + dt.timedelta(days=32)).replace(day=1).strftime("%Y-%m")
    assert Window.of(following).start == window.end
    assert 28 <= (window.end - window.start).days <= 31


@settings(max_examples=50, derandomize=True)
@given(st.sampled_from(WARD_CODES))
def test_a_ward_sits_in_its_parents(code: str) -> None:
    chain = areas.ancestors(code)
    assert [level for level, _ in chain] == ["ward", "subcounty", "county", "national"]
    for (level, child), (parent_level, parent) in itertools.pairwise(chain):
        assert areas.parent(level, child) == (parent_level, parent)
        assert (level, child) in areas.children(parent_level, parent)
        assert code in areas.wards_within(parent_level, parent)


def test_months_between_and_ward_choices() -> None:
    assert list(months_between("2025-11", "2026-02")) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert len(WARD_CODES) == 1448
    found, _ = areas.ward_choices("kilimani")
    assert [c for c, _l in found] == ["1371"]
    assert len(areas.ward_choices("Township")[0]) > 1
    assert areas.ward_choices("99999")[0] == []
