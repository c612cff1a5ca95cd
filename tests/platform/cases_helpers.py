"""A justice world on top of the shared ``world``: the Judiciary, a court clerk, a DCI case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

PASSWORD = "correct horse battery staple 42"


def add_justice(world: dict[str, Any]) -> dict[str, Any]:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.cases import services

    actor = Actor(name="test")
    jud = accounts.ensure_agency(actor, code="JUD", name="Judiciary", country="KE", kind="court")
    clerk = accounts.create_user(
        actor, username="jud.clerk", agency=jud, roles=["court_clerk"], password=PASSWORD
    )
    world["agencies"]["JUD"] = jud
    world["users"]["jud.clerk"] = clerk.user
    world["totp"]["jud.clerk"] = clerk.totp_secret_base32
    from usalama.records import services as records
    from usalama.records.models import Source

    collection = world["collections"]["dci"]
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name="cases.json",
        sha256="1" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    person = {"id": "dci-p2", "schema": "Person", "properties": {"name": ["Otieno Ouma"]}}
    records.ingest_entities(actor, collection, source, [(person, "1")])
    analyst = world["users"]["dci.analyst"]
    case = services.open_case(
        analyst,
        title="Robbery with violence, Kasarani",
        ob_station="Kasarani",
        ob_number="12",
        dci_file="DCI/NRB/2026/77",
    )
    accused = services.add_party(analyst, case, role="accused", entity_id="dci-p1")
    services.add_offence(analyst, case, statute="Penal Code", section="296(2)")
    services.record_event(
        analyst, case, kind="reported", occurred_at=timezone.now() - timedelta(days=10)
    )
    world["case"] = case
    world["accused"] = accused
    return world
