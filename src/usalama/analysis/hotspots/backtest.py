"""Rolling-origin backtests, and ``best``: the method that won the backtest on training data.

Fold ``k`` (k = 1..K) tests on the ``k``-th last ``test_days`` window of the data and trains
on the ``train_days`` before it. Every forecaster sees only its training window, so test
incidents never leak into a forecast; ``best`` runs a second, inner backtest inside the
training window to choose its method, so it never looks at the test window either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from usalama.analysis.hotspots.etas import etas_forecast
from usalama.analysis.hotspots.events import HotspotData
from usalama.analysis.hotspots.kde import naive_forecast, prospective_kde_forecast
from usalama.analysis.hotspots.metrics import check_coverage, evaluate
from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]
# (data, origin, train_days, horizon_days) -> score per grid cell, shape grid.shape
Forecaster = Callable[[HotspotData, float, float, float], FloatArray]

FORECASTERS: dict[str, Forecaster] = {
    "naive": naive_forecast,
    "kde": prospective_kde_forecast,
    "etas": etas_forecast,
}
BEST = "best"
METHOD_NAMES = (*FORECASTERS, BEST)
INNER_FOLDS = 2


@dataclass(frozen=True)
class Summary:
    """Metrics averaged over folds (NaN folds, with no test incidents, are skipped)."""

    hit_rate: float
    pai: float
    pei: float


@dataclass(frozen=True)
class BacktestResult:
    study_cells: int
    origins: list[float]
    coverages: list[float]
    # method -> one Summary per coverage, in the order of ``coverages``
    methods: dict[str, list[Summary]]
    best_choices: list[str] = field(default_factory=list)


def check_methods(methods: Sequence[str]) -> list[str]:
    unknown = [m for m in methods if m not in METHOD_NAMES]
    if unknown or not methods:
        raise InvalidInput(
            f"unknown method(s) {', '.join(unknown) or '(none)'}; choose from "
            + ", ".join(METHOD_NAMES)
        )
    return list(dict.fromkeys(methods))


def fold_origins(data: HotspotData, train_days: float, test_days: float, folds: int) -> list[float]:
    """Origins of the last ``folds`` test windows, latest first; all must fit in the data."""
    if train_days <= 0 or test_days <= 0:
        raise InvalidInput("train and test windows must be positive numbers of days")
    if folds < 1:
        raise InvalidInput(f"folds must be at least 1, got {folds}")
    origins = [data.end - k * test_days for k in range(1, folds + 1)]
    available = data.end - data.start
    needed = train_days + folds * test_days
    if origins[-1] - train_days < data.start - 1e-9:
        raise InvalidInput(
            f"the data span {available:.1f} days but {folds} fold(s) of {train_days:g} training "
            f"+ {test_days:g} test days need {needed:g}; shorten --train-days or --folds"
        )
    return origins


def _score(
    data: HotspotData,
    method: str,
    origin: float,
    train_days: float,
    test_days: float,
    coverages: Sequence[float],
) -> list[tuple[float, float, float]]:
    grid_scores = forecast_grid(data, method, origin, train_days, test_days, coverages)
    scores = grid_scores.ravel()[data.study_cells]
    observed = data.study_counts(origin, origin + test_days)
    results = []
    for coverage in coverages:
        metrics = evaluate(scores, observed, coverage)
        results.append((metrics.hit_rate, metrics.pai, metrics.pei))
    return results


def choose_best(
    data: HotspotData,
    origin: float,
    train_days: float,
    test_days: float,
    coverages: Sequence[float],
    candidates: Sequence[str] = tuple(FORECASTERS),
) -> str:
    """The candidate with the highest mean PAI in an inner backtest on the training window.

    Inner fold k tests on ``[origin - k*test_days, origin - (k-1)*test_days)`` and trains
    on everything in the training window before it. With too short a window for any inner
    fold, ETAS is the default (its parameters are fitted on the training data anyway).
    """
    inner = int(min(INNER_FOLDS, math.floor(train_days / test_days) - 1))
    if inner < 1:
        return "etas" if "etas" in candidates else candidates[0]
    mean_pai: dict[str, float] = {}
    for method in candidates:
        pais = []
        for k in range(1, inner + 1):
            inner_origin = origin - k * test_days
            inner_train = train_days - k * test_days
            for _, pai, _ in _score(data, method, inner_origin, inner_train, test_days, coverages):
                if not math.isnan(pai):
                    pais.append(pai)
        mean_pai[method] = float(np.mean(pais)) if pais else -math.inf
    return max(candidates, key=lambda m: mean_pai[m])  # first listed wins a tie


def forecast_grid(
    data: HotspotData,
    method: str,
    origin: float,
    train_days: float,
    horizon_days: float,
    coverages: Sequence[float] = (0.01, 0.05),
) -> FloatArray:
    """Scores per grid cell for ``[origin, origin + horizon)`` using ``train_days`` before it."""
    if method == BEST:
        method = choose_best(data, origin, train_days, horizon_days, coverages)
    if method not in FORECASTERS:
        check_methods([method])
    return FORECASTERS[method](data, origin, train_days, horizon_days)


def backtest(
    data: HotspotData,
    *,
    coverages: Sequence[float],
    train_days: float,
    test_days: float,
    folds: int = 3,
    methods: Sequence[str] = ("naive", "kde", "etas"),
) -> BacktestResult:
    """Hit rate, PAI and PEI per method and coverage, averaged over rolling-origin folds."""
    methods = check_methods(methods)
    coverages = [check_coverage(c) for c in coverages]
    if not coverages:
        raise InvalidInput("give at least one coverage")
    origins = fold_origins(data, train_days, test_days, folds)
    per_method: dict[str, list[list[tuple[float, float, float]]]] = {m: [] for m in methods}
    choices: list[str] = []
    for origin in origins:
        for method in methods:
            chosen = method
            if method == BEST:
                chosen = choose_best(data, origin, train_days, test_days, coverages)
                choices.append(chosen)
            per_method[method].append(
                _score(data, chosen, origin, train_days, test_days, coverages)
            )
    summaries = {
        method: [_average([fold[i] for fold in folds_scores]) for i in range(len(coverages))]
        for method, folds_scores in per_method.items()
    }
    return BacktestResult(
        study_cells=int(data.study_cells.size),
        origins=origins,
        coverages=coverages,
        methods=summaries,
        best_choices=choices,
    )


def _average(values: list[tuple[float, float, float]]) -> Summary:
    array = np.array(values, dtype=np.float64)
    if np.isnan(array).all():
        return Summary(math.nan, math.nan, math.nan)
    means = np.nanmean(array, axis=0)
    return Summary(float(means[0]), float(means[1]), float(means[2]))
