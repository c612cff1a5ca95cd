"""Sharing inside one installation: grants with terms, revocation, requests for
information, the dissemination log, H3 acknowledgement, H1 evidence permission."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.platform.clients import PASSWORD, log_in
from tests.platform.sharing_helpers import add_supervisors, sees
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, Any]:
    return add_supervisors(world, "DCI", "NPS")


def _grant(people: dict[str, Any], world: dict[str, Any], **terms: Any) -> Any:
    from usalama.sharing import services

    return services.grant_collection(
        people["dci.supervisor"],
        collection_id=world["collections"]["dci"].pk,
        agency_code="NPS",
        purpose=terms.pop("purpose", "Operation Pwani"),
        **terms,
    )


def test_grant_opens_and_revocation_closes_at_once(people: Any, world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.sharing import services

    analyst = people["nps.analyst"]
    assert not sees(analyst, "dci-p1")
    grant = _grant(people, world, expires_at=timezone.now() + timedelta(days=3))
    assert sees(analyst, "dci-p1")
    services.revoke_grant(people["dci.supervisor"], grant.pk)
    assert not sees(analyst, "dci-p1")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sharing.grant", "sharing.revoke"} <= actions
    kinds = [e.kind for e in services.dissemination_log(people["dci.supervisor"])]
    assert kinds == ["revoked", "read", "granted"]


def test_expired_grant_stops_counting(people: Any, world: Any) -> None:
    from usalama.records.models import CollectionGrant

    grant = _grant(people, world, expires_at=timezone.now() + timedelta(hours=1))
    assert sees(people["nps.analyst"], "dci-p1")
    CollectionGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not sees(people["nps.analyst"], "dci-p1")


def test_recipient_cannot_reshare_and_refusal_is_logged(people: Any, world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.records.models import CollectionGrant
    from usalama.sharing import services
    from usalama.sharing.models import DisseminationEvent

    _grant(people, world)
    with pytest.raises(PermissionDenied, match="DCI"):
        services.grant_collection(
            people["nps.supervisor"],
            collection_id=world["collections"]["dci"].pk,
            agency_code="ODPP",
            purpose="passing it on",
        )
    assert not CollectionGrant.objects.filter(agency__code="ODPP").exists()
    assert AuditEvent.objects.filter(
        action="sharing.grant.refused", actor="nps.supervisor"
    ).exists()
    assert DisseminationEvent.objects.filter(kind="refused_onward").count() == 1


def test_only_supervisors_of_the_owner_grant_or_revoke(people: Any, world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.sharing import services

    with pytest.raises(PermissionDenied):
        services.grant_collection(
            people["dci.analyst"],
            collection_id=world["collections"]["dci"].pk,
            agency_code="NPS",
            purpose="x",
        )
    grant = _grant(people, world)
    with pytest.raises(NotFound):
        services.revoke_grant(people["nps.supervisor"], grant.pk)
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert AuditEvent.objects.filter(action="sharing.revoke.refused").count() == 1


def test_bad_terms_are_refused_naming_the_field(people: Any, world: Any) -> None:
    with pytest.raises(InvalidInput, match="purpose"):
        _grant(people, world, purpose="  ")
    with pytest.raises(InvalidInput, match="expiry"):
        _grant(people, world, expires_at=timezone.now() - timedelta(days=1))


def test_h3_needs_acknowledgement_per_user(people: Any, world: Any) -> None:
    from usalama.sharing import services

    dci = world["collections"]["dci"]
    dci.handling = "H3"
    dci.save()
    grant = _grant(people, world, conditions="Not to be shown to suspects")
    analyst, supervisor = people["nps.analyst"], people["nps.supervisor"]
    assert not sees(analyst, "dci-p1")
    received = services.grants_received(analyst)
    assert received[0].needs_acknowledgement
    services.acknowledge(analyst, grant.pk)
    assert sees(analyst, "dci-p1")
    assert not sees(supervisor, "dci-p1")  # each user acknowledges for themself
    with pytest.raises(NotFound):
        services.acknowledge(people["odpp.prosecutor"], grant.pk)


def test_request_approved_creates_grant_and_notifies(people: Any, world: Any) -> None:
    from usalama.sharing import services
    from usalama.sharing.models import Notification

    analyst, supervisor = people["nps.analyst"], people["dci.supervisor"]
    holders = services.holders(analyst, "Mohammed Hassan Abdi")
    assert [(h.agency_code, h.count) for h in holders] == [("DCI", 1)]
    rfi = services.send_request(
        analyst, originator_code="DCI", subject="Mohammed Hassan Abdi", purpose="robbery"
    )
    assert Notification.objects.filter(user=supervisor).count() == 1
    assert services.inbox(supervisor).incoming == [rfi]
    assert services.inbox(analyst).outgoing == [rfi]
    with pytest.raises(NotFound):
        services.decide_request(
            people["nps.supervisor"],
            rfi.pk,
            decision="approved",
            collection_id=world["collections"]["nps"].pk,
        )
    expiry = timezone.now() + timedelta(days=5)
    services.decide_request(
        supervisor,
        rfi.pk,
        decision="approved",
        collection_id=world["collections"]["dci"].pk,
        expires_at=expiry,
    )
    rfi.refresh_from_db()
    assert rfi.status == "approved" and rfi.grant.expires_at == expiry
    assert sees(analyst, "dci-p1")
    notices = Notification.objects.filter(user=analyst)
    notice = next(n for n in notices if n.message.endswith("your request: %(subject)s"))
    # stored once, read in the reader's language
    from django.utils import translation

    with translation.override("en"):
        assert notice.text == "DCI approved your request: Mohammed Hassan Abdi"
    with translation.override("sw"):
        assert notice.text == "DCI imekubali ombi lako: Mohammed Hassan Abdi"
    asked = Notification.objects.get(user=supervisor)
    with translation.override("sw"):
        assert asked.text == "NPS inaomba taarifa: Mohammed Hassan Abdi"
    assert services.holders(analyst, "Mohammed Hassan Abdi") == []
    with pytest.raises(InvalidInput):
        services.decide_request(supervisor, rfi.pk, decision="refused", note="again")


def test_refusal_needs_a_note_and_grants_nothing(people: Any, world: Any) -> None:
    from usalama.records.models import CollectionGrant
    from usalama.sharing import services

    rfi = services.send_request(
        people["nps.analyst"], originator_code="DCI", subject="x", purpose="y"
    )
    with pytest.raises(InvalidInput, match="note"):
        services.decide_request(people["dci.supervisor"], rfi.pk, decision="refused")
    services.decide_request(
        people["dci.supervisor"], rfi.pk, decision="refused", note="ongoing operation"
    )
    assert not CollectionGrant.objects.exists()


def test_h1_evidence_needs_permission_per_statement(people: Any, world: Any) -> None:
    from usalama.records.models import CollectionGrant
    from usalama.sharing import services

    CollectionGrant.objects.create(
        collection=world["collections"]["nps"], agency=world["agencies"]["DCI"], granted_by="t"
    )
    dci_analyst = people["dci.analyst"]
    verdict = services.may_use_as_evidence(dci_analyst, "nps-p1")
    assert not verdict.allowed and verdict.ask == ["NPS"]
    assert services.may_use_as_evidence(people["nps.analyst"], "nps-p1").allowed
    services.permit_evidence_use(
        people["nps.supervisor"], collection_id=world["collections"]["nps"].pk, agency_code="DCI"
    )
    assert services.may_use_as_evidence(dci_analyst, "nps-p1").allowed
    with pytest.raises(NotFound):
        services.may_use_as_evidence(people["odpp.prosecutor"], "nps-p1")


def test_pages_request_approve_revoke(people: Any, world: Any) -> None:
    from usalama.sharing.models import InformationRequest

    analyst, supervisor = log_in("nps.analyst"), log_in("dci.supervisor")
    page = analyst.get("/sharing/holders/", {"q": "Mohammed Hassan Abdi"})
    assert page.status_code == 200 and b"DCI" in page.content
    sent = analyst.post(
        "/sharing/requests/new/",
        {"agency": "DCI", "subject": "Mohammed Hassan Abdi", "purpose": "robbery"},
    )
    assert sent.status_code == 302
    rfi = InformationRequest.objects.get()
    assert b"Mohammed Hassan Abdi" in supervisor.get("/sharing/requests/").content
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    decided = supervisor.post(
        f"/sharing/requests/{rfi.pk}/decide/",
        {"decision": "approved", "collection": world["collections"]["dci"].pk, "expires": day},
    )
    assert decided.status_code == 302
    assert analyst.get("/entities/dci-p1/").status_code == 200
    rfi.refresh_from_db()
    # the recipient may not revoke: 404, nothing changes
    assert analyst.post(f"/sharing/grants/{rfi.grant_id}/revoke/").status_code == 404
    assert supervisor.post(f"/sharing/grants/{rfi.grant_id}/revoke/").status_code == 302
    assert analyst.get("/entities/dci-p1/").status_code == 404
    log = supervisor.get("/sharing/log/").content.decode()
    for kind in ("requested", "approved", "granted", "read", "revoked"):
        assert f'data-kind="{kind}"' in log
    for path in ("/sharing/", "/sharing/requests/", f"/sharing/requests/{rfi.pk}/"):
        assert analyst.get(path).status_code == 200
    assert log_in("odpp.prosecutor").get(f"/sharing/requests/{rfi.pk}/").status_code == 404


def test_oversight_files_never_answer_a_hit_notice(people: Any, world: Any) -> None:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records import services as records
    from usalama.records.models import Source
    from usalama.sharing import services

    actor = Actor(name="test")
    ipoa = accounts.ensure_agency(actor, code="IPOA", name="IPOA", country="KE", kind="oversight")
    accounts.create_user(
        actor, username="ipoa.x", agency=ipoa, roles=["oversight_investigator"], password=PASSWORD
    )
    complaints = records.ensure_collection(actor, key="ipoa-c", agency=ipoa, label="Complaints")
    source = records.ensure_source(
        complaints,
        kind=Source.Kind.MANUAL,
        name="c",
        sha256="1" * 64,
        importer="t",
        importer_version="1",
        created_by="t",
    )
    records.ingest_entities(
        actor,
        complaints,
        source,
        [({"id": "ipoa-p1", "schema": "Person", "properties": {"name": ["Wanjiku Kamau"]}}, "1")],
    )
    found = services.holders(people["dci.analyst"], "Wanjiku Kamau")
    assert [h.agency_code for h in found] == ["NPS"]
