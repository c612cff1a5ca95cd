"""Self-exciting point process (ETAS-style), after Mohler et al. (2011).

Intensity at a place and time::

    lambda(x, y, t) = mu[cell(x, y)] / cell_area
                      + sum over earlier events i of  theta * omega * exp(-omega (t - t_i))
                                                      * N2(x - x_i, y - y_i; sigma)

``mu`` is a background rate per grid cell (events per day), ``theta`` the mean number of
events each event triggers, ``1/omega`` the mean delay (days), ``sigma`` the spatial spread.
It is fitted by expectation-maximisation over *pairs* of events closer than a time and a
distance cut-off; the pairs are found block by block in time so memory grows with the number
of close pairs, never with N squared. Pairs beyond the cut-offs are treated as unrelated, so
choose cut-offs several times the expected ``1/omega`` and ``sigma``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from usalama.analysis.hotspots.events import HotspotData
from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class EtasSettings:
    """How to fit; lengths in metres, times in days."""

    time_cutoff_days: float = 60.0
    distance_cutoff_metres: float = 500.0
    # Geocoding puts many incidents on exactly the same point; without a floor, sigma
    # collapses towards 0 and the triggering density explodes on those repeats.
    min_sigma_metres: float = 20.0
    max_iterations: int = 60
    tolerance: float = 1e-4
    max_pairs: int = 30_000_000
    initial_theta: float = 0.2
    initial_decay_days: float = 7.0
    initial_sigma_metres: float = 100.0


@dataclass(frozen=True)
class EtasFit:
    """Fitted parameters. ``background`` is events/day per grid cell, shape ``grid.shape``."""

    background: FloatArray
    theta: float
    omega: float
    sigma: float
    iterations: int
    converged: bool
    pairs: int
    events: int
    start: float
    stop: float

    @property
    def mean_delay_days(self) -> float:
        return 1.0 / self.omega


@dataclass(frozen=True)
class EventPairs:
    """Earlier event ``parent`` and later event ``child`` within both cut-offs."""

    parent: NDArray[np.int32]
    child: NDArray[np.int32]
    dt: FloatArray
    d2: FloatArray


def find_pairs(
    x: FloatArray, y: FloatArray, t: FloatArray, max_dt: float, max_d: float, max_pairs: int
) -> EventPairs:
    """All (earlier, later) pairs with ``0 < dt <= max_dt`` and distance ``<= max_d``.

    ``t`` must be sorted. Children are taken one time block (length ``max_dt``) at a time
    against parents in that block and the one before, so only near pairs are ever held.
    """
    n = t.size
    parents: list[NDArray[np.int32]] = []
    children: list[NDArray[np.int32]] = []
    total = 0
    if n == 0:
        empty = np.zeros(0, dtype=np.int32)
        return EventPairs(empty, empty, np.zeros(0), np.zeros(0))
    edges = np.arange(t[0], t[-1] + max_dt, max_dt)
    bounds = np.searchsorted(t, edges, side="left")
    bounds = np.append(bounds, n)
    points = np.column_stack([x, y])
    for block in range(len(bounds) - 1):
        lo, hi = int(bounds[block]), int(bounds[block + 1])
        if hi <= lo:
            continue
        plo = int(bounds[block - 1]) if block > 0 else lo
        child_tree = cKDTree(points[lo:hi])
        parent_tree = cKDTree(points[plo:hi])
        near = child_tree.sparse_distance_matrix(parent_tree, max_d, output_type="ndarray")
        child = near["i"].astype(np.int64) + lo
        parent = near["j"].astype(np.int64) + plo
        dt = t[child] - t[parent]
        keep = (dt > 0) & (dt <= max_dt)
        total += int(keep.sum())
        if total > max_pairs:
            raise InvalidInput(
                f"ETAS: more than {max_pairs:,} event pairs within the cut-offs; "
                "shorten the training window or the time/distance cut-offs"
            )
        parents.append(parent[keep].astype(np.int32))
        children.append(child[keep].astype(np.int32))
    parent_all = np.concatenate(parents) if parents else np.zeros(0, dtype=np.int32)
    child_all = np.concatenate(children) if children else np.zeros(0, dtype=np.int32)
    dx = x[child_all] - x[parent_all]
    dy = y[child_all] - y[parent_all]
    return EventPairs(parent_all, child_all, t[child_all] - t[parent_all], dx * dx + dy * dy)


def fit_etas(
    data: HotspotData, start: float, stop: float, settings: EtasSettings | None = None
) -> EtasFit:
    """Fit background, theta, omega and sigma by EM on the events in ``[start, stop)``."""
    settings = settings or EtasSettings()
    to_units = data.plane.length_to_plane_units
    max_d = to_units(settings.distance_cutoff_metres, "m")
    min_sigma = to_units(settings.min_sigma_metres, "m")
    chosen = data.window(start, stop)
    x, y, t, cell = data.x[chosen], data.y[chosen], data.t[chosen], data.cell[chosen]
    n = t.size
    span = stop - start
    if n == 0 or span <= 0:
        raise InvalidInput("ETAS: no incidents in the training window")
    pairs = find_pairs(x, y, t, settings.time_cutoff_days, max_d, settings.max_pairs)
    area = data.grid.cell_area
    events_per_cell = np.bincount(cell, minlength=data.grid.cell_count).astype(np.float64)
    mu = 0.8 * events_per_cell / span
    theta = settings.initial_theta
    omega = 1.0 / settings.initial_decay_days
    sigma = to_units(settings.initial_sigma_metres, "m")
    time_left = np.minimum(stop - t, settings.time_cutoff_days)
    converged = False
    iteration = 0
    for iteration in range(1, settings.max_iterations + 1):  # noqa: B007 - reported below
        # E-step: share of each event owed to the background and to each earlier event.
        spatial = np.exp(-pairs.d2 / (2.0 * sigma * sigma)) / (2.0 * np.pi * sigma * sigma)
        trigger = theta * omega * np.exp(-omega * pairs.dt) * spatial
        background = mu[cell] / area
        intensity = background + np.bincount(pairs.child, weights=trigger, minlength=n)
        p_trigger = trigger / intensity[pairs.child]
        p_background = background / intensity
        # M-step: closed-form updates, with theta corrected for offspring cut off by the
        # end of the window and by the two cut-offs.
        triggered = float(p_trigger.sum())
        mu = np.bincount(cell, weights=p_background, minlength=data.grid.cell_count) / span
        if triggered > 0:
            new_omega = triggered / float((p_trigger * pairs.dt).sum())
            new_sigma = max(
                min_sigma, float(np.sqrt((p_trigger * pairs.d2).sum() / (2 * triggered)))
            )
            captured_time = 1.0 - np.exp(-new_omega * time_left)
            captured_space = 1.0 - np.exp(-(max_d * max_d) / (2.0 * new_sigma * new_sigma))
            new_theta = triggered / float(captured_time.sum() * captured_space)
        else:
            new_omega, new_sigma, new_theta = omega, sigma, 0.0
        change = max(
            abs(new_theta - theta),
            abs(new_omega - omega) / omega,
            abs(new_sigma - sigma) / sigma,
        )
        theta, omega, sigma = new_theta, new_omega, new_sigma
        if change < settings.tolerance:
            converged = True
            break
    return EtasFit(
        background=mu.reshape(data.grid.shape),
        theta=theta,
        omega=omega,
        sigma=sigma,
        iterations=iteration,
        converged=converged,
        pairs=int(pairs.parent.size),
        events=n,
        start=start,
        stop=stop,
    )


def expected_counts(
    data: HotspotData, fit: EtasFit, origin: float, horizon_days: float
) -> FloatArray:
    """Expected incidents per grid cell in ``[origin, origin + horizon)`` under ``fit``.

    Background plus first-generation offspring of the known events (their own offspring
    inside the window are left out: a small term when theta is well below 1).
    """
    past = data.window(fit.start, origin)
    age = origin - data.t[past]
    still_to_come = np.exp(-fit.omega * age) - np.exp(-fit.omega * (age + horizon_days))
    weights = fit.theta * still_to_come
    triggered = data.grid.histogram(data.cell[past], weights=weights)
    spread = ndimage.gaussian_filter(
        triggered, sigma=fit.sigma / data.grid.cell_size, mode="constant", truncate=4.0
    )
    return fit.background * horizon_days + np.asarray(spread, dtype=np.float64)


def etas_forecast(
    data: HotspotData,
    origin: float,
    train_days: float,
    horizon_days: float,
    settings: EtasSettings | None = None,
) -> FloatArray:
    """Fit on ``[origin - train_days, origin)`` and forecast the next ``horizon_days``."""
    fit = fit_etas(data, origin - train_days, origin, settings)
    return expected_counts(data, fit, origin, horizon_days)
