"""Grants of a selection of entities and of a case (issue #16): exactly those entities open
to the recipient on every read path (entity page, search, graph), revocation at once, no
onward dissemination, the dissemination log; a case grant is the cases app's own share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.platform.clients import log_in
from tests.platform.sharing_helpers import add_supervisors, sees
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, Any]:
    return add_supervisors(world, "NPS", "DCI")


def _found(user: Any, query: str) -> set[str]:
    from usalama.records import services as records

    return {hit.entity_id for hit in records.search_entities(user, query)}


def _share(people: dict[str, Any], ids: list[str], **terms: Any) -> Any:
    from usalama.sharing import services

    return services.grant_entities(
        people["nps.supervisor"],
        entity_ids=ids,
        agency_code="DCI",
        purpose=terms.pop("purpose", "Operation Pwani"),
        **terms,
    )


def test_entity_grant_opens_exactly_the_selection_on_every_read_path(people: Any) -> None:
    from usalama.network import services as network
    from usalama.records.models import GrantedEntity
    from usalama.sharing import services

    analyst = people["dci.analyst"]
    assert not sees(analyst, "nps-p1")
    assert "nps-p1" not in _found(analyst, "Mohamed Abdi Hassan")
    grant = _share(people, ["nps-p1", "nps-c1"], expires_at=timezone.now() + timedelta(days=2))
    # the directorship linking only the two came with them; Wanjiku did not
    assert set(GrantedEntity.objects.filter(grant=grant).values_list("entity_id", flat=True)) == {
        "nps-p1",
        "nps-c1",
        "nps-d1",
    }
    assert sees(analyst, "nps-p1") and sees(analyst, "nps-c1")
    assert not sees(analyst, "nps-p2")
    assert "nps-p1" in _found(analyst, "Mohamed Abdi Hassan")
    assert "nps-p2" not in _found(analyst, "Wanjiku Kamau")
    graph = network.expand(analyst, network.ExpandQuery(nodes=["nps-p1"], hops=2))
    assert {n["id"] for n in graph["nodes"]} == {"nps-p1", "nps-c1"}
    assert [e["relation"] for e in graph["edges"]] == ["Directorship"]
    # the originator revokes: every path closes at the next read
    services.revoke_entity_grant(people["nps.supervisor"], grant.pk)
    assert not sees(analyst, "nps-p1")
    assert "nps-p1" not in _found(analyst, "Mohamed Abdi Hassan")
    with pytest.raises(NotFound):
        network.expand(analyst, network.ExpandQuery(nodes=["nps-p1"], hops=1))
    log = services.dissemination_log(people["nps.supervisor"])
    assert [(e.kind, e.entity_grant_id) for e in log if e.kind != "read"][:2] == [
        ("revoked", grant.pk),
        ("granted", grant.pk),
    ]
    reads = {e.entity_id for e in log if e.kind == "read"}
    assert reads == {"nps-p1", "nps-c1"}
    assert all(e.entity_grant_id == grant.pk for e in log if e.kind == "read")


def test_grantee_cannot_pass_on_export_or_write(people: Any, world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.network import services as network
    from usalama.records import exports
    from usalama.records import services as records
    from usalama.records.models import EntityGrant
    from usalama.sharing import services
    from usalama.sharing.models import DisseminationEvent

    _share(people, ["nps-p1"])
    before = EntityGrant.objects.count()
    with pytest.raises(PermissionDenied, match="NPS"):
        services.grant_entities(
            people["dci.supervisor"], entity_ids=["nps-p1"], agency_code="ODPP", purpose="pass on"
        )
    assert EntityGrant.objects.count() == before
    assert DisseminationEvent.objects.filter(kind="refused_onward", entity_id="nps-p1").exists()
    assert AuditEvent.objects.filter(action="sharing.grant_entities.refused").exists()
    # no export: the collection itself is not the grantee's to see
    with pytest.raises(NotFound):
        exports.exportable_collection(people["dci.analyst"], "nps-incidents")
    _body, _type, _name = network.export(people["dci.analyst"], "csv")
    assert "nps-p1" not in _body
    # no write: the grantee's writable collections are its own only
    assert world["collections"]["nps"].pk not in set(
        c.pk for c in records.writable_collections(people["dci.analyst"])
    )


def test_bad_selections_write_nothing(people: Any) -> None:
    from usalama.records.models import EntityGrant
    from usalama.sharing import services

    for ids, error in [
        ([], InvalidInput),
        (["nps-p1", "no-such-entity"], NotFound),
        (["dci-p1"], NotFound),  # another agency's entity the NPS does not see
        (["x" * 201], InvalidInput),
    ]:
        with pytest.raises(error):
            _share(people, ids)
    with pytest.raises(InvalidInput, match="purpose"):
        _share(people, ["nps-p1"], purpose=" ")
    with pytest.raises(InvalidInput, match="future"):
        _share(people, ["nps-p1"], expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.grant_entities(
            people["nps.analyst"], entity_ids=["nps-p1"], agency_code="DCI", purpose="x"
        )
    assert EntityGrant.objects.count() == 0


def test_h3_statement_needs_acknowledgement_per_user(people: Any) -> None:
    from usalama.records.models import Statement
    from usalama.sharing import services

    Statement.objects.filter(entity_id="nps-p2", prop="phone").update(handling="H3")
    grant = _share(people, ["nps-p2"], conditions="Not for operations")
    assert grant.restricted
    analyst = people["dci.analyst"]
    assert not sees(analyst, "nps-p2")
    assert services.get_entity_grant(analyst, grant.pk).needs_acknowledgement
    services.acknowledge_entity_grant(analyst, grant.pk)
    assert sees(analyst, "nps-p2")
    assert not sees(people["dci.supervisor"], "nps-p2")  # each user acknowledges


def test_narrowed_request_grants_only_the_named_entities(people: Any) -> None:
    from usalama.sharing import services

    rfi = services.send_request(
        people["dci.analyst"], originator_code="NPS", subject="Hassan", purpose="Pwani"
    )
    decided = services.decide_request(
        people["nps.supervisor"], rfi.pk, decision="narrowed", entity_ids=["nps-p1"]
    )
    assert decided.entity_grant is not None and decided.grant is None
    assert sees(people["dci.analyst"], "nps-p1")
    assert not sees(people["dci.analyst"], "nps-c1")


def test_case_grant_is_the_case_share_read_only(people: Any, world: Any) -> None:
    from usalama.cases import services as cases
    from usalama.cases.models import CaseShare
    from usalama.sharing import services

    case = cases.open_case(people["nps.analyst"], title="Pwani Logistics fraud")
    analyst = people["dci.analyst"]
    with pytest.raises(NotFound):
        cases.get_case(analyst, case.reference)
    item = services.grant_case(
        people["nps.supervisor"],
        reference=case.reference,
        agency_code="DCI",
        purpose="Joint investigation",
        expires_at=timezone.now() + timedelta(days=5),
    )
    share = CaseShare.objects.get(pk=item.id)
    assert (share.case_id, share.read_only, share.purpose) == (case.pk, True, "Joint investigation")
    assert cases.get_case(analyst, case.reference) == case
    with pytest.raises(PermissionDenied, match="read-only"):
        cases.record_event(analyst, case, kind="reported", occurred_at=timezone.now())
    # a grantee cannot grant the case on
    with pytest.raises(PermissionDenied, match="NPS"):
        services.grant_case(
            people["dci.supervisor"], reference=case.reference, agency_code="ODPP", purpose="on"
        )
    # it shows on both sides' Sharing pages, and revocation is at once
    assert [i.id for i in services.case_grants_received(analyst)] == [share.pk]
    services.revoke_case_grant(people["nps.supervisor"], share.pk)
    with pytest.raises(NotFound):
        cases.get_case(analyst, case.reference)
    with pytest.raises(NotFound):
        services.revoke_case_grant(people["dci.supervisor"], share.pk)
    kinds = [(e.kind, e.subject) for e in services.dissemination_log(people["nps.supervisor"])]
    subject = f"case {case.reference}"
    assert kinds[:3] == [("revoked", subject), ("read", subject), ("granted", subject)]


def test_expired_case_grant_stops_counting(people: Any) -> None:
    from usalama.cases import services as cases
    from usalama.cases.models import CaseShare

    case = cases.open_case(people["nps.analyst"], title="Expiring")
    cases.share_case(people["nps.analyst"], case, "DCI", read_only=True)
    CaseShare.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotFound):
        cases.get_case(people["dci.analyst"], case.reference)


def test_pages_and_api(people: Any) -> None:
    from usalama.records.models import EntityGrant

    supervisor = log_in("nps.supervisor")
    # the link chart offers "Share selected" to those who may share, pointing here
    chart = supervisor.get("/network/").content
    assert b'id="lc-share"' in chart and b'data-url-share="/sharing/entities/new/"' in chart
    assert b'id="lc-share"' not in log_in("nps.analyst").get("/network/").content
    assert b'id="share-entity"' in supervisor.get("/entities/nps-c1/").content
    preselected = supervisor.get("/sharing/entities/new/", {"entity": ["nps-c1"]})
    assert b'value="nps-c1" id="pick-1" checked' in preselected.content
    page = supervisor.get("/sharing/entities/new/", {"q": "Hassan"})
    assert page.status_code == 200 and b'value="nps-p1"' in page.content
    assert b"dci-p1" not in page.content  # only the agency's own entities are offered
    done = supervisor.post(
        "/sharing/entities/new/",
        {"entity": ["nps-p1"], "agency": "DCI", "purpose": "Pwani", "with_links": "on"},
    )
    grant = EntityGrant.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/sharing/entities/{grant.pk}/"
    analyst = log_in("dci.analyst")
    assert analyst.get(f"/sharing/entities/{grant.pk}/").status_code == 200
    assert b"nps-p1" in analyst.get("/entities/nps-p1/").content
    assert log_in("odpp.prosecutor").get(f"/sharing/entities/{grant.pk}/").status_code == 404
    assert analyst.post(f"/sharing/entities/{grant.pk}/revoke/").status_code == 404
    assert supervisor.post(f"/sharing/entities/{grant.pk}/revoke/").status_code == 302
    assert analyst.get("/entities/nps-p1/").status_code == 404
    # the API: bad input is a 4xx naming the problem, and nothing is written
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    raw = accounts.create_token(Actor(name="test"), people["nps.supervisor"]).raw
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    bad = api.post(
        "/api/v1/sharing/entity-grants",
        {"entities": ["nps-p2"], "agency": "NOPE", "purpose": "x"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and b"NOPE" in bad.content
    made = api.post(
        "/api/v1/sharing/entity-grants",
        {"entities": ["nps-p2"], "agency": "DCI", "purpose": "Pwani"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert [e["entity_id"] for e in body["entities"]] == ["nps-p2"] and body["active"]
    assert EntityGrant.objects.count() == 2
    revoked = api.post(f"/api/v1/sharing/entity-grants/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
