"""Authorization-matrix rows for grants of entity selections and of cases (issue #16).

Objects: DCI granted its entity ``dci-p1`` to ODPP (``sharing_entity_grant_id``; revoked by
``revoke``), ODPP granted one of its own entities to DCI with H3 material
(``sharing_received_entity_grant_id``: DCI acknowledges, the grantor and a stranger cannot),
and DCI shared a case read-only with ODPP from the Sharing page (``sharing_case_share_id``).
The grant forms name their objects in the body: a grantee (ODPP sees ``dci-p1`` under the
collection grant) is refused naming DCI (403), a stranger gets 404.
"""

from __future__ import annotations

from typing import Any

from tests.platform.matrix_support import READ, SIGNED_IN, WRITE, AreaContext, Rule

ENTITY_GRANT = {"grant_id": "sharing_entity_grant_id"}
CASE_SHARE = {"grant_id": "sharing_case_share_id"}
_ENTITY_BODY: dict[str, Any] = {"entity": ["dci-p1"], "agency": "ODPP", "purpose": "joint case"}
_CASE_BODY: dict[str, Any] = {"case": "", "agency": "ODPP", "purpose": "joint case"}
_API_ENTITY_BODY: dict[str, Any] = {"entities": ["dci-p1"], "agency": "ODPP", "purpose": "joint"}
_API_CASE_BODY: dict[str, Any] = {"case": "", "agency": "ODPP", "purpose": "joint case"}

RULES: dict[str, Rule] = {
    "web GET sharing/entities/new/": Rule(SIGNED_IN, query={"q": "hassan"}),
    "web POST sharing/entities/new/": Rule(SIGNED_IN, body=_ENTITY_BODY),
    "web GET sharing/entities/<int:grant_id>/": Rule(READ, rename=ENTITY_GRANT),
    "web POST sharing/entities/<int:grant_id>/revoke/": Rule(WRITE, rename=ENTITY_GRANT),
    "web POST sharing/entities/<int:grant_id>/acknowledge/": Rule(
        WRITE, rename={"grant_id": "sharing_received_entity_grant_id"}
    ),
    "web POST sharing/cases/grant/": Rule(WRITE, body=_CASE_BODY),
    "web POST sharing/cases/<int:share_id>/revoke/": Rule(
        WRITE, rename={"share_id": "sharing_case_share_id"}
    ),
    "POST /api/v1/sharing/entity-grants": Rule(WRITE, body=_API_ENTITY_BODY),
    "GET /api/v1/sharing/entity-grants/{grant_id}": Rule(READ, rename=ENTITY_GRANT),
    "POST /api/v1/sharing/entity-grants/{grant_id}/revoke": Rule(WRITE, rename=ENTITY_GRANT),
    "POST /api/v1/sharing/case-grants": Rule(WRITE, body=_API_CASE_BODY),
    "POST /api/v1/sharing/case-grants/{grant_id}/revoke": Rule(WRITE, rename=CASE_SHARE),
}

POST_ONLY_VIEWS = {
    "sharing/entities/<int:grant_id>/revoke/",
    "sharing/entities/<int:grant_id>/acknowledge/",
    "sharing/cases/grant/",
    "sharing/cases/<int:share_id>/revoke/",
}
GET_AND_POST_VIEWS = {"sharing/entities/new/"}


def build(context: AreaContext) -> dict[str, str]:
    from usalama.cases import services as cases
    from usalama.records import services as records
    from usalama.records.models import Source, Statement
    from usalama.sharing import services as sharing

    odpp = context.agencies["ODPP"]
    analyst = context.users[("analyst", "own")]
    supervisor = context.users[("supervisor", "own")]
    odpp_supervisor = context.users[("supervisor", "granted")]

    given = sharing.grant_entities(
        supervisor, entity_ids=["dci-p1"], agency_code="ODPP", purpose="joint case"
    )
    theirs = records.ensure_collection(
        context.actor, key="odpp-entities", agency=odpp, label="ODPP entities", handling="H3"
    )
    source = records.ensure_source(
        theirs,
        kind=Source.Kind.MANUAL,
        name="matrix",
        sha256="1" * 64,
        importer="matrix",
        importer_version="1",
        created_by="matrix",
    )
    records.ingest_entities(
        context.actor,
        theirs,
        source,
        [({"id": "odpp-w1", "schema": "Person", "properties": {"name": ["Juma Witness"]}}, "1")],
    )
    assert Statement.objects.filter(entity_id="odpp-w1").exists()
    received = sharing.grant_entities(
        odpp_supervisor, entity_ids=["odpp-w1"], agency_code="DCI", purpose="joint case"
    )
    case = cases.open_case(analyst, title="Matrix case grant")
    _CASE_BODY["case"] = _API_CASE_BODY["case"] = case.reference
    item = sharing.grant_case(
        supervisor, reference=case.reference, agency_code="ODPP", purpose="joint case"
    )
    return {
        "sharing_entity_grant_id": str(given.pk),
        "sharing_received_entity_grant_id": str(received.pk),
        "sharing_case_share_id": str(item.id),
    }


def fingerprint() -> list[Any]:
    from usalama.cases.models import CaseShare
    from usalama.records.models import EntityGrant, EntityGrantAcknowledgement, GrantedEntity

    return [
        list(EntityGrant.objects.order_by("id").values_list("id", "agency_id", "revoked_at")),
        GrantedEntity.objects.count(),
        EntityGrantAcknowledgement.objects.count(),
        list(
            CaseShare.objects.order_by("id").values_list(
                "id", "agency_id", "revoked_at", "read_only", "expires_at", "purpose"
            )
        ),
    ]
