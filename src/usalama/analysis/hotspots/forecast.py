"""Forecast the next window after the data, as a table of scored cells, and write it out.

The table is what a map or a patrol plan needs: cell id, rank, score, centroid and the
cell's outline in WGS84 longitude/latitude. GeoJSON output follows RFC 7946 (lon, lat).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from usalama.analysis.hotspots.backtest import BEST, check_methods, choose_best, forecast_grid
from usalama.analysis.hotspots.events import HotspotData
from usalama.analysis.hotspots.metrics import top_cells
from usalama.core.errors import InvalidInput
from usalama.core.spreadsheets import defuse_frame


@dataclass(frozen=True)
class Forecast:
    """Scored study cells for ``[origin, origin + horizon_days)``, best first."""

    method: str
    origin: float
    horizon_days: float
    train_days: float
    cells: pl.DataFrame


def forecast(
    data: HotspotData,
    *,
    method: str = BEST,
    train_days: float,
    horizon_days: float,
    origin: float | None = None,
    coverages: Sequence[float] = (0.01, 0.05),
) -> Forecast:
    """Score every study cell; ``origin`` defaults to the end of the data (a true forecast).

    ``best`` is resolved to a concrete method by a backtest inside the training window at
    ``coverages``; the chosen method is reported in ``Forecast.method``.
    """
    check_methods([method])
    if not (math.isfinite(horizon_days) and horizon_days > 0):
        raise InvalidInput(f"--horizon-days must be a positive number of days, not {horizon_days}")
    if not (math.isfinite(train_days) and train_days > 0):
        raise InvalidInput(f"--train-days must be a positive number of days, not {train_days}")
    origin = data.end if origin is None else origin
    if origin - train_days < data.start - 1e-9:
        raise InvalidInput(
            f"--train-days {train_days:g} is longer than the {origin - data.start:.1f} days "
            "of data before the forecast origin"
        )
    if method == BEST:
        method = choose_best(data, origin, train_days, horizon_days, coverages)
    scores = forecast_grid(data, method, origin, train_days, horizon_days).ravel()
    study = data.study_cells
    study_scores = scores[study]
    order = top_cells(study_scores, study.size)
    ids = study[order]
    cx, cy = data.grid.centroids(ids)
    lon, lat = data.plane.to_lonlat(cx, cy)
    ring_x, ring_y = data.grid.corners(ids)
    ring_lon, ring_lat = data.plane.to_lonlat(ring_x.ravel(), ring_y.ravel())
    rings = np.stack([ring_lon, ring_lat], axis=-1).reshape(ids.size, 5, 2)
    cells = pl.DataFrame(
        {
            "cell_id": ids,
            "rank": np.arange(1, ids.size + 1),
            "score": study_scores[order],
            "centroid_lat": lat,
            "centroid_lon": lon,
            "polygon": [ring.tolist() for ring in rings],
        },
        schema_overrides={"polygon": pl.List(pl.List(pl.Float64))},
    )
    return Forecast(method, origin, horizon_days, train_days, cells)


def to_geojson(cells: pl.DataFrame) -> dict[str, object]:
    """A FeatureCollection of cell polygons with every other column as a property."""
    properties = [c for c in cells.columns if c != "polygon"]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [row["polygon"]]},
            "properties": {name: row[name] for name in properties},
        }
        for row in cells.iter_rows(named=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def polygon_wkt(ring: Sequence[Sequence[float]]) -> str:
    return "POLYGON ((" + ", ".join(f"{lon:.7f} {lat:.7f}" for lon, lat in ring) + "))"


def write_cells(cells: pl.DataFrame, path: str | Path) -> Path:
    """Write scored cells as ``.geojson``/``.json`` or ``.csv`` (polygon as WKT)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        path.write_text(json.dumps(to_geojson(cells)), encoding="utf-8")
    elif suffix == ".csv":
        wkt = [polygon_wkt(ring) for ring in cells["polygon"].to_list()]
        defuse_frame(cells.with_columns(pl.Series("polygon", wkt, dtype=pl.String))).write_csv(path)
    else:
        raise InvalidInput(f"{path}: output must end in .geojson, .json or .csv")
    return path
