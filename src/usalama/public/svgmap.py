"""The county map as inline SVG paths, drawn on the server (no script, no tiles).

The shipped county boundaries (``kenya_counties.geojson``, ~128 KB) are simplified with
shapely to about 3 km and written with whole-number coordinates: a few KB for all 47.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from shapely.geometry import shape

WEST, NORTH = 33.8, 5.1  # degrees: the map's top-left corner
SCALE = 40.0  # SVG units per degree
TOLERANCE = 0.03  # degrees, about 3 km
WIDTH, HEIGHT = 340, 400


@dataclass(frozen=True)
class CountyShape:
    code: str
    name: str
    path: str


@cache
def boundaries() -> dict[str, Any]:
    text = (
        resources.files("usalama.data")
        .joinpath("geo", "kenya_counties.geojson")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def _ring(coords: Any) -> str:
    points: list[str] = []
    for lon, lat in coords:
        point = f"{round((lon - WEST) * SCALE)},{round((NORTH - lat) * SCALE)}"
        if not points or points[-1] != point:
            points.append(point)
    return "M" + "L".join(points) + "Z" if len(points) > 2 else ""


@cache
def county_shapes() -> tuple[CountyShape, ...]:
    found = []
    for feature in boundaries()["features"]:
        geometry = shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        polygons = getattr(geometry, "geoms", [geometry])
        path = "".join(_ring(polygon.exterior.coords) for polygon in polygons)
        props = feature["properties"]
        found.append(CountyShape(str(props["county_code"]), str(props["county_name"]), path))
    return tuple(sorted(found, key=lambda c: int(c.code)))
