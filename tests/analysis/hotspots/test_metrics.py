"""Hit rate, PAI, PEI and the coverage rounding, by hand and by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.analysis.hotspots import evaluate, flagged_cell_count, top_cells
from usalama.core.errors import InvalidInput


def test_hand_computed_example() -> None:
    # 4 cells; flag 2 (cells 0 and 1): they hold 1 of the 4 incidents.
    metrics = evaluate(np.array([3.0, 2.0, 1.0, 0.0]), np.array([1, 0, 2, 1]), 0.5)
    assert metrics.flagged_cells == 2
    assert metrics.hit_rate == pytest.approx(0.25)
    assert metrics.pai == pytest.approx(0.25 / 0.5)
    # the best two cells would have held 2 + 1 = 3
    assert metrics.pei == pytest.approx(1 / 3)


def test_hand_computed_pai_at_ten_percent() -> None:
    scores = np.arange(20, 0, -1, dtype=float)  # cell 0 scores highest
    observed = np.zeros(20, dtype=int)
    observed[[0, 1, 5]] = [4, 2, 4]
    metrics = evaluate(scores, observed, 0.1)  # 2 of 20 cells
    assert metrics.captured == 6
    assert metrics.hit_rate == pytest.approx(0.6)
    assert metrics.pai == pytest.approx(0.6 / 0.1)
    assert metrics.pei == pytest.approx(6 / 8)


def test_ties_go_to_the_lower_cell_index() -> None:
    assert top_cells(np.array([1.0, 5.0, 5.0, 5.0]), 2).tolist() == [1, 2]
    metrics = evaluate(np.zeros(4), np.array([0, 0, 0, 3]), 0.25)
    assert metrics.captured == 0  # cell 0 wins the tie, not the busy cell 3


def test_rounding_half_up_and_at_least_one_cell() -> None:
    assert flagged_cell_count(0.05, 1000) == 50
    assert flagged_cell_count(0.015, 100) == 2
    assert flagged_cell_count(0.0149, 100) == 1
    assert flagged_cell_count(0.001, 10) == 1
    assert flagged_cell_count(1.0, 7) == 7


def test_no_incidents_gives_nan_not_an_error() -> None:
    metrics = evaluate(np.ones(5), np.zeros(5, dtype=int), 0.2)
    assert math.isnan(metrics.pai) and math.isnan(metrics.hit_rate)


@pytest.mark.parametrize("coverage", [0.0, -0.1, 1.01, math.nan])
def test_coverage_outside_unit_interval_is_rejected(coverage: float) -> None:
    with pytest.raises(InvalidInput, match="coverage"):
        flagged_cell_count(coverage, 10)


counts = st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=200)
coverages = st.floats(min_value=1e-4, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(observed=counts, coverage=coverages)
def test_perfect_forecast_has_pei_one_and_the_highest_pai(
    observed: list[int], coverage: float
) -> None:
    truth = np.array(observed)
    if truth.sum() == 0:
        return
    perfect = evaluate(truth.astype(float), truth, coverage)
    assert perfect.pei == pytest.approx(1.0)
    k = perfect.flagged_cells
    best_share = np.sort(truth)[::-1][:k].sum() / truth.sum()
    assert perfect.pai == pytest.approx(best_share * truth.size / k)
    shuffled = evaluate(np.random.default_rng(0).random(truth.size), truth, coverage)
    assert shuffled.pai <= perfect.pai + 1e-12


@settings(max_examples=200, deadline=None)
@given(
    observed=counts,
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    coverage=coverages,
)
def test_pei_and_hit_rate_are_bounded(observed: list[int], seed: int, coverage: float) -> None:
    truth = np.array(observed)
    scores = np.random.default_rng(seed).integers(0, 3, truth.size).astype(float)
    metrics = evaluate(scores, truth, coverage)
    if truth.sum() == 0:
        return
    assert 0.0 <= metrics.hit_rate <= 1.0
    if not math.isnan(metrics.pei):
        assert 0.0 <= metrics.pei <= 1.0 + 1e-12
    assert metrics.pai <= truth.size / metrics.flagged_cells + 1e-9


@settings(max_examples=300, deadline=None)
@given(coverage=coverages, cells=st.integers(min_value=1, max_value=100_000))
def test_coverage_rounding_is_within_half_a_cell(coverage: float, cells: int) -> None:
    flagged = flagged_cell_count(coverage, cells)
    assert 1 <= flagged <= cells
    if coverage * cells >= 0.5:
        assert abs(flagged - coverage * cells) <= 0.5 + 1e-6
