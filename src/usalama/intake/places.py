"""Kenyan counties, sub-counties (constituencies) and wards for the pickers (package CSVs)."""

from __future__ import annotations

from functools import cache

from usalama.data.geo import counties, read_geo_csv

__all__ = ["counties", "is_county", "is_ward", "wards_by_sub_county"]


@cache
def wards_by_sub_county(county: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """((sub-county, (ward, ...)), ...) in official code order for one county."""
    grouped: dict[str, list[str]] = {}
    for row in read_geo_csv("kenya_wards.csv"):
        if row["county_name"] == county:
            grouped.setdefault(row["constituency_name"], []).append(row["ward_name"])
    return tuple((sub, tuple(wards)) for sub, wards in grouped.items())


def is_county(name: str) -> bool:
    return name in counties()


def is_ward(county: str, sub_county: str, ward: str) -> bool:
    return any(sub == sub_county and ward in wards for sub, wards in wards_by_sub_county(county))


def is_sub_county(county: str, sub_county: str) -> bool:
    return any(sub == sub_county for sub, _ in wards_by_sub_county(county))
