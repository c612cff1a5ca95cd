"""The random background of the demo world: people and their records, families,
associates, calls and memberships (companies and money live in ``companies`` and
``money``).

Each function draws from ``builder.rng`` in a fixed order, so the world depends on
the seed alone. Scenario people (``reserved=True``) are never picked here.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from usalama.demo.builder import (
    COLLECTION_AGENCY,
    COUNTRY_AGENCY,
    TruePerson,
    WorldBuilder,
    full_address,
)
from usalama.demo.model import make_entity
from usalama.demo.names import (
    CHRISTIAN_FEMALE,
    CHRISTIAN_MALE,
    COMMUNITIES,
    Community,
    NameParts,
)

__all__ = [
    "MULTI_AGENCY_SHARE",
    "make_calls",
    "make_memberships",
    "make_people",
    "random_name",
    "relationship_records",
]

_COMMUNITY_WEIGHTS = {
    "kikuyu": 20,
    "luo": 13,
    "luhya": 14,
    "kalenjin": 13,
    "kamba": 10,
    "kisii": 6,
    "meru": 6,
    "mijikenda": 5,
    "somali": 5,
    "swahili": 3,
    "arab": 1,
    "ganda": 2.5,
    "tanzania": 2.5,
}
_MUSLIM = {"somali", "swahili", "arab"}
# Where a person is first recorded, and where else they turn up (Kenyan agencies).
_HOME_WEIGHTS = {
    "nps-occurrence-book": 20,
    "nps-arrests": 14,
    "dci-investigations": 18,
    "dci-serious-crime": 4,
    "odpp-case-files": 10,
    "ipoa-complaints": 8,
    "frc-str": 14,
}
_EXTRA_WEIGHTS = {
    "nps-occurrence-book": 14,
    "nps-arrests": 14,
    "dci-investigations": 20,
    "dci-serious-crime": 5,
    "odpp-case-files": 14,
    "ipoa-complaints": 4,
    "frc-str": 14,
    "upf-cross-border": 4,
    "tpf-cross-border": 4,
}
_PARTNER_COLLECTION = {"UPF": "upf-cross-border", "TPF": "tpf-cross-border"}
MULTI_AGENCY_SHARE = 0.12


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def random_name(community: Community, gender: str, rng: random.Random) -> NameParts:
    """A realistic name for someone of ``community``.

    Kenyan Christians usually put an English given name before a community name
    ("Mary Wanjiku Kamau"); Somali, Swahili and Arabic-origin names are patronymic
    ("Mohamed Abdi Hassan": own, father's and grandfather's given names).
    """
    own = community.male if gender == "male" else community.female
    christian = CHRISTIAN_MALE if gender == "male" else CHRISTIAN_FEMALE
    if community.key in _MUSLIM:
        father = rng.choice(community.male)
        return NameParts(rng.choice(own), father, rng.choice(community.surnames))
    if rng.random() < community.christian_share:
        middle = rng.choice(own) if rng.random() < 0.8 else None
        return NameParts(rng.choice(christian), middle, rng.choice(community.surnames))
    middle = rng.choice(own) if rng.random() < 0.4 else None
    given = rng.choice(own)
    if middle == given:
        middle = None
    return NameParts(given, middle, rng.choice(community.surnames))


def _relative_name(base: TruePerson, relation: str, gender: str, rng: random.Random) -> NameParts:
    """A name for a new relative of ``base``: siblings and children share the family
    name (Somali children carry the father's names one step on)."""
    fresh = random_name(base.community, gender, rng)
    patronymic = base.community.key in _MUSLIM
    if relation == "sibling":
        if patronymic:
            return NameParts(fresh.given, base.name.middle, base.name.surname)
        return NameParts(fresh.given, fresh.middle, base.name.surname)
    if relation == "child":
        if patronymic:
            return NameParts(fresh.given, base.name.given, base.name.middle or base.name.surname)
        return NameParts(fresh.given, fresh.middle, base.name.surname)
    # spouse: about half of wives take the husband's surname
    if gender == "female" and rng.random() < 0.5 and not patronymic:
        return NameParts(fresh.given, fresh.middle, base.name.surname)
    return fresh


_LABELS = {
    ("sibling", "male"): "brother",
    ("sibling", "female"): "sister",
    ("child", "male"): "son",
    ("child", "female"): "daughter",
    ("spouse", "male"): "husband",
    ("spouse", "female"): "wife",
}


def make_people(b: WorldBuilder, count: int) -> list[tuple[TruePerson, TruePerson, str]]:
    """Create ``count`` true people with their records; returns family links as
    ``(person, relative, label)`` where ``label`` is the relative's role."""
    rng = b.rng
    by_community = {c.key: c for c in COMMUNITIES}
    families: list[tuple[TruePerson, TruePerson, str]] = []
    start = len(b.people)
    for _ in range(count):
        earlier = [p for p in b.people[max(start, len(b.people) - 200) :] if not p.reserved]
        if earlier and rng.random() < 0.15:
            base = rng.choice(earlier)
            relation = rng.choice(("sibling", "child", "spouse"))
            if relation == "spouse":
                gender = "female" if base.gender == "male" else "male"
            else:
                gender = rng.choice(("male", "female"))
            name = _relative_name(base, relation, gender, rng)
            birth = base.birth_date + timedelta(
                days={
                    "sibling": rng.randint(-3000, 3000),
                    "child": rng.randint(6800, 12000),
                    "spouse": rng.randint(-2500, 2500),
                }[relation]
            )
            birth = min(birth, date(2007, 12, 31))
            person = b.new_person(
                base.community,
                gender,
                name,
                birth_date=birth,
                county=base.county if base.country == "KE" else None,
            )
            families.append((base, person, _LABELS[(relation, gender)]))
            # relatives are usually first met where the family is already on file
            _write_person_records(b, person, next(iter(base.records)))
            continue
        else:
            community = by_community[_pick(rng, _COMMUNITY_WEIGHTS)]
            gender = rng.choice(("male", "female"))
            person = b.new_person(community, gender, random_name(community, gender, rng))
        _write_person_records(b, person)
    return families


def _write_person_records(
    b: WorldBuilder,
    person: TruePerson,
    home: str | None = None,
) -> None:
    rng = b.rng
    partner = COUNTRY_AGENCY.get(person.country)
    if home is None:
        home = _PARTNER_COLLECTION[partner] if partner else _pick(rng, _HOME_WEIGHTS)
    home_id = b.person_record(person, home, first=True)
    _address_for(b, person, home, home_id)
    if rng.random() < MULTI_AGENCY_SHARE:
        extra = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
        options = {k: w for k, w in _EXTRA_WEIGHTS.items() if k != home}
        for _ in range(extra):
            collection = _pick(rng, options)
            options.pop(collection, None)
            b.person_record(person, collection)
    elif rng.random() < 0.03:  # the same agency recorded them twice
        b.person_record(person, home)


def _address_for(b: WorldBuilder, person: TruePerson, collection: str, person_id: str) -> None:
    """Give a person's first record an ``Address`` entity with coordinates."""
    address_id = b.address_entity(
        collection,
        full_address(person),
        person.town,
        person.county,
        person.country,
        person.lat,
        person.lon,
    )
    record = b.records[-2].entity  # the person record written just before the address
    assert record["id"] == person_id
    record["properties"]["addressEntity"] = [address_id]


def relationship_records(
    b: WorldBuilder,
    families: list[tuple[TruePerson, TruePerson, str]],
) -> None:
    """``Family`` links where the first person is on file, and random ``Associate``s."""
    rng = b.rng
    for person, relative, label in families:
        collection = next(iter(person.records))
        eid = b.new_id(COLLECTION_AGENCY[collection], "fam")
        b.add(
            collection,
            make_entity(
                "Family",
                eid,
                {
                    "person": b.ensure_person(person, collection),
                    "relative": b.ensure_person(relative, collection),
                    "relationship": label,
                },
            ),
        )
    pool = [p for p in b.people if not p.reserved and p.country == "KE"]
    for _ in range(len(pool) // 10):
        one, two = rng.sample(pool, 2)
        collection = rng.choice(
            ("dci-investigations", "nps-arrests", "dci-serious-crime", "odpp-case-files")
        )
        eid = b.new_id(COLLECTION_AGENCY[collection], "aso")
        b.add(
            collection,
            make_entity(
                "Associate",
                eid,
                {
                    "person": b.ensure_person(one, collection),
                    "associate": b.ensure_person(two, collection),
                    "relationship": rng.choice(
                        (
                            "business partner",
                            "friend",
                            "co-accused",
                            "neighbour",
                            "colleague",
                            "boda boda partner",
                        )
                    ),
                },
            ),
        )


def make_calls(b: WorldBuilder, count: int) -> None:
    """``Call`` records (from DCI call-data requests) between people DCI holds."""
    rng = b.rng
    collection = "dci-investigations"
    pool = [p for p in b.people if not p.reserved and collection in p.records]
    if len(pool) < 2:
        return
    pairs = [tuple(rng.sample(pool, 2)) for _ in range(max(1, count // 4))]
    for _ in range(count):
        caller, receiver = rng.choice(pairs)
        when = datetime(2024, 1, 1) + timedelta(seconds=rng.randrange(0, 540 * 86400))
        b.add(
            collection,
            make_entity(
                "Call",
                b.new_id("DCI", "cal"),
                {
                    "caller": caller.records[collection][0],
                    "callerNumber": caller.phones[0],
                    "receiver": receiver.records[collection][0],
                    "receiverNumber": receiver.phones[0],
                    "date": when.isoformat(),
                    "duration": str(rng.randrange(5, 1800)),
                },
            ),
        )


_GROUPS = (
    "Eastlands Boda Boda SACCO",
    "Nyali Beach Traders Association",
    "Kondele Youth Group",
    "Githurai Matatu Operators SACCO",
    "Eldoret Grain Traders Chama",
    "Likoni Fishermen Cooperative",
    "Kisumu Jua Kali Association",
    "Mlolongo Transporters Welfare Group",
)


def make_memberships(b: WorldBuilder) -> None:
    """Fictional SACCOs, chamas and associations (``Organization``) with members."""
    rng = b.rng
    pool = [p for p in b.people if not p.reserved and p.country == "KE"]
    for group in _GROUPS:
        collection = rng.choice(("nps-occurrence-book", "dci-investigations"))
        agency = COLLECTION_AGENCY[collection]
        oid = b.add(
            collection,
            make_entity(
                "Organization",
                b.new_id(agency, "org"),
                {
                    "name": group,
                    "country": "ke",
                    "legalForm": "Self-help group",
                },
            ),
        )
        for member in rng.sample(pool, min(len(pool), rng.randint(4, 14))):
            b.add(
                collection,
                make_entity(
                    "Membership",
                    b.new_id(agency, "mem"),
                    {
                        "member": b.ensure_person(member, collection),
                        "organization": oid,
                        "role": rng.choice(
                            ("member", "member", "chairperson", "treasurer", "secretary")
                        ),
                    },
                ),
            )
