"""Kenya's areas as the portal publishes them: IEBC codes from the shipped ``kenya_wards.csv``.

A sub-county is a constituency there. Engine area ids are ``<level>:<code>`` so that the
three code lists (each unique within its level) never collide; the nation is ``national:KE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from usalama.data.geo import read_geo_csv

LEVELS = ("county", "subcounty", "ward")
NATION = "national:KE"


@dataclass(frozen=True)
class Area:
    key: str  # engine id, e.g. "ward:1366"
    level: str  # national, county, subcounty or ward
    code: str  # the IEBC code within its level
    name: str
    parent: str | None  # engine id of the area above


@cache
def areas() -> dict[str, Area]:
    """Every area, parents before children, in official code order."""
    found: dict[str, Area] = {NATION: Area(NATION, "national", "KE", "Kenya", None)}
    rows = sorted(
        read_geo_csv("kenya_wards.csv"),
        key=lambda r: (int(r["county_code"]), int(r["constituency_code"]), int(r["ward_code"])),
    )
    for row in rows:
        county = f"county:{row['county_code']}"
        sub = f"subcounty:{row['constituency_code']}"
        ward = f"ward:{row['ward_code']}"
        found.setdefault(
            county, Area(county, "county", row["county_code"], row["county_name"], NATION)
        )
        found.setdefault(
            sub, Area(sub, "subcounty", row["constituency_code"], row["constituency_name"], county)
        )
        found.setdefault(ward, Area(ward, "ward", row["ward_code"], row["ward_name"], sub))
    return found


@cache
def _by_names() -> dict[tuple[str, str, str], str]:
    return {
        (row["county_name"], row["constituency_name"], row["ward_name"]): f"ward:{row['ward_code']}"
        for row in read_geo_csv("kenya_wards.csv")
    }


def ward_key(county: str, sub_county: str, ward: str) -> str | None:
    """The ward's engine id for a place as a reporter chose it, or None when it is not a ward."""
    return _by_names().get(
        (" ".join(county.split()), " ".join(sub_county.split()), " ".join(ward.split()))
    )


def parents() -> dict[str, str | None]:
    return {key: area.parent for key, area in areas().items()}
