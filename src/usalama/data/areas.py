"""Areas for indicators, alerts and barazas: the nation, its 47 counties, 290 sub-counties
(IEBC constituencies), 1,448 wards (codes of ``kenya_wards.csv``, each unique within its
level), and police stations
(placed in a ward by a :class:`~usalama.kpis.models.StationArea` row)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from usalama.data.geo import read_geo_csv

NATIONAL = "national"
COUNTY = "county"
SUBCOUNTY = "subcounty"
WARD = "ward"
STATION = "station"
LEVELS = (NATIONAL, COUNTY, SUBCOUNTY, WARD, STATION)
LEVEL_LABELS = {
    NATIONAL: _("National"),
    COUNTY: _("County"),
    SUBCOUNTY: _("Sub-county"),
    WARD: _("Ward"),
    STATION: _("Station"),
}
NATIONAL_CODE = "KE"
CHILD_LEVEL = {NATIONAL: COUNTY, COUNTY: SUBCOUNTY, SUBCOUNTY: WARD}


@dataclass(frozen=True)
class WardRow:
    county_code: str
    county_name: str
    constituency_code: str
    constituency_name: str
    ward_code: str
    ward_name: str


@cache
def _wards() -> tuple[WardRow, ...]:
    return tuple(WardRow(**row) for row in read_geo_csv("kenya_wards.csv"))


@cache
def _index() -> dict[str, dict[str, WardRow]]:
    by_ward = {w.ward_code: w for w in _wards()}
    by_const: dict[str, WardRow] = {}
    by_county: dict[str, WardRow] = {}
    for w in _wards():
        by_const.setdefault(w.constituency_code, w)
        by_county.setdefault(w.county_code, w)
    return {WARD: by_ward, SUBCOUNTY: by_const, COUNTY: by_county}


@cache
def _by_names() -> dict[tuple[str, str, str], str]:
    return {
        (w.county_name.lower(), w.constituency_name.lower(), w.ward_name.lower()): w.ward_code
        for w in _wards()
    }


@cache
def _by_ward_name() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for w in _wards():
        found.setdefault(w.ward_name.lower(), []).append(w.ward_code)
    return found


def is_area(level: str, code: str) -> bool:
    if level == NATIONAL:
        return code == NATIONAL_CODE
    if level == STATION:
        return 0 < len(code) <= 100  # a station's name, as incidents carry it
    return code in _index().get(level, {})


def name_of(level: str, code: str) -> str:
    if level == NATIONAL:
        return str(_("Kenya"))
    if level == STATION:
        return code
    row = _index().get(level, {}).get(code)
    if row is None:
        return code
    if level == WARD:
        return row.ward_name
    if level == SUBCOUNTY:
        return row.constituency_name
    return row.county_name


def ward(code: str) -> WardRow | None:
    return _index()[WARD].get(code)


def ward_code_for(county: str, sub_county: str, ward_name: str) -> str | None:
    """The ward code of a (county, sub-county, ward) named as in the IEBC list, or None."""
    return _by_names().get(
        (county.strip().lower(), sub_county.strip().lower(), ward_name.strip().lower())
    )


def wards_named(name: str) -> list[str]:
    """Ward codes whose name is ``name`` (ward names repeat across counties)."""
    return list(_by_ward_name().get(" ".join(name.split()).lower(), []))


def county_code_for(county: str) -> str | None:
    for code, row in _index()[COUNTY].items():
        if row.county_name.lower() == county.strip().lower():
            return code
    return None


def ancestors(ward_code: str) -> list[tuple[str, str]]:
    """(level, code) of the ward and every area above it, ward first."""
    row = ward(ward_code)
    if row is None:
        return [(NATIONAL, NATIONAL_CODE)]
    return [
        (WARD, row.ward_code),
        (SUBCOUNTY, row.constituency_code),
        (COUNTY, row.county_code),
        (NATIONAL, NATIONAL_CODE),
    ]


def parent(level: str, code: str) -> tuple[str, str] | None:
    if level == NATIONAL:
        return None
    row = _index().get(level, {}).get(code)
    if row is None:
        return (NATIONAL, NATIONAL_CODE)
    if level == WARD:
        return (SUBCOUNTY, row.constituency_code)
    if level == SUBCOUNTY:
        return (COUNTY, row.county_code)
    return (NATIONAL, NATIONAL_CODE)


def children(level: str, code: str) -> list[tuple[str, str]]:
    """The areas one level down (national → counties → sub-counties → wards)."""
    if level == NATIONAL:
        return [(COUNTY, c) for c in _index()[COUNTY]]
    if level == COUNTY:
        return [
            (SUBCOUNTY, w.constituency_code)
            for w in _index()[SUBCOUNTY].values()
            if w.county_code == code
        ]
    if level == SUBCOUNTY:
        return [(WARD, w.ward_code) for w in _wards() if w.constituency_code == code]
    return []


def wards_within(level: str, code: str) -> set[str]:
    """Every ward code inside an area."""
    if level == NATIONAL:
        return set(_index()[WARD])
    if level == COUNTY:
        return {w.ward_code for w in _wards() if w.county_code == code}
    if level == SUBCOUNTY:
        return {w.ward_code for w in _wards() if w.constituency_code == code}
    if level == WARD:
        return {code} if code in _index()[WARD] else set()
    return set()


def ward_label(code: str) -> str:
    row = ward(code)
    if row is None:
        return code
    return f"{row.ward_name} ({row.constituency_name}, {row.county_name})"


def ward_choices(text: str) -> tuple[list[tuple[str, str]], str]:
    """What a citizen typed as their ward: a ward code, or a name (which may repeat across
    counties). Returns ([(code, label)], the name as typed)."""
    cleaned = " ".join(text.split())
    if cleaned.isdigit():
        row = ward(cleaned)
        return ([(cleaned, ward_label(cleaned))] if row else []), cleaned
    return [(code, ward_label(code)) for code in wards_named(cleaned)], cleaned
