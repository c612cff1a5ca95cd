"""Put incident coordinates on a flat plane where a square cell is square on the ground.

Geographic input (latitude/longitude) goes to the UTM zone of the data's median longitude;
projected input stays in its own CRS (re-projecting Oregon State Plane to UTM would only add
error). Cell sizes are given in metres or feet and converted to the plane's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from usalama.core.errors import InvalidInput

Units = Literal["m", "ft"]
FloatArray = NDArray[np.float64]

METRES_PER_FOOT = 0.3048
WGS84 = "EPSG:4326"


def parse_crs(text: str) -> CRS:
    """A pyproj CRS from user text such as ``EPSG:2913``; an unknown CRS is bad input."""
    try:
        return CRS.from_user_input(text)
    except CRSError as error:
        raise InvalidInput(f"unknown CRS {text!r}: {error}") from error


def utm_crs_for(longitude: float, latitude: float) -> CRS:
    """The WGS84 UTM zone containing a point (north or south by the latitude's sign)."""
    zone = int(np.floor((longitude + 180.0) / 6.0)) % 60 + 1
    return CRS.from_epsg((32600 if latitude >= 0 else 32700) + zone)


def _metres_per_unit(crs: CRS) -> float:
    return float(crs.axis_info[0].unit_conversion_factor)


@dataclass(frozen=True)
class Plane:
    """The working plane: source CRS, planar CRS, and transformers both ways to WGS84."""

    source: CRS
    planar: CRS

    @property
    def metres_per_unit(self) -> float:
        return _metres_per_unit(self.planar)

    @property
    def unit_name(self) -> str:
        return str(self.planar.axis_info[0].unit_name)

    def length_to_plane_units(self, length: float, units: Units) -> float:
        """A length in metres or feet expressed in the plane's own unit.

        A plane in US survey feet and a length in feet are taken as the same unit: the two
        feet differ by 2 parts per million, far below any cell size anyone would choose.
        """
        if units == "ft" and "foot" in self.unit_name.lower():
            return length
        metres = length * (METRES_PER_FOOT if units == "ft" else 1.0)
        return metres / self.metres_per_unit

    def to_plane(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.source == self.planar:
            return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        forward = Transformer.from_crs(self.source, self.planar, always_xy=True)
        px, py = forward.transform(x, y)
        return np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)

    def to_lonlat(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        back = Transformer.from_crs(self.planar, CRS.from_user_input(WGS84), always_xy=True)
        lon, lat = back.transform(x, y)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def plane_for(source: CRS, x: FloatArray, y: FloatArray) -> Plane:
    """Choose the working plane for points given in ``source`` (x = longitude when geographic)."""
    if source.is_projected:
        return Plane(source=source, planar=source)
    if not source.is_geographic:
        raise InvalidInput(f"CRS {source.to_string()} is neither geographic nor projected")
    if len(x) == 0:
        raise InvalidInput("no incidents with coordinates to choose a projection from")
    to_wgs84 = Transformer.from_crs(source, CRS.from_user_input(WGS84), always_xy=True)
    lon, lat = to_wgs84.transform(np.asarray(x), np.asarray(y))
    planar = utm_crs_for(float(np.median(lon)), float(np.median(lat)))
    return Plane(source=source, planar=planar)


def project(
    x: FloatArray, y: FloatArray, crs: str | CRS = WGS84
) -> tuple[Plane, FloatArray, FloatArray]:
    """Project points (x = longitude, y = latitude for geographic CRSs) onto a local plane."""
    source = parse_crs(crs) if isinstance(crs, str) else crs
    plane = plane_for(source, x, y)
    px, py = plane.to_plane(x, y)
    return plane, px, py
