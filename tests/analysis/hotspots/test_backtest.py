"""Rolling-origin folds, the forecasters' use of training data only, and a Portland slice."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from usalama.analysis.hotspots import (
    SquareGrid,
    backtest,
    fold_origins,
    from_plane_arrays,
    load,
    naive_forecast,
    prospective_kde_forecast,
)
from usalama.core.errors import InvalidInput

GRID = SquareGrid(x0=0.0, y0=0.0, cell_size=100.0, columns=10, rows=10)


def _data(t: list[float], cells: list[int]):  # type: ignore[no-untyped-def]
    cx, cy = GRID.centroids(np.array(cells))
    return from_plane_arrays(cx, cy, np.array(t), crs="EPSG:32633", cell_size=100, grid=GRID)


def test_folds_are_the_last_windows_and_must_fit() -> None:
    data = _data([0.2, 50.5, 99.5], [0, 1, 2])
    assert data.end == 100.0
    assert fold_origins(data, train_days=30, test_days=10, folds=3) == [90.0, 80.0, 70.0]
    with pytest.raises(InvalidInput, match="shorten --train-days"):
        fold_origins(data, train_days=95, test_days=10, folds=1)


def test_naive_counts_only_the_last_window_before_the_origin() -> None:
    data = _data([1.0, 8.0, 9.5, 10.0, 10.5], [0, 1, 1, 2, 3])
    scores = naive_forecast(data, origin=10.0, train_days=10.0, horizon_days=3.0)
    assert scores.ravel()[[0, 1, 2, 3]].tolist() == [0, 2, 0, 0]  # day 10+ is test data


def test_kde_ignores_events_at_or_after_the_origin() -> None:
    before = _data([5.0], [55])
    after = _data([5.0, 10.0, 11.0], [55, 11, 88])
    a = prospective_kde_forecast(before, 10.0, 30.0, 7.0)
    b = prospective_kde_forecast(after, 10.0, 30.0, 7.0)
    np.testing.assert_array_equal(a, b)
    assert a.ravel()[55] == 1.0  # 5 days old (week 0), own cell
    assert a.ravel()[56] == pytest.approx(0.5)  # next cell: 1 / (1 + 1)


def test_backtest_on_a_portland_slice(portland_files: list[Path]) -> None:
    _, data = load(
        portland_files,
        x_col="x_coordinate",
        y_col="y_coordinate",
        time_col="occ_date",
        crs="EPSG:2913",
        cell_size=600,
        units="ft",
        where=[("CATEGORY", "STREET CRIMES")],
    )
    result = backtest(
        data,
        coverages=[0.01, 0.05],
        train_days=31,
        test_days=7,
        folds=2,
        methods=["naive", "kde", "etas", "best"],
    )
    assert result.study_cells == data.study_cells.size > 1000
    assert len(result.best_choices) == 2
    assert set(result.best_choices) <= {"naive", "kde", "etas"}
    for summaries in result.methods.values():
        low, high = summaries
        assert 0 < low.hit_rate < high.hit_rate <= 1
        assert low.pai > high.pai > 1  # every method beats chance on real data
        assert 0 < low.pei <= 1 and 0 < high.pei <= 1
    # Forecasts from history beat last week's counts on street crimes.
    assert result.methods["etas"][0].pai > result.methods["naive"][0].pai
    assert not math.isnan(result.methods["best"][1].pai)


def test_unknown_method_is_rejected() -> None:
    data = _data([0.5, 50.5, 99.5], [0, 1, 2])
    with pytest.raises(InvalidInput, match="unknown method"):
        backtest(data, coverages=[0.1], train_days=10, test_days=5, methods=["magic"])
