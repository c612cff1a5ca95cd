"""Forecast tables and files, patrol plans, cell counts and Getis-Ord Gi*."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from usalama.analysis.hotspots import (
    PatrolSettings,
    SquareGrid,
    forecast,
    from_plane_arrays,
    getis_ord_cells,
    getis_ord_h3,
    h3_counts,
    patrol_plan,
    write_cells,
)
from usalama.core.errors import InvalidInput

GRID = SquareGrid(x0=500_000.0, y0=5_000_000.0, cell_size=100.0, columns=12, rows=12)


@pytest.fixture
def data():  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4)
    # background everywhere, plus a persistent hotspot around cell (row 6, column 6)
    x = np.concatenate([500_000 + rng.random(600) * 1200, 500_650 + rng.normal(0, 40, 300)])
    y = np.concatenate([5_000_000 + rng.random(600) * 1200, 5_000_650 + rng.normal(0, 40, 300)])
    t = rng.random(900) * 60
    return from_plane_arrays(x, y, t, crs="EPSG:32633", cell_size=100, grid=GRID)


def test_forecast_ranks_cells_with_polygons(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = forecast(data, method="best", train_days=40, horizon_days=7)
    cells = result.cells
    assert result.method in {"naive", "kde", "etas"}
    assert cells["rank"].to_list() == list(range(1, cells.height + 1))
    assert cells["score"].is_sorted(descending=True)
    assert cells["cell_id"][0] == 6 * 12 + 6
    ring = cells["polygon"][0].to_list()
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
    geojson = json.loads(write_cells(cells, tmp_path / "f.geojson").read_text())
    assert geojson["features"][0]["geometry"]["type"] == "Polygon"
    assert geojson["features"][0]["properties"]["rank"] == 1
    csv = pl.read_csv(write_cells(cells, tmp_path / "f.csv"))
    assert csv["polygon"][0].startswith("POLYGON ((")
    with pytest.raises(InvalidInput, match="must end in"):
        write_cells(cells, tmp_path / "f.shp")


def test_patrol_plan_follows_the_koper_curve(data) -> None:  # type: ignore[no-untyped-def]
    plan = patrol_plan(
        forecast(data, method="kde", train_days=40, horizon_days=7),
        PatrolSettings(cells=4, visit_minutes=15, revisit_minutes=120, shift_start=dt.time(22)),
    )
    assert plan.height == 4
    assert plan["rank"].to_list() == [1, 2, 3, 4]
    assert set(plan["visit_minutes"]) == {15} and set(plan["revisit_minutes"]) == {120}
    # staggered by 120 / 4 = 30 minutes, then every two hours, across midnight
    assert plan["visit_times"][0].to_list() == ["22:00", "00:00", "02:00", "04:00"]
    assert plan["visit_times"][1].to_list()[0] == "22:30"
    with pytest.raises(InvalidInput, match="Koper"):
        PatrolSettings(visit_minutes=45).check()


def test_gi_star_finds_the_planted_hotspot(data) -> None:  # type: ignore[no-untyped-def]
    gi = getis_ord_cells(data)
    top = gi.sort("gi_star_z", descending=True).row(0, named=True)
    assert top["cell_id"] in {6 * 12 + 6, 6 * 12 + 5, 5 * 12 + 6, 5 * 12 + 5}
    assert top["gi_star_z"] > 5 and top["gi_star_p"] < 1e-4
    quiet = gi.filter(pl.col("cell_id") == 0).row(0, named=True)
    assert quiet["gi_star_z"] < 0


def test_h3_counts_and_gi_star() -> None:
    rng = np.random.default_rng(0)
    lat = np.concatenate([43.65 + rng.random(300) * 0.1, 43.70 + rng.normal(0, 0.001, 200)])
    lon = np.concatenate([-79.45 + rng.random(300) * 0.1, -79.40 + rng.normal(0, 0.001, 200)])
    counts = h3_counts(lat, lon, 8)
    assert counts["count"].sum() == 500
    import h3

    gi = getis_ord_h3(counts)
    busiest = counts.row(0, named=True)["h3_cell"]
    hottest = gi.sort("gi_star_z", descending=True).row(0, named=True)
    assert h3.grid_distance(busiest, hottest["h3_cell"]) <= 1
    assert hottest["gi_star_z"] > 3
