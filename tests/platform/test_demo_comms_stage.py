"""The demo's communications stage: the layering network's calls, a seized phone's chat and
cell sites; co-location finds the planted meeting (and not the decoys); idempotent."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_stage_plants_a_meeting_that_colocation_finds(world: dict[str, Any]) -> None:
    from rich.console import Console

    from usalama.comms import services
    from usalama.demo import generate_world
    from usalama.demo.stage_comms import COLLECTION, SUSPECT, populate
    from usalama.demo.stages import STAGES, DemoContext
    from usalama.records.models import Collection, Statement

    assert any(target == "usalama.demo.stage_comms:populate" for _, target in STAGES)
    demo = generate_world(seed=7, people=200)
    analyst = world["users"]["dci.analyst"]
    context = DemoContext(
        seed=7,
        people=200,
        world=demo,
        agencies=world["agencies"],
        collections={},
        users={"dci.analyst": analyst},
        console=Console(quiet=True),
    )
    tips = populate(context)
    statements = Statement.objects.filter(collection__key=COLLECTION).count()
    populate(context)  # idempotent
    assert Statement.objects.filter(collection__key=COLLECTION).count() == statements
    assert {tip.username for tip in tips} == {"dci.analyst", "dci.supervisor"}
    assert any(SUSPECT in tip.text for tip in tips)
    collection = Collection.objects.get(key=COLLECTION)
    result = services.analyse(analyst, collection.pk)
    layering = demo.scenarios["layering"]
    phones = {
        r.id: r.entity["properties"]["phone"][0]
        for r in demo.records
        if r.id in (layering["principal"], layering["collector"])
    }
    top = result.meetings[0]
    assert {top["a"], top["b"]} == set(phones.values()) and top["meetings"] == 3
    assert all(m["meetings"] < 3 for m in result.meetings[1:])
    assert len(result.map_data["meetings"]) == 3
    assert any(len(n["imeis"]) == 2 for n in result.switched_numbers)  # the burner handset
    messages = Statement.objects.filter(
        collection__key=COLLECTION, schema="Message", prop="bodyText"
    )
    assert messages.count() == 8
    # the path: the principal's number → calls and a transfer → Mama Njeri's line → Hassan's
    # transfers into her M-Pesa wallet → Hassan
    from usalama.analysis.comms.ftm import entity_id, phone_entity
    from usalama.network import services as network

    network_path = network.find_path(
        analyst, phone_entity(phones[layering["principal"]])["id"], entity_id("person", SUSPECT)
    )
    (path,) = network_path["paths"]
    relations = [{e["relation"] for e in hop["edges"]} for hop in path["hops"]]
    assert relations == [{"Call", "Payment"}, {"Payment"}]
    wallets = Statement.objects.filter(
        collection__key=COLLECTION, schema="BankAccount", prop="bankName"
    )
    assert wallets.count() == 3 and {w.value for w in wallets} == {"M-Pesa (Safaricom)"}
