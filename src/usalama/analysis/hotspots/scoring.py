"""Scoring a stored forecast against what happened afterwards: which incidents fell inside its
hotspot cells.

A forecast is stored as its cells' centroids (longitude, latitude), the grid's planar CRS and
the cell side in that CRS's unit (``usalama.policing.forecasts``). The grid of
:meth:`SquareGrid.covering` is aligned on whole multiples of the cell side, so a point lies in
a cell exactly when both fall in the same ``floor(coordinate / side)`` column and row: no
stored grid origin is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyproj import CRS, Transformer

from usalama.analysis.hotspots.projection import WGS84
from usalama.core.errors import InvalidInput


def _cells(
    lon: Sequence[float], lat: Sequence[float], crs: CRS, side: float
) -> tuple[np.ndarray, np.ndarray]:
    forward = Transformer.from_crs(CRS.from_user_input(WGS84), crs, always_xy=True)
    x, y = forward.transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    column = np.floor(np.asarray(x, dtype=np.float64) / side).astype(np.int64)
    row = np.floor(np.asarray(y, dtype=np.float64) / side).astype(np.int64)
    return column, row


def hits_in_cells(
    cells: Sequence[tuple[float, float]],
    points: Sequence[tuple[float, float]],
    *,
    crs: str,
    cell_side: float,
) -> int:
    """How many ``points`` (longitude, latitude) lie inside the grid cells whose centroids are
    ``cells`` (longitude, latitude), the grid being laid in ``crs`` with ``cell_side`` (in
    that CRS's unit)."""
    if not cell_side > 0:
        raise InvalidInput(f"cell side must be positive, not {cell_side!r}")
    if not cells or not points:
        return 0
    planar = CRS.from_user_input(crs)
    cell_column, cell_row = _cells([c[0] for c in cells], [c[1] for c in cells], planar, cell_side)
    flagged = set(zip(cell_column.tolist(), cell_row.tolist(), strict=True))
    column, row = _cells([p[0] for p in points], [p[1] for p in points], planar, cell_side)
    return sum(1 for key in zip(column.tolist(), row.tolist(), strict=True) if key in flagged)
