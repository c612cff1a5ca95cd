"""Demo stage: grants between agencies, so that pooling can be seen.

Each grant lets an agency read another's collection (read only; writes stay with the owner).
The NPS reads DCI's investigation files, both FRC collections and the partner police forces'
cross-border requests; the DCI reads the NPS Occurrence Book, the partners' requests and the FRC's
suspicious transaction reports. The UPF and TPF collections are therefore visible to
NPS and DCI analysts.

One NPS arrest record is added: the cross-agency suspect (the planted man whom DCI, FRC and
UPF each hold under another spelling) arrested in Eastleigh with two phones on him, his
Kenyan and his Ugandan number. From that NPS record the NPS analyst's link chart reaches the
DCI and FRC records (same Kenyan phone) and the UPF record (same Ugandan phone), each hop
with its provenance. (The NPS arrests stay with the NPS: the DCI's resolution run, which sees
what the DCI sees, may merge the DCI, FRC and UPF records of that man into one node, and the
NPS arrest then links to that node by both phones.)
"""

from __future__ import annotations

import hashlib
from typing import Any

from usalama.audit.services import Actor, record
from usalama.demo.stages import DemoContext, Tip
from usalama.records import services as records
from usalama.records.models import CollectionGrant, Source

ACTOR = Actor(name="demo")
# (collection key, agency that may read it)
GRANTS: tuple[tuple[str, str], ...] = (
    ("dci-investigations", "NPS"),
    ("frc-str", "NPS"),
    ("frc-beneficial-ownership", "NPS"),
    ("upf-cross-border", "NPS"),
    ("tpf-cross-border", "NPS"),
    ("nps-occurrence-book", "DCI"),
    ("upf-cross-border", "DCI"),
    ("tpf-cross-border", "DCI"),
    ("dci-investigations", "FRC"),
    ("frc-str", "DCI"),
)
# H3 collections open to a recipient's user only after that user has accepted the
# originator's conditions (docs/sharing.md): the demo's analysts have accepted them, so their
# pooled link charts reach the FRC's reports; the acknowledgement is in the dissemination log.
ACKNOWLEDGED: tuple[tuple[str, str], ...] = (
    ("frc-str", "nps.analyst"),
    ("frc-str", "dci.analyst"),
)

POOLED_COLLECTION = "nps-arrests"
POOLED_SOURCE = "demo: pooled suspect arrested in Eastleigh"


def pooled_suspect_id(seed: int) -> str:
    return "nps-per-pooled-" + hashlib.sha256(f"pooled:{seed}".encode()).hexdigest()[:16]


def _grant(context: DemoContext, key: str, agency_code: str) -> None:
    collection = context.collections.get(key)
    agency = context.agencies.get(agency_code)
    if collection is None or agency is None:
        return
    grant, created = CollectionGrant.objects.get_or_create(
        collection=collection, agency=agency, defaults={"granted_by": ACTOR.name}
    )
    if created:
        record(
            ACTOR,
            "collection.grant",
            object_type="collection",
            object_id=collection.pk,
            details={"agency": agency_code, "collection": key, "grant": grant.pk},
        )


def _acknowledge(context: DemoContext, key: str, username: str) -> None:
    from usalama.sharing import services as sharing

    collection = context.collections.get(key)
    user = context.users.get(username)
    if collection is None or user is None or collection.handling != "H3":
        return
    grant = CollectionGrant.objects.filter(collection=collection, agency_id=user.agency_id).first()
    if grant is not None:
        sharing.acknowledge(user, grant.pk)  # idempotent: a second run records nothing


def _pooled_suspect(context: DemoContext) -> dict[str, Any]:
    scenario = context.world.scenarios["cross_agency_suspect"]
    dci = context.world.record(scenario["records"]["DCI"]).entity["properties"]
    props: dict[str, list[str]] = {
        "name": [scenario["names"]["DCI"]],
        "firstName": dci.get("firstName", []),
        "lastName": dci.get("lastName", []),
        "gender": dci.get("gender", []),
        "birthDate": dci.get("birthDate", []),
        "nationality": ["ke"],
        "phone": [scenario["phones"]["DCI"], scenario["phones"]["UPF"]],
        "address": ["Eastleigh, Kamukunji, Nairobi, Kenya"],
        "notes": ["Arrested at a roadblock on First Avenue Eastleigh; two phones on him."],
    }
    return {
        "id": pooled_suspect_id(context.seed),
        "schema": "Person",
        "properties": {k: v for k, v in props.items() if v},
    }


def populate(context: DemoContext) -> list[Tip]:
    for key, agency_code in GRANTS:
        _grant(context, key, agency_code)
    for key, username in ACKNOWLEDGED:
        _acknowledge(context, key, username)
    collection = context.collections.get(POOLED_COLLECTION)
    if collection is None or "cross_agency_suspect" not in context.world.scenarios:
        return []
    entity = _pooled_suspect(context)
    fingerprint = hashlib.sha256(repr(sorted(entity["properties"].items())).encode()).hexdigest()
    done = Source.objects.filter(
        collection=collection,
        kind=Source.Kind.DEMO,
        name=POOLED_SOURCE,
        sha256=fingerprint,
        completed_at__isnull=False,
    ).exists()
    if not done:
        source = records.ensure_source(
            collection,
            kind=Source.Kind.DEMO,
            name=POOLED_SOURCE,
            sha256=fingerprint,
            importer="usalama.demo",
            importer_version="1",
            created_by=ACTOR.name,
        )
        records.ingest_entities(ACTOR, collection, source, [(entity, "1")])
        records.mark_source_complete(source)
    name = entity["properties"]["name"][0]
    return [
        Tip(
            "nps.analyst",
            f"Link chart: start from {name} (NPS arrests) and expand one hop — his DCI, FRC "
            "and UPF records join through grants, each link with its source.",
        ),
        Tip(
            "dci.analyst",
            "Records: the Uganda and Tanzania police cross-border requests are shared with you.",
        ),
    ]
