"""Simulate the ETAS model, so the fitting code can be checked against known parameters.

Background events arrive as a Poisson process per grid cell, uniform inside the cell and in
time; every event then has Poisson(theta) children, each delayed Exp(mean 1/omega) days and
displaced by a Gaussian of spread sigma, and so on, generation after generation. Children
falling after the end of the period or outside the grid are dropped, as they would be
unseen in real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from usalama.analysis.hotspots.grid import SquareGrid
from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SimulatedEvents:
    x: FloatArray
    y: FloatArray
    t: FloatArray
    is_background: NDArray[np.bool_]


def simulate_etas(
    grid: SquareGrid,
    background_per_day: FloatArray,
    *,
    theta: float,
    omega: float,
    sigma: float,
    days: float,
    seed: int = 0,
) -> SimulatedEvents:
    """Events over ``[0, days)``; ``background_per_day`` has shape ``grid.shape``."""
    if not 0 <= theta < 1:
        raise InvalidInput("theta must be in [0, 1) for the cascade to die out")
    rng = np.random.default_rng(seed)
    rates = np.asarray(background_per_day, dtype=np.float64).ravel()
    per_cell = rng.poisson(rates * days)
    cells = np.repeat(np.arange(grid.cell_count), per_cell)
    row, column = np.divmod(cells, grid.columns)
    x = grid.x0 + (column + rng.random(cells.size)) * grid.cell_size
    y = grid.y0 + (row + rng.random(cells.size)) * grid.cell_size
    t = rng.random(cells.size) * days
    xs, ys, ts, flags = [x], [y], [t], [np.ones(cells.size, dtype=bool)]
    x_max = grid.x0 + grid.columns * grid.cell_size
    y_max = grid.y0 + grid.rows * grid.cell_size
    while x.size:
        counts = rng.poisson(theta, x.size)
        px, py, pt = (np.repeat(a, counts) for a in (x, y, t))
        x = px + rng.normal(0.0, sigma, px.size)
        y = py + rng.normal(0.0, sigma, py.size)
        t = pt + rng.exponential(1.0 / omega, pt.size)
        inside = (t < days) & (x >= grid.x0) & (x < x_max) & (y >= grid.y0) & (y < y_max)
        x, y, t = x[inside], y[inside], t[inside]
        xs.append(x)
        ys.append(y)
        ts.append(t)
        flags.append(np.zeros(x.size, dtype=bool))
    all_t = np.concatenate(ts)
    order = np.argsort(all_t, kind="stable")
    return SimulatedEvents(
        x=np.concatenate(xs)[order],
        y=np.concatenate(ys)[order],
        t=all_t[order],
        is_background=np.concatenate(flags)[order],
    )
