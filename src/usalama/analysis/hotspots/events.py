"""Incidents as arrays on the working plane, with their grid and study area.

Times are float days since 1970-01-01 UTC, so every method can do arithmetic on them.
The default study area is every cell holding at least one incident in the input: a city's
rivers, parks and airports then neither count as "area" nor flatter the PAI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from usalama.analysis.hotspots.grid import SquareGrid
from usalama.analysis.hotspots.projection import Plane, Units, project
from usalama.analysis.hotspots.readers import IncidentTable, read_incidents
from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
MICROSECONDS_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class HotspotData:
    """Projected incidents sorted by time, the grid over them and the study cells."""

    plane: Plane
    grid: SquareGrid
    x: FloatArray
    y: FloatArray
    t: FloatArray
    cell: IntArray
    study_cells: IntArray

    @property
    def start(self) -> float:
        return float(self.t[0])

    @property
    def end(self) -> float:
        """End of the last day holding an incident (days since epoch, UTC)."""
        return float(np.floor(self.t[-1])) + 1.0

    def window(self, start: float, stop: float) -> NDArray[np.bool_]:
        return (self.t >= start) & (self.t < stop)

    def study_counts(self, start: float, stop: float) -> IntArray:
        """Incidents per study cell in ``[start, stop)``."""
        counts = np.bincount(self.cell[self.window(start, stop)], minlength=self.grid.cell_count)
        return counts[self.study_cells].astype(np.int64)


def days_since_epoch(times: pl.Series) -> FloatArray:
    micros = times.cast(pl.Datetime("us")).cast(pl.Int64).to_numpy()
    return np.asarray(micros, dtype=np.float64) / MICROSECONDS_PER_DAY


def prepare(
    frame: pl.DataFrame,
    *,
    crs: str = "EPSG:4326",
    cell_size: float = 250.0,
    units: Units = "m",
) -> HotspotData:
    """Project a frame with ``x``, ``y``, ``time`` columns and lay a square grid over it."""
    for column in ("x", "y", "time"):
        if column not in frame.columns:
            raise InvalidInput(f"incident frame has no {column!r} column")
    if frame.height == 0:
        raise InvalidInput("no incidents left to analyse (check the filters and columns)")
    frame = frame.sort("time")
    plane, x, y = project(
        frame["x"].to_numpy().astype(np.float64), frame["y"].to_numpy().astype(np.float64), crs
    )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InvalidInput(f"some coordinates cannot be projected from {crs}; check --crs")
    grid = SquareGrid.covering(x, y, plane.length_to_plane_units(cell_size, units))
    cell = grid.cell_ids(x, y)
    return HotspotData(
        plane=plane,
        grid=grid,
        x=x,
        y=y,
        t=days_since_epoch(frame["time"]),
        cell=cell,
        study_cells=np.unique(cell),
    )


def from_plane_arrays(
    x: FloatArray,
    y: FloatArray,
    t: FloatArray,
    *,
    crs: str,
    cell_size: float,
    grid: SquareGrid | None = None,
) -> HotspotData:
    """Build ``HotspotData`` from coordinates already on a projected plane (days for ``t``).

    Used for simulated data and by callers that project themselves; ``grid`` pins the cells.
    """
    from usalama.analysis.hotspots.projection import parse_crs, plane_for

    order = np.argsort(t, kind="stable")
    x, y, t = (np.asarray(a, dtype=np.float64)[order] for a in (x, y, t))
    plane = plane_for(parse_crs(crs), x, y)
    if not plane.source.is_projected:
        raise InvalidInput(f"{crs} is not a projected CRS")
    grid = grid or SquareGrid.covering(x, y, cell_size)
    cell = grid.cell_ids(x, y)
    return HotspotData(plane, grid, x, y, t, cell, np.unique(cell))


def load(
    paths: Sequence[str | Path],
    *,
    x_col: str,
    y_col: str,
    time_col: str,
    hour_col: str | None = None,
    where: Sequence[tuple[str, str]] = (),
    crs: str = "EPSG:4326",
    cell_size: float = 250.0,
    units: Units = "m",
) -> tuple[IncidentTable, HotspotData]:
    """Read incident files and prepare them in one step (what the CLI does)."""
    table = read_incidents(
        paths, x_col=x_col, y_col=y_col, time_col=time_col, hour_col=hour_col, where=where
    )
    return table, prepare(table.frame, crs=crs, cell_size=cell_size, units=units)
