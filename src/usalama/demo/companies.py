"""Companies of the demo world: BRS-registered, with directors and owners filed at
FRC's beneficial-ownership register, and some recorded again by other agencies."""

from __future__ import annotations

import random
from datetime import date, timedelta

from usalama.demo import formats
from usalama.demo.builder import TrueCompany, WorldBuilder
from usalama.demo.model import make_entity

__all__ = ["make_companies", "new_company"]


_COMPANY_WORDS = (
    "Tumaini",
    "Baraka",
    "Neema",
    "Upendo",
    "Amani",
    "Jamii",
    "Faraja",
    "Mwangaza",
    "Uhuru",
    "Pwani",
    "Savanna",
    "Kilele",
    "Milele",
    "Simba",
    "Tausi",
    "Bahari",
    "Nyota",
    "Jabali",
    "Rafiki",
    "Zuri",
    "Mlima",
    "Ziwa",
)
_COMPANY_TRADES = (
    ("General Supplies", "wholesale"),
    ("Logistics", "transport"),
    ("Hardware", "retail"),
    ("Enterprises", "trading"),
    ("Agencies", "services"),
    ("Construction", "construction"),
    ("Investments", "investment"),
    ("Holdings", "investment"),
    ("Motors", "motor vehicles"),
    ("Freight Forwarders", "transport"),
    ("Petroleum", "energy"),
    ("Fresh Produce", "agriculture"),
    ("Pharmaceuticals", "health"),
    ("Security Services", "security"),
    ("Properties", "real estate"),
    ("Agrovet", "agriculture"),
    ("Trading Company", "trading"),
    ("Forex Bureau", "financial services"),
)


def new_company(b: WorldBuilder, *, reserved: bool = False) -> TrueCompany:
    """A true company with a BRS number, KRA PIN, address and contacts."""
    rng = b.rng
    index = len(b.companies)
    trade, sector = rng.choice(_COMPANY_TRADES)
    if rng.random() < 0.4 and b.people:
        first = rng.choice(b.people).name.surname
    else:
        first = rng.choice(_COMPANY_WORDS)
    name = f"{first} {trade} Limited"
    county, _area, town, lat, lon = b.place("KE")
    slug = "".join(ch for ch in f"{first}{trade}".lower() if ch.isascii() and ch.isalnum())
    company = TrueCompany(
        tid=f"truth-{b.seed}-company-{index:06d}",
        index=index,
        name=name,
        registration=formats.brs_number(rng),
        kra_pin=formats.kra_pin(rng, company=True),
        incorporated=date(1995, 1, 1) + timedelta(days=rng.randrange(0, 365 * 29)),
        county=county,
        town=town,
        lat=lat,
        lon=lon,
        phone=b.new_phone("KE"),
        email=f"info@{slug}.co.ke",
        sector=sector,
        reserved=reserved,
    )
    b.companies.append(company)
    return company


def make_companies(b: WorldBuilder, count: int) -> None:
    """Companies at FRC's beneficial-ownership register, with directors and owners,
    and some recorded again (name variants) by DCI, ODPP or FRC's STRs."""
    rng = b.rng
    register = "frc-beneficial-ownership"
    pool = [
        p for p in b.people if not p.reserved and p.country == "KE" and p.birth_date.year < 2000
    ]
    for _ in range(count):
        company = new_company(b)
        cid = b.company_record(company, register, first=True)
        address_id = b.address_entity(
            register,
            f"{company.town}, {company.county}, Kenya",
            company.town,
            company.county,
            "KE",
            company.lat,
            company.lon,
        )
        b.records[-2].entity["properties"]["addressEntity"] = [address_id]
        # directors are often people FRC already knows from its reports
        known = [p for p in pool if "frc-str" in p.records or register in p.records]
        source = known if known and rng.random() < 0.6 else pool
        directors = rng.sample(source, min(len(source), rng.choice((1, 2, 2, 3))))
        for director in directors:
            b.add(
                register,
                make_entity(
                    "Directorship",
                    b.new_id("FRC", "dir"),
                    {
                        "director": b.ensure_person(director, register),
                        "organization": cid,
                        "role": rng.choice(("director", "managing director", "director")),
                        "startDate": company.incorporated.isoformat(),
                    },
                ),
            )
        owners = directors[:] if rng.random() < 0.6 else rng.sample(pool, rng.choice((1, 2)))
        shares = _split_shares(len(owners), rng)
        for owner, share in zip(owners, shares, strict=True):
            b.add(
                register,
                make_entity(
                    "Ownership",
                    b.new_id("FRC", "own"),
                    {
                        "owner": b.ensure_person(owner, register),
                        "asset": cid,
                        "percentage": str(share),
                        "role": "shareholder",
                        "startDate": company.incorporated.isoformat(),
                    },
                ),
            )
        if rng.random() < 0.35:
            other = rng.choice(
                ("dci-investigations", "odpp-case-files", "frc-str", "nps-occurrence-book")
            )
            b.company_record(company, other)


def _split_shares(n: int, rng: random.Random) -> list[int]:
    if n == 1:
        return [100]
    cut = sorted(rng.sample(range(5, 96, 5), n - 1))
    bounds = [0, *cut, 100]
    return [bounds[i + 1] - bounds[i] for i in range(n)]
