"""ETAS: the pair search, and recovery of known parameters from simulated data."""

from __future__ import annotations

import numpy as np
import pytest

from usalama.analysis.hotspots import (
    EtasSettings,
    SquareGrid,
    etas_forecast,
    find_pairs,
    fit_etas,
    from_plane_arrays,
    simulate_etas,
)
from usalama.core.errors import InvalidInput

GRID = SquareGrid(x0=500_000.0, y0=5_000_000.0, cell_size=500.0, columns=20, rows=20)
TRUE_THETA, TRUE_DELAY_DAYS, TRUE_SIGMA = 0.4, 3.0, 80.0
DAYS = 730.0


def _background() -> np.ndarray:
    # Uneven background: most cells quiet, a few busy (as in a city); ~4 events/day in all.
    return np.random.default_rng(1).gamma(0.5, 0.02, GRID.shape)


def test_find_pairs_matches_brute_force() -> None:
    rng = np.random.default_rng(5)
    n = 400
    t = np.sort(rng.random(n) * 100)
    x, y = rng.random(n) * 1000, rng.random(n) * 1000
    pairs = find_pairs(x, y, t, max_dt=7.0, max_d=150.0, max_pairs=10**6)
    dt = t[None, :] - t[:, None]  # [parent, child]
    d = np.hypot(x[None, :] - x[:, None], y[None, :] - y[:, None])
    close = np.nonzero((dt > 0) & (dt <= 7) & (d <= 150))
    expected = {(int(i), int(j)) for i, j in zip(*close, strict=True)}
    found = set(zip(pairs.parent.tolist(), pairs.child.tolist(), strict=True))
    assert found == expected
    with pytest.raises(InvalidInput, match="event pairs"):
        find_pairs(x, y, t, max_dt=7.0, max_d=150.0, max_pairs=10)


@pytest.mark.parametrize("seed", [0, 3])
def test_fit_recovers_simulated_parameters(seed: int) -> None:
    background = _background()
    events = simulate_etas(
        GRID,
        background,
        theta=TRUE_THETA,
        omega=1 / TRUE_DELAY_DAYS,
        sigma=TRUE_SIGMA,
        days=DAYS,
        seed=seed,
    )
    assert 0.3 < (~events.is_background).mean() < 0.5  # about theta of events are offspring
    data = from_plane_arrays(
        events.x, events.y, events.t, crs="EPSG:32633", cell_size=500, grid=GRID
    )
    settings = EtasSettings(time_cutoff_days=30, distance_cutoff_metres=500, min_sigma_metres=1)
    fit = fit_etas(data, 0.0, DAYS, settings)
    assert fit.converged
    # Tolerances: theta within 0.05 (offspring that land outside the square are lost, a
    # small downward bias), delay within 15 %, sigma within 8 %, background rate within 10 %.
    assert fit.theta == pytest.approx(TRUE_THETA, abs=0.05)
    assert fit.mean_delay_days == pytest.approx(TRUE_DELAY_DAYS, rel=0.15)
    assert fit.sigma == pytest.approx(TRUE_SIGMA, rel=0.08)
    assert fit.background.sum() == pytest.approx(background.sum(), rel=0.10)
    assert np.corrcoef(fit.background.ravel(), background.ravel())[0, 1] > 0.9


def test_forecast_peaks_where_a_burst_just_happened() -> None:
    # One quiet cell, then a burst of 20 events in it just before the origin.
    rng = np.random.default_rng(2)
    t = np.concatenate([rng.random(200) * 100, 99.0 + rng.random(20) * 0.9])
    x = np.concatenate([500_000 + rng.random(200) * 10_000, np.full(20, 505_250.0)])
    y = np.concatenate([5_000_000 + rng.random(200) * 10_000, np.full(20, 5_005_250.0)])
    data = from_plane_arrays(x, y, t, crs="EPSG:32633", cell_size=500, grid=GRID)
    scores = etas_forecast(data, origin=100.0, train_days=100.0, horizon_days=1.0)
    burst_cell = GRID.cell_ids(np.array([505_250.0]), np.array([5_005_250.0]))[0]
    assert scores.ravel().argmax() == burst_cell
