"""The demo world: determinism, counts, formats, FtM validity."""

from __future__ import annotations

import re
from collections import Counter

import phonenumbers
import pytest
from followthemoney import model

from usalama.demo import DemoWorld, generate_world
from usalama.demo.formats import BRS_RE, KRA_PIN_RE
from usalama.demo.model import AGENCIES, COLLECTIONS


def test_same_seed_gives_identical_world(world: DemoWorld) -> None:
    again = generate_world(seed=7, people=5000)
    assert again.to_json() == world.to_json()


def test_different_seed_differs() -> None:
    a = generate_world(seed=1, people=300)
    b = generate_world(seed=2, people=300)
    assert a.digest() != b.digest()
    assert not {r.id for r in a.records} & {r.id for r in b.records}


def test_counts(world: DemoWorld) -> None:
    schemata = Counter(r.schema for r in world.records)
    assert schemata["Person"] >= 5000
    for schema in (
        "Company",
        "BankAccount",
        "CryptoWallet",
        "Payment",
        "Call",
        "Family",
        "Associate",
        "Directorship",
        "Ownership",
        "Membership",
        "Address",
    ):
        assert schemata[schema] > 0, schema
    codes = {a.code for a in world.agencies}
    assert {"NPS", "DCI", "ODPP", "IPOA", "FRC", "UPF", "TPF"} <= codes
    used = {
        c.agency for c in world.collections if any(r.collection == c.key for r in world.records)
    }
    assert used == codes


def test_share_of_people_known_to_several_agencies(world: DemoWorld) -> None:
    agency = {c.key: c.agency for c in world.collections}
    seen: dict[str, set[str]] = {}
    for record in world.by_schema("Person"):
        seen.setdefault(world.truth[record.id], set()).add(agency[record.collection])
    multi = sum(1 for agencies in seen.values() if len(agencies) > 1)
    assert len(seen) >= 5000
    assert 0.25 <= multi / len(seen) <= 0.7


def test_ids_unique_and_every_reference_resolves(world: DemoWorld) -> None:
    ids = [r.id for r in world.records]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for record in world.records:
        schema = model.get(record.schema)
        assert schema is not None
        for name, values in record.entity["properties"].items():
            if schema.properties[name].type.name == "entity":
                assert set(values) <= known, (record.id, name)


def test_every_entity_validates_against_ftm(world: DemoWorld) -> None:
    for record in world.records:
        proxy = model.get_proxy(record.entity, cleaned=False)
        assert proxy.id == record.id
        assert proxy.to_dict()["properties"] == record.entity["properties"], record.id


def test_collections_have_valid_grading() -> None:
    for c in COLLECTIONS:
        assert c.reliability in {"A", "B", "C", "X"}
        assert 1 <= c.assessment <= 4
        assert c.handling in {"H0", "H1", "H2", "H3"}
        assert c.tlp in {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
        assert c.agency in {a.code for a in AGENCIES}


def test_formats(world: DemoWorld) -> None:
    regions = Counter()
    for record in world.records:
        props = record.entity["properties"]
        for phone in props.get("phone", []) + props.get("callerNumber", []):
            number = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(number), phone
            region = phonenumbers.region_code_for_number(number)
            assert region in {"KE", "UG", "TZ"}
            regions[region] += 1
        if record.schema == "Person":
            for pin in props.get("taxNumber", []):
                assert KRA_PIN_RE.match(pin) and pin[0] == "A", pin
            for national in props.get("idNumber", []):
                assert re.fullmatch(r"\d{7,8}", national), national
        if record.schema == "Company":
            for reg in props.get("registrationNumber", []):
                assert BRS_RE.match(reg), reg
            for pin in props.get("taxNumber", []):
                assert KRA_PIN_RE.match(pin) and pin[0] == "P", pin
        if record.schema == "BankAccount" and props.get("accountType") == ["mobile money"]:
            assert phonenumbers.is_valid_number(phonenumbers.parse(props["accountNumber"][0]))
    assert regions["KE"] and regions["UG"] and regions["TZ"]


def test_person_records_have_truth_and_first_names_are_complete(world: DemoWorld) -> None:
    for record in world.records:
        if record.schema in ("Person", "Company"):
            assert record.id in world.truth
            assert record.entity["properties"]["name"][0].strip()


def test_addresses_have_kenyan_coordinates(world: DemoWorld) -> None:
    for record in world.by_schema("Address"):
        props = record.entity["properties"]
        lat, lon = float(props["latitude"][0]), float(props["longitude"][0])
        assert -12 < lat < 5 and 28 < lon < 42


@pytest.mark.parametrize("people", [10, 50])
def test_small_worlds_work(people: int) -> None:
    world = generate_world(seed=3, people=people)
    assert set(world.scenarios) == {"cross_agency_suspect", "hidden_path", "layering"}
