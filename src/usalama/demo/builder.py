"""The mutable state behind :func:`usalama.demo.generator.generate_world`.

:class:`WorldBuilder` keeps the true people and companies, and writes the records
agencies hold about them. Person and company records are written through
:meth:`WorldBuilder.person_record` / :meth:`WorldBuilder.company_record`, which decide
how that agency got the name, phone and identifiers wrong or incomplete; relationship
code asks :meth:`WorldBuilder.ensure_person` for "this person's record in that
collection", creating one the first time (next of kin in a statement, a director in a
filing), which is how people come to be known to several agencies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from usalama.demo import formats, geo
from usalama.demo.model import COLLECTIONS, DemoRecord, EntityDict, entity_id, make_entity
from usalama.demo.names import Community, NameParts, initials, name_variant, typo

__all__ = [
    "COUNTRY_AGENCY",
    "COUNTRY_NAMES",
    "TrueCompany",
    "TruePerson",
    "WorldBuilder",
    "full_address",
]

COLLECTION_AGENCY = {c.key: c.agency for c in COLLECTIONS}
COUNTRY_AGENCY = {"UG": "UPF", "TZ": "TPF"}
COUNTRY_NAMES = {"KE": "Kenya", "UG": "Uganda", "TZ": "Tanzania"}
_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com")


@dataclass
class TruePerson:
    """A real-world person of the demo world (never stored as a record itself)."""

    tid: str
    index: int
    community: Community
    gender: str  # "male" / "female"
    name: NameParts
    birth_date: date
    country: str
    phones: list[str]
    national_id: str | None
    kra_pin: str | None
    email: str | None
    county: str
    area: str  # "Ward, Constituency" in Kenya, the town elsewhere
    town: str
    lat: float
    lon: float
    records: dict[str, list[str]] = field(default_factory=dict)  # collection → ids
    reserved: bool = False  # planted in a scenario: random links must not touch it


@dataclass
class TrueCompany:
    """A real-world company with its registration data."""

    tid: str
    index: int
    name: str  # "Tumaini Logistics Limited"
    registration: str
    kra_pin: str
    incorporated: date
    county: str
    town: str
    lat: float
    lon: float
    phone: str
    email: str
    sector: str
    records: dict[str, list[str]] = field(default_factory=dict)
    reserved: bool = False


def full_address(person: TruePerson) -> str:
    """ "Ward, Constituency, County, Kenya" (or "Town, Region, Country")."""
    parts = (person.area, person.county, COUNTRY_NAMES[person.country])
    return ", ".join(p for p in parts if p)


def company_name_variant(name: str, rng: random.Random) -> str:
    """How another record might spell a company name ("Ltd", upper case, a typo...)."""
    base = name.removesuffix(" Limited")
    roll = rng.random()
    if roll < 0.3:
        return base + " Ltd"
    if roll < 0.45:
        return base + " Ltd."
    if roll < 0.6:
        return name.upper()
    if roll < 0.72:
        return base
    if roll < 0.85:
        words = base.split()
        i = rng.randrange(len(words))
        words[i] = typo(words[i], rng)
        return " ".join(words) + " Limited"
    return base + " Co. Ltd"


class WorldBuilder:
    """Collects records, ground truth and identifiers while the world is generated."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.records: list[DemoRecord] = []
        self.truth: dict[str, str] = {}
        self.people: list[TruePerson] = []
        self.companies: list[TrueCompany] = []
        self._phones: set[str] = set()
        self._national_ids: set[str] = set()
        self._serial = 0
        self._wards = geo.wards()
        self._wards_by_county: dict[str, list[geo.Ward]] = {}
        for ward in self._wards:
            self._wards_by_county.setdefault(ward.county, []).append(ward)
        self._towns = geo.towns_by_county()
        self._foreign_towns = {c: geo.places(c) for c in ("UG", "TZ")}

    # -- identifiers -------------------------------------------------------------------
    def new_id(self, agency: str, kind: str) -> str:
        """A fresh deterministic entity id for a record of ``agency``."""
        self._serial += 1
        return entity_id(self.seed, agency, kind, self._serial)

    def new_phone(self, country: str) -> str:
        """A mobile number nobody else in the world has."""
        while True:
            number = formats.phone(country, self.rng)
            if number not in self._phones:
                self._phones.add(number)
                return number

    def add(self, collection: str, entity: EntityDict, truth: str | None = None) -> str:
        """Store one record; ``truth`` is the true id it describes, if any."""
        self.records.append(DemoRecord(collection, entity))
        if truth is not None:
            self.truth[entity["id"]] = truth
        return str(entity["id"])

    # -- places ------------------------------------------------------------------------
    def place(self, country: str, county: str | None = None) -> tuple[str, str, str, float, float]:
        """``(county, area, town, lat, lon)``: a ward and its county's town in Kenya
        (coordinates jittered around the town), or a town elsewhere."""
        rng = self.rng
        if country != "KE":
            town = rng.choice(self._foreign_towns[country])
            return (
                town.admin1,
                town.name,
                town.name,
                round(town.lat + rng.uniform(-0.03, 0.03), 5),
                round(town.lon + rng.uniform(-0.03, 0.03), 5),
            )
        if county is None:
            ward = rng.choice(self._wards)
        else:
            ward = rng.choice(self._wards_by_county[county])
        town = rng.choice(self._towns[ward.county])
        return (
            ward.county,
            f"{ward.ward}, {ward.constituency}",
            town.name,
            round(town.lat + rng.uniform(-0.05, 0.05), 5),
            round(town.lon + rng.uniform(-0.05, 0.05), 5),
        )

    # -- people ------------------------------------------------------------------------
    def new_person(
        self,
        community: Community,
        gender: str,
        name: NameParts,
        *,
        birth_date: date | None = None,
        county: str | None = None,
        reserved: bool = False,
    ) -> TruePerson:
        """Create a true person with identifiers drawn for their country."""
        rng = self.rng
        index = len(self.people)
        country = community.country
        if birth_date is None:
            birth_date = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 56))
        if county is None and country == "KE":
            county = rng.choice(community.counties) if rng.random() < 0.8 else None
        where = self.place(country, county)
        phones = [self.new_phone(country)]
        if rng.random() < 0.3:
            phones.append(self.new_phone(country))
        national = None
        while country == "KE" and (national is None or national in self._national_ids):
            national = formats.national_id(birth_date.year, rng)
        if national is not None:
            self._national_ids.add(national)
        pin = formats.kra_pin(rng) if country == "KE" and rng.random() < 0.7 else None
        email = None
        if rng.random() < 0.35:
            local = f"{name.given}.{name.surname}".lower().replace("'", "")
            local = local.encode("ascii", "ignore").decode() + str(rng.randrange(1, 99))
            email = f"{local}@{rng.choice(_EMAIL_DOMAINS)}"
        person = TruePerson(
            tid=f"truth-{self.seed}-person-{index:06d}",
            index=index,
            community=community,
            gender=gender,
            name=name,
            birth_date=birth_date,
            country=country,
            phones=phones,
            national_id=national,
            kra_pin=pin,
            email=email,
            county=where[0],
            area=where[1],
            town=where[2],
            lat=where[3],
            lon=where[4],
            reserved=reserved,
        )
        self.people.append(person)
        return person

    def person_record(
        self,
        person: TruePerson,
        collection: str,
        *,
        first: bool = False,
        name: str | None = None,
        parts: NameParts | None = None,
        phone: str | None = None,
        keep: tuple[str, ...] = (),
        drop: tuple[str, ...] = (),
    ) -> str:
        """Write one Person record of ``person`` in ``collection`` and return its id.

        The first record of a person (``first=True``) is complete and spelled as the
        person spells it; later ones vary the name (see
        :func:`usalama.demo.names.name_variant`), change or drop the phone and leave
        out the date of birth or ID number now and then. ``name``/``parts``/``phone``
        force those values; ``keep``/``drop`` force optional fields
        (``"birthDate"``, ``"idNumber"``, ``"taxNumber"``, ``"email"``, ``"address"``).
        """
        rng = self.rng
        agency = COLLECTION_AGENCY[collection]
        recorded_parts: NameParts | None = person.name
        recorded_name = person.name.full
        if not first and name is None and parts is None:
            _kind, varied = name_variant(person.name, rng)
            recorded_parts = varied
            recorded_name = varied.full if varied else initials(person.name)
        if parts is not None:
            recorded_parts, recorded_name = parts, parts.full
        if name is not None:
            recorded_parts, recorded_name = None, name
        foreign_desk = agency in ("UPF", "TPF") and person.country == "KE"
        if phone is None:
            if first or rng.random() < 0.7:
                phone = person.phones[0] if first or rng.random() < 0.75 else person.phones[-1]
            elif foreign_desk or rng.random() < 0.5:
                phone = self.new_phone(
                    "UG" if agency == "UPF" else "TZ" if agency == "TPF" else person.country
                )
                person.phones.append(phone)
            else:
                phone = None

        def wanted(prop: str, chance: float) -> bool:
            if prop in keep:
                return True
            if prop in drop:
                return False
            return first or rng.random() < chance

        eid = self.new_id(agency, "per")
        props: dict[str, object] = {
            "name": recorded_name,
            "firstName": recorded_parts.given if recorded_parts else None,
            "middleName": recorded_parts.middle if recorded_parts else None,
            "lastName": recorded_parts.surname if recorded_parts else None,
            "gender": person.gender if rng.random() < 0.9 or first else None,
            "birthDate": person.birth_date.isoformat() if wanted("birthDate", 0.7) else None,
            "idNumber": person.national_id
            if wanted("idNumber", 0.35 if foreign_desk else 0.65)
            else None,
            "taxNumber": person.kra_pin
            if wanted("taxNumber", 0.8 if agency == "FRC" else 0.15)
            else None,
            "phone": phone,
            "email": person.email if wanted("email", 0.5) else None,
            "nationality": person.country.lower(),
            "address": full_address(person) if wanted("address", 0.6) else None,
        }
        self.add(collection, make_entity("Person", eid, props), person.tid)
        person.records.setdefault(collection, []).append(eid)
        return eid

    def ensure_person(self, person: TruePerson, collection: str) -> str:
        """The first record of ``person`` in ``collection``, written if missing."""
        existing = person.records.get(collection)
        if existing:
            return existing[0]
        return self.person_record(person, collection, first=not person.records)

    def address_entity(
        self,
        collection: str,
        full: str,
        city: str,
        region: str,
        country: str,
        lat: float,
        lon: float,
    ) -> str:
        """An FtM ``Address`` with coordinates, linked from people and companies."""
        eid = self.new_id(COLLECTION_AGENCY[collection], "adr")
        return self.add(
            collection,
            make_entity(
                "Address",
                eid,
                {
                    "full": full,
                    "city": city,
                    "region": region,
                    "country": country.lower(),
                    "latitude": f"{lat:.5f}",
                    "longitude": f"{lon:.5f}",
                },
            ),
        )

    # -- companies ---------------------------------------------------------------------
    def company_record(
        self, company: TrueCompany, collection: str, *, first: bool = False, name: str | None = None
    ) -> str:
        """Write one Company record; later records vary the name and drop fields."""
        rng = self.rng
        agency = COLLECTION_AGENCY[collection]
        if name is None:
            name = company.name if first else company_name_variant(company.name, rng)
        eid = self.new_id(agency, "com")
        props: dict[str, object] = {
            "name": name,
            "registrationNumber": company.registration if first or rng.random() < 0.6 else None,
            "taxNumber": company.kra_pin if first or rng.random() < 0.4 else None,
            "incorporationDate": company.incorporated.isoformat() if first else None,
            "jurisdiction": "ke",
            "country": "ke",
            "address": f"{company.town}, {company.county}, Kenya",
            "phone": company.phone if first or rng.random() < 0.5 else None,
            "email": company.email if first else None,
            "sector": company.sector,
            "legalForm": "Private limited company",
        }
        self.add(collection, make_entity("Company", eid, props), company.tid)
        company.records.setdefault(collection, []).append(eid)
        return eid

    def ensure_company(self, company: TrueCompany, collection: str) -> str:
        """The first record of ``company`` in ``collection``, written if missing."""
        existing = company.records.get(collection)
        if existing:
            return existing[0]
        return self.company_record(company, collection, first=not company.records)
