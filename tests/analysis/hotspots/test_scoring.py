"""Scoring a stored forecast: a point counts as a hit exactly when it lies in the same grid
cell (aligned on multiples of the cell side in the planar CRS) as one of the forecast's cells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from usalama.analysis.hotspots import hits_in_cells
from usalama.core.errors import InvalidInput

CRS = "EPSG:32737"  # UTM 37S: Nairobi
SIDE = 250.0
TO_LONLAT = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_LONLAT.transform(x, y)
    return float(lon), float(lat)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    column=st.integers(1_000, 1_100),
    row=st.integers(9_000, 9_100),
    fx=st.floats(0.01, 0.99),
    fy=st.floats(0.01, 0.99),
    dx=st.integers(-2, 2),
    dy=st.integers(-2, 2),
)
def test_a_point_hits_only_its_own_cell(
    column: int, row: int, fx: float, fy: float, dx: int, dy: int
) -> None:
    centroid = lonlat((column + 0.5) * SIDE, (row + 0.5) * SIDE)
    point = lonlat((column + dx + fx) * SIDE, (row + dy + fy) * SIDE)
    expected = 1 if (dx, dy) == (0, 0) else 0
    assert hits_in_cells([centroid], [point], crs=CRS, cell_side=SIDE) == expected


def test_counts_every_point_in_any_cell() -> None:
    cells = [lonlat(257_125.0, 9_858_125.0), lonlat(258_125.0, 9_858_125.0)]
    xs = np.array([257_010.0, 257_240.0, 258_100.0, 259_000.0])
    points = [lonlat(float(x), 9_858_100.0) for x in xs]
    assert hits_in_cells(cells, points, crs=CRS, cell_side=SIDE) == 3
    assert hits_in_cells(cells, [], crs=CRS, cell_side=SIDE) == 0
    with pytest.raises(InvalidInput, match="cell side"):
        hits_in_cells(cells, points, crs=CRS, cell_side=0)
