"""Kenyan and East African places for the demo world, read from the package's data.

The CSV files live in ``usalama/data/geo`` (see its README for source and licence) and
are read through :mod:`importlib.resources`, so an installed wheel needs nothing
outside itself. GeoNames labels some Kenyan towns with an old district name ("Nairobi
Area", "Murang'a District") or a wrong one; :data:`_ADMIN1_TO_COUNTY` and
:data:`_TOWN_COUNTY_FIXES` map them to the 47 counties without editing the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from usalama.data.geo import counties, read_geo_csv

__all__ = ["Place", "Ward", "counties", "places", "towns_by_county", "wards"]


@dataclass(frozen=True)
class Ward:
    """An IEBC electoral ward with its constituency (sub-county) and county."""

    county_code: int
    county: str
    constituency: str
    ward: str


@dataclass(frozen=True)
class Place:
    """A town (GeoNames) with coordinates; ``county`` is set for Kenyan towns."""

    name: str
    lat: float
    lon: float
    admin1: str
    country: str
    county: str | None


# GeoNames admin1 spellings that differ from the county names in kenya_counties.csv.
_ADMIN1_TO_COUNTY = {
    "Nairobi Area": "Nairobi",
    "Murang'a District": "Murang'a",
    "Nyamira District": "Nyamira",
    "Marakwet District": "Elgeyo-Marakwet",
    "Tharaka District": "Tharaka-Nithi",
    "Taita Taveta": "Taita-Taveta",
}
# Towns whose GeoNames admin1 is empty or names the wrong county.
_TOWN_COUNTY_FIXES = {
    "Thika": "Kiambu",
    "Taveta": "Taita-Taveta",
    "Malikisi": "Bungoma",
    "Maua": "Meru",
    "Mbale": "Taita-Taveta",  # the Mbale at -3.4, 38.38 is in the Taita Hills
    "Chuka": "Tharaka-Nithi",
}
# Counties with no town in the GeoNames extract borrow their neighbour's towns.
_TOWNLESS_NEIGHBOUR = {"Vihiga": "Kakamega"}


@cache
def wards() -> tuple[Ward, ...]:
    """All 1,448 wards, in file order."""
    return tuple(
        Ward(int(r["county_code"]), r["county_name"], r["constituency_name"], r["ward_name"])
        for r in read_geo_csv("kenya_wards.csv")
    )


@cache
def places(country: str | None = None) -> tuple[Place, ...]:
    """Towns of one country (ISO2, e.g. ``"KE"``), or of all countries if ``None``."""
    known = set(counties())
    out: list[Place] = []
    for r in read_geo_csv("east_africa_places.csv"):
        if country is not None and r["country"] != country:
            continue
        county: str | None = None
        if r["country"] == "KE":
            county = _TOWN_COUNTY_FIXES.get(r["name"]) or _ADMIN1_TO_COUNTY.get(
                r["admin1"], r["admin1"]
            )
            if county not in known:
                county = None
        out.append(
            Place(r["name"], float(r["lat"]), float(r["lon"]), r["admin1"], r["country"], county)
        )
    return tuple(out)


@cache
def towns_by_county() -> dict[str, tuple[Place, ...]]:
    """Kenyan towns per county, for all 47 (a townless county borrows a neighbour's)."""
    grouped: dict[str, list[Place]] = {}
    seen: set[tuple[str, str]] = set()
    for place in places("KE"):
        if place.county is None or (place.name, place.county) in seen:
            continue
        seen.add((place.name, place.county))
        grouped.setdefault(place.county, []).append(place)
    result = {county: tuple(towns) for county, towns in grouped.items()}
    for county in counties():
        if county not in result:
            result[county] = result[_TOWNLESS_NEIGHBOUR.get(county, "Nairobi")]
    return result
