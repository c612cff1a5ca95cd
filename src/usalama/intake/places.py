"""Kenyan counties, sub-counties (constituencies) and wards for the pickers (package CSVs)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("usalama.data").joinpath("geo", name).read_text(encoding="utf-8")
    return [
        {k: " ".join(v.split()) for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


@cache
def counties() -> tuple[str, ...]:
    rows = sorted(_read("kenya_counties.csv"), key=lambda r: int(r["county_code"]))
    return tuple(r["county_name"] for r in rows)


@cache
def wards_by_sub_county(county: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """((sub-county, (ward, ...)), ...) in official code order for one county."""
    grouped: dict[str, list[str]] = {}
    for row in _read("kenya_wards.csv"):
        if row["county_name"] == county:
            grouped.setdefault(row["constituency_name"], []).append(row["ward_name"])
    return tuple((sub, tuple(wards)) for sub, wards in grouped.items())


def is_county(name: str) -> bool:
    return name in counties()


def is_ward(county: str, sub_county: str, ward: str) -> bool:
    return any(sub == sub_county and ward in wards for sub, wards in wards_by_sub_county(county))


def is_sub_county(county: str, sub_county: str) -> bool:
    return any(sub == sub_county for sub, _ in wards_by_sub_county(county))
