"""Descriptive hotspot statistics: counts per cell (square or H3), density and Getis-Ord Gi*.

Gi* (Getis & Ord 1992; Ord & Getis 1995) asks whether a cell *and its neighbours* hold more
incidents than the study area's average would give them: a z-score per cell. It is computed
over the study cells only (cells with at least one incident), so empty land is not counted
as "cold". Neighbours are the eight cells around a square cell, or the six around an H3 cell.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
from numpy.typing import NDArray

from usalama.analysis.hotspots.events import HotspotData
from usalama.analysis.hotspots.grid import h3_cell_ids
from usalama.core.errors import InvalidInput

FloatArray = NDArray[np.float64]


def cell_counts(
    data: HotspotData, start: float | None = None, stop: float | None = None
) -> pl.DataFrame:
    """Incidents per study cell in ``[start, stop)`` (all by default) with centroid lat/lon."""
    start = data.start if start is None else start
    stop = data.end if stop is None else stop
    counts = data.study_counts(start, stop)
    cx, cy = data.grid.centroids(data.study_cells)
    lon, lat = data.plane.to_lonlat(cx, cy)
    return pl.DataFrame(
        {
            "cell_id": data.study_cells,
            "count": counts,
            "centroid_lat": lat,
            "centroid_lon": lon,
        }
    )


def h3_counts(lat: FloatArray, lon: FloatArray, resolution: int) -> pl.DataFrame:
    """Incidents per H3 cell at ``resolution``, most first."""
    ids = h3_cell_ids(lat, lon, resolution)
    return (
        pl.DataFrame({"h3_cell": ids})
        .group_by("h3_cell")
        .agg(pl.len().alias("count"))
        .sort(["count", "h3_cell"], descending=[True, False])
    )


def _gi_star(values: FloatArray, neighbours: dict[int, list[int]]) -> tuple[FloatArray, FloatArray]:
    from esda.getisord import G_Local
    from libpysal.weights import W

    if values.size < 3:
        raise InvalidInput("Getis-Ord Gi* needs at least three cells")
    with warnings.catch_warnings():
        # Islands of cells are normal on a city map (across rivers, parks); libpysal warns.
        warnings.simplefilter("ignore", UserWarning)
        weights = W(neighbours, silence_warnings=True)
        result = G_Local(values, weights, transform="B", permutations=0, star=True)
    return np.asarray(result.Zs, dtype=np.float64), np.asarray(result.p_norm, dtype=np.float64)


def getis_ord_cells(
    data: HotspotData, start: float | None = None, stop: float | None = None
) -> pl.DataFrame:
    """Gi* z-score and one-sided normal p-value per study cell (queen neighbours)."""
    frame = cell_counts(data, start, stop)
    ids = data.study_cells
    position = {int(cell): i for i, cell in enumerate(ids)}
    columns = data.grid.columns
    neighbours: dict[int, list[int]] = {}
    for i, cell in enumerate(ids):
        row, column = divmod(int(cell), columns)
        around = []
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if (dr or dc) and 0 <= column + dc < columns:
                    other = position.get((row + dr) * columns + column + dc)
                    if other is not None:
                        around.append(other)
        neighbours[i] = around
    z, p = _gi_star(frame["count"].to_numpy().astype(np.float64), neighbours)
    return frame.with_columns(pl.Series("gi_star_z", z), pl.Series("gi_star_p", p))


def getis_ord_h3(counts: pl.DataFrame) -> pl.DataFrame:
    """Gi* per H3 cell of an ``h3_counts`` frame (neighbours: the ring of six)."""
    import h3

    cells = counts["h3_cell"].to_list()
    position = {cell: i for i, cell in enumerate(cells)}
    neighbours = {
        i: [position[n] for n in h3.grid_ring(cell, 1) if n in position]
        for i, cell in enumerate(cells)
    }
    z, p = _gi_star(counts["count"].to_numpy().astype(np.float64), neighbours)
    return counts.with_columns(pl.Series("gi_star_z", z), pl.Series("gi_star_p", p))
