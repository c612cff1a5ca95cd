"""Projection choice and round trips; grid numbering."""

from __future__ import annotations

import numpy as np
import pytest

from usalama.analysis.hotspots import SquareGrid, parse_crs, project, utm_crs_for
from usalama.core.errors import InvalidInput


def test_lat_lon_goes_to_the_local_utm_zone_and_back() -> None:
    lon = np.array([-79.59, -79.38, -79.12])
    lat = np.array([43.73, 43.65, 43.85])
    plane, x, y = project(lon, lat, "EPSG:4326")
    assert plane.planar.to_epsg() == 32617  # Toronto is in UTM zone 17N
    assert plane.metres_per_unit == 1.0
    back_lon, back_lat = plane.to_lonlat(x, y)
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)
    # 0.01 degree of latitude is about 1.11 km on the ground
    _, _, y2 = project(np.array([-79.4, -79.4]), np.array([43.70, 43.71]), "EPSG:4326")
    assert abs(y2[1] - y2[0]) == pytest.approx(1112, rel=0.01)


def test_southern_hemisphere_uses_a_south_zone() -> None:
    assert utm_crs_for(36.82, -1.29).to_epsg() == 32737  # Nairobi


def test_projected_input_stays_in_its_own_crs_and_units() -> None:
    x = np.array([7639201.0, 7640405.0])
    y = np.array([683983.0, 684344.0])
    plane, px, py = project(x, y, "EPSG:2913")
    np.testing.assert_array_equal(px, x)
    assert "foot" in plane.unit_name.lower()
    assert plane.length_to_plane_units(600, "ft") == 600
    assert plane.length_to_plane_units(100, "m") == pytest.approx(328.083, rel=1e-5)
    lon, lat = plane.to_lonlat(px, py)
    assert 45.4 < lat[0] < 45.7 and -122.8 < lon[0] < -122.5  # Portland


def test_cell_size_in_feet_on_a_metre_plane() -> None:
    plane, _, _ = project(np.array([-79.4]), np.array([43.7]), "EPSG:4326")
    assert plane.length_to_plane_units(600, "ft") == pytest.approx(182.88)


def test_unknown_crs_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown CRS"):
        parse_crs("EPSG:99999999")


def test_grid_ids_centroids_and_corners() -> None:
    x = np.array([0.0, 99.0, 250.0, 260.0])
    y = np.array([0.0, 0.0, 120.0, 301.0])
    grid = SquareGrid.covering(x, y, 100.0)
    assert (grid.columns, grid.rows) == (3, 4)
    ids = grid.cell_ids(x, y)
    assert ids.tolist() == [0, 0, 1 * 3 + 2, 3 * 3 + 2]
    cx, cy = grid.centroids(ids[2:3])
    assert (cx[0], cy[0]) == (250.0, 150.0)
    rx, ry = grid.corners(ids[:1])
    assert rx[0].tolist() == [0, 100, 100, 0, 0] and ry[0].tolist() == [0, 0, 100, 100, 0]
    with pytest.raises(InvalidInput):
        SquareGrid.covering(x, y, 0.0)
