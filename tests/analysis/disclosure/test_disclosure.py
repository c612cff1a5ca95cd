"""Suppression checked against the auditor's linear programs: nothing in 1..k−1 is published,
no withheld cell can be narrowed to one value or to "a few", and totals reconcile."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from usalama.analysis.disclosure import build_table, check_k, intervals, protect
from usalama.analysis.disclosure.audit import audit
from usalama.core.errors import InvalidInput

PARENT: dict[str, str | None] = {"KE": None}
for _c in ("c1", "c2"):
    PARENT[_c] = "KE"
    for _s in ("a", "b"):
        PARENT[f"{_c}{_s}"] = _c
        for _w in ("1", "2", "3"):
            PARENT[f"{_c}{_s}{_w}"] = f"{_c}{_s}"
WARDS = [area for area in PARENT if len(area) == 4]
CATEGORIES = ("robbery", "stealing", "assault")

leaf_counts = st.dictionaries(
    st.tuples(st.sampled_from(WARDS), st.sampled_from(CATEGORIES)),
    st.integers(min_value=0, max_value=12),
    max_size=24,
)


@hsettings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(leaves=leaf_counts, k=st.integers(min_value=3, max_value=6))
def test_no_withheld_cell_can_be_recovered(leaves: dict[tuple[str, str], int], k: int) -> None:
    table = build_table(leaves, PARENT, CATEGORIES)
    protected = protect(table, k)
    published = protected.published_values()
    assert not protected.failures
    # primary: no count from 1 to k-1 goes out
    assert not [v for v in published.values() if v is not None and 1 <= v <= k - 1]
    # the solver's exact intervals: every withheld cell is wide and not inside [1, k-1]
    for cell, interval in intervals(table.equations(), published).items():
        assert interval.high - interval.low > 1e-6, cell
        assert interval.low < 1 or interval.high > k - 1, (cell, interval)
        assert interval.low - 1e-6 <= table.values[cell] <= interval.high + 1e-6
    # totals reconcile exactly wherever nothing of a margin is withheld
    for total, parts in table.equations():
        if all(published[c] is not None for c in (total, *parts)):
            assert published[total] == sum(published[c] or 0 for c in parts)
    # and the table's own totals are the sums of the leaves
    assert table.values.get(("KE", None), 0) == sum(leaves.values())


def test_a_lone_withheld_cell_is_recovered_by_the_auditor() -> None:
    table = build_table({("c1a1", "robbery"): 2, ("c1a1", "stealing"): 9}, PARENT, CATEGORIES)
    published = {cell: value for cell, value in table.values.items()}
    published[("c1a1", "robbery")] = None  # primary only: the ward's total gives it away
    found = intervals(table.equations(), published)
    assert found[("c1a1", "robbery")].low == pytest.approx(2)
    assert found[("c1a1", "robbery")].high == pytest.approx(2)
    assert ("c1a1", "robbery") in audit(table.equations(), published, 5)


def test_small_published_counts_fail_the_audit() -> None:
    table = build_table({("c1a1", "robbery"): 3}, PARENT, CATEGORIES)
    assert ("c1a1", "robbery") in audit(table.equations(), dict(table.values), 5)


def test_unbounded_cells_are_protected() -> None:
    table = build_table({("c1a1", "robbery"): 3, ("c2a1", "assault"): 40}, PARENT, CATEGORIES)
    protected = protect(table, 5)
    assert (
        protected.published(("c2a1", "assault")) is None
        or protected.published(("c1a1", "robbery")) is None
    )
    everything_hidden = {cell: None for cell in table.values}
    found = intervals(table.equations(), everything_hidden)
    assert all(i.low == 0 and math.isinf(i.high) for i in found.values())


def test_k_below_three_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 3"):
        check_k(2)
    with pytest.raises(InvalidInput):
        protect(build_table({}, PARENT, CATEGORIES), 1)
    assert check_k(3) == 3


def test_bad_leaves_are_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown area"):
        build_table({("nowhere", "robbery"): 1}, PARENT, CATEGORIES)
    with pytest.raises(InvalidInput, match="unknown category"):
        build_table({("c1a1", "arson"): 1}, PARENT, CATEGORIES)


def test_large_counts_are_published_unchanged() -> None:
    leaves = {(ward, cat): 10 for ward in WARDS for cat in CATEGORIES}
    protected = protect(build_table(leaves, PARENT, CATEGORIES), 5)
    assert not protected.suppressed
    assert protected.published(("KE", None)) == 10 * len(WARDS) * len(CATEGORIES)
