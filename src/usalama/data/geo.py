"""Reading the Kenyan and East African geography shipped in ``usalama/data/geo`` (see README)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


def read_geo_csv(name: str) -> list[dict[str, str]]:
    """Rows of one shipped CSV, with stray whitespace collapsed ("Central  ward")."""
    text = resources.files("usalama.data").joinpath("geo", name).read_text(encoding="utf-8")
    return [
        {k: " ".join(v.split()) for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


@cache
def counties() -> tuple[str, ...]:
    """The 47 county names in official code order (1 Mombasa … 47 Nairobi)."""
    rows = sorted(read_geo_csv("kenya_counties.csv"), key=lambda r: int(r["county_code"]))
    return tuple(r["county_name"] for r in rows)
