"""Fixtures shared by the database-backed tests: two agencies, users, records."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """NPS and DCI with an analyst each, one collection each, and a few entities."""
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records import services as records
    from usalama.records.models import Source

    actor = Actor(name="test")
    nps = accounts.ensure_agency(
        actor, code="NPS", name="National Police Service", country="KE", kind="police"
    )
    dci = accounts.ensure_agency(
        actor,
        code="DCI",
        name="Directorate of Criminal Investigations",
        country="KE",
        kind="investigations",
    )
    odpp = accounts.ensure_agency(
        actor, code="ODPP", name="Office of the DPP", country="KE", kind="prosecution"
    )
    users = {}
    for username, agency, role in [
        ("nps.analyst", nps, "analyst"),
        ("dci.analyst", dci, "analyst"),
        ("odpp.prosecutor", odpp, "prosecutor"),
        ("nps.wellness", nps, "wellness_counsellor"),
        ("sysadmin", nps, "system_admin"),
    ]:
        users[username] = accounts.create_user(
            actor,
            username=username,
            agency=agency,
            roles=[role],
            password="correct horse battery staple 42",
        )
    nps_col = records.ensure_collection(
        actor,
        key="nps-incidents",
        agency=nps,
        label="NPS incident records",
        reliability="B",
        assessment="2",
        handling="H1",
        tlp="AMBER",
    )
    dci_col = records.ensure_collection(
        actor,
        key="dci-intel",
        agency=dci,
        label="DCI intelligence",
        reliability="C",
        assessment="3",
        handling="H2",
        tlp="RED",
    )
    entities = {
        nps_col: [
            {
                "id": "nps-p1",
                "schema": "Person",
                "properties": {
                    "name": ["Mohamed Abdi Hassan"],
                    "phone": ["+254712345678"],
                    "idNumber": ["23456789"],
                    "taxNumber": ["A123456789Z"],
                    "birthDate": ["1985-03-02"],
                    "country": ["ke"],
                },
            },
            {
                "id": "nps-p2",
                "schema": "Person",
                "properties": {"name": ["Wanjiku Kamau"], "phone": ["+254722000111"]},
            },
            {
                "id": "nps-c1",
                "schema": "Company",
                "properties": {
                    "name": ["Pwani Logistics Limited"],
                    "registrationNumber": ["PVT-AB12CD3"],
                },
            },
            {
                "id": "nps-d1",
                "schema": "Directorship",
                "properties": {
                    "director": ["nps-p1"],
                    "organization": ["nps-c1"],
                    "role": ["Director"],
                },
            },
        ],
        dci_col: [
            {
                "id": "dci-p1",
                "schema": "Person",
                "properties": {"name": ["Mohammed Hassan Abdi"], "phone": ["+254700999888"]},
            },
            {
                "id": "dci-w1",
                "schema": "CryptoWallet",
                "properties": {
                    "publicKey": ["bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"],
                    "currency": ["BTC"],
                },
            },
        ],
    }
    for collection, items in entities.items():
        source = records.ensure_source(
            collection,
            kind=Source.Kind.MANUAL,
            name="fixture.json",
            sha256="0" * 64,
            importer="test",
            importer_version="1",
            created_by="test",
        )
        records.ingest_entities(
            actor, collection, source, [(item, str(i + 1)) for i, item in enumerate(items)]
        )
    return {
        "agencies": {"NPS": nps, "DCI": dci, "ODPP": odpp},
        "users": {k: v.user for k, v in users.items()},
        "totp": {k: v.totp_secret_base32 for k, v in users.items()},
        "collections": {"nps": nps_col, "dci": dci_col},
    }


@pytest.fixture
def token_for(world: dict[str, Any]) -> Any:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    def issue(username: str) -> str:
        return accounts.create_token(Actor(name="test"), world["users"][username]).raw

    return issue


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    # PBKDF2's deliberate slowness is for attackers, not for the test suite. Only tests that
    # use the database ask for Django's settings, so engine tests run without pytest-django.
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks() -> Any:
    """Start every test in English and end it with no language active.

    Django's LocaleMiddleware activates a request's language for the thread and leaves it
    there, so a Swahili request in one test would otherwise change another test's messages.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
