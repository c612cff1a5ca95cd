"""Oversight and wellness behaviour: public complaints and follow-up, IPOA's stages, officer
suggestions from rosters, s. 25 clocks, officer import, model sign-off, flags, referrals."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.platform.clients import bearer
from tests.platform.oversight_helpers import build, login
from usalama.core.errors import InvalidInput, PermissionDenied
from usalama.oversight import services
from usalama.oversight.models import Complaint, Officer, RiskFlag
from usalama.wellness.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build()


def test_citizen_files_anonymously_on_the_web_and_follows_up(world: dict[str, Any]) -> None:
    client = Client()
    assert client.get("/oversight/complain/").status_code == 200
    page = client.post(
        "/oversight/complain/",
        {
            "description": "Police beat my brother at Githurai market",
            "category": "excessive_force",
            "place": "Githurai",
            "station": "Kasarani",
        },
    ).content.decode()
    code = re.search(r'id="follow-up-code">([0-9A-F-]+)<', page)
    assert code is not None
    complaint = Complaint.objects.get(place="Githurai")
    assert complaint.anonymous and complaint.stage == "receipt" and complaint.agency.code == "IPOA"
    assert code.group(1) not in complaint.code_hash
    status = client.post(
        "/oversight/complain/follow-up/", {"code": code.group(1).lower()}
    ).content.decode()
    assert complaint.reference in status and "Receipt" in status
    missing = client.post("/oversight/complain/follow-up/", {"code": "0000-0000"}).content.decode()
    assert "No complaint has this code" in missing


def test_public_api_and_bad_input(world: dict[str, Any]) -> None:
    client = Client()
    body = {
        "description": "An officer took my phone at a roadblock",
        "category": "corruption",
        "name": "Wanjiru",
    }
    filed = client.post(
        "/api/v1/oversight/public/complaints", json.dumps(body), content_type="application/json"
    )
    assert filed.status_code == 201
    code = filed.json()["follow_up_code"]
    status = client.post(
        "/api/v1/oversight/public/follow-up",
        json.dumps({"code": code}),
        content_type="application/json",
    )
    assert status.json()["stage"] == "receipt"
    bad = client.post(
        "/api/v1/oversight/public/complaints",
        json.dumps({**body, "category": "nonsense"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "category" in bad.json()["message"]
    short = client.post(
        "/api/v1/oversight/public/complaints",
        json.dumps({"description": "bad"}),
        content_type="application/json",
    )
    assert short.status_code == 422


def test_ipoa_moves_a_complaint_to_a_recommendation(world: dict[str, Any]) -> None:
    pk = world["private"].pk
    client = login(Client(), world["users"]["ipoa.investigator"])
    url = f"/oversight/complaints/{pk}/stage/"
    client.post(url, {"to_stage": "investigation"})  # not allowed from receipt
    assert Complaint.objects.get(pk=pk).stage == "receipt"
    for stage in ("admissibility", "preliminary", "investigation"):
        assert client.post(url, {"to_stage": stage, "note": f"to {stage}"}).status_code == 302
    client.post(url, {"to_stage": "recommendation"})  # a recommendation is required
    assert Complaint.objects.get(pk=pk).stage == "investigation"
    client.post(url, {"to_stage": "recommendation", "recommendation": "disciplinary_iau"})
    complaint = Complaint.objects.get(pk=pk)
    assert complaint.stage == "recommendation" and complaint.recommendation == "disciplinary_iau"
    assert [h.to_stage for h in complaint.history.all()] == [
        "admissibility",
        "preliminary",
        "investigation",
        "recommendation",
    ]
    page = client.get(f"/oversight/complaints/{pk}/").content.decode()
    assert "Disciplinary action (Internal Affairs Unit)" in page


def test_suggests_officers_on_duty_at_the_place_and_time(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["ipoa.investigator"])
    page = client.get(f"/oversight/complaints/{world['private'].pk}/?suggest=1").content.decode()
    assert "Juma Otieno" in page and "Akinyi Wanjiru" not in page
    assert services.suggest_officers(world["users"]["ipoa.investigator"], world["shared"].pk) == []


def test_summons_ignored_and_findings_per_allegation(world: dict[str, Any]) -> None:
    ipoa = world["users"]["ipoa.investigator"]
    pk = world["private"].pk
    summons = services.issue_summons(
        ipoa, pk, world["officer"].pk, timezone.now() - dt.timedelta(days=1)
    )
    assert summons.ignored
    services.record_attendance(ipoa, pk, summons.pk)
    summons.refresh_from_db()
    assert not summons.ignored
    allegation = world["private"].allegations.get()
    services.set_allegation(
        ipoa,
        pk,
        allegation.pk,
        officer_id=world["officer"].pk,
        finding="sustained",
        penalty="suspension",
    )
    allegation.refresh_from_db()
    assert (allegation.officer, allegation.finding, allegation.penalty) == (
        world["officer"],
        "sustained",
        "suspension",
    )
    with pytest.raises(InvalidInput):
        services.set_allegation(ipoa, pk, allegation.pk, finding="guilty")
    with pytest.raises(PermissionDenied):
        services.set_allegation(
            world["users"]["nps.analyst"],
            world["shared"].pk,
            world["shared"].allegations.get().pk,
            finding="sustained",
        )


def test_s25_notification_clock_and_breach(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["nps.commander"])
    late = (timezone.localtime() - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/oversight/notifications/",
        {
            "kind": "death_in_custody",
            "occurred_at": late,
            "place": "Kilimani police cells",
            "summary": "A detainee died in the cells",
            "officers": "NPS-1001",
        },
    )
    assert response.status_code == 302
    ipoa_page = login(Client(), world["users"]["ipoa.investigator"]).get(
        "/oversight/notifications/"
    )
    text = ipoa_page.content.decode()
    assert "Kilimani police cells" in text and "Breached" in text
    assert (
        "Kilimani police cells"
        not in login(Client(), world["users"]["dci.analyst"])
        .get("/oversight/notifications/")
        .content.decode()
    )
    refused = login(Client(), world["users"]["ipoa.investigator"]).post(
        "/oversight/notifications/", {}
    )
    assert refused.status_code == 403


def test_officer_import_with_mapping_makes_ftm_people(world: dict[str, Any]) -> None:
    from usalama.records.models import EntityRecord

    csv_text = (
        "PF No,Full name,Rank,Station\n"
        "NPS-2001,Peter Kamau,Sergeant,Kilimani\nNPS-2002,Mary Atieno,Constable,Kasarani\n"
    )
    mapping = {"service_number": "PF No", "name": "Full name", "rank": "Rank", "station": "Station"}
    with pytest.raises(PermissionDenied):
        services.import_officers(
            world["users"]["nps.analyst"], world["agencies"]["NPS"], csv_text, mapping
        )
    result = services.import_officers(
        world["users"]["nps.admin"], world["agencies"]["NPS"], csv_text, mapping
    )
    assert (result.created, result.postings) == (2, 2)
    peter = Officer.objects.get(service_number="NPS-2001")
    assert peter.postings.get().station == "Kilimani"
    record = EntityRecord.objects.get(entity_id=peter.entity_id)
    assert record.schema == "Person" and record.collection.key == "nps-officers"
    again = services.import_officers(
        world["users"]["nps.admin"], world["agencies"]["NPS"], csv_text, mapping
    )
    assert (again.created, again.updated, again.postings) == (0, 2, 0)
    with pytest.raises(InvalidInput, match="line 3"):
        services.import_officers(
            world["users"]["nps.admin"],
            world["agencies"]["NPS"],
            "PF No,Full name\nNPS-3,A\n,B\n",
            mapping={"service_number": "PF No", "name": "Full name"},
        )
    assert not Officer.objects.filter(service_number="NPS-3").exists()


def test_a_model_over_the_disparity_bound_needs_a_sign_off(world: dict[str, Any]) -> None:
    from usalama.audit.services import Actor

    model = services.publish_model(
        Actor(name="t"),
        world["agencies"]["NPS"],
        version="eis-2",
        as_of=dt.date(2026, 6, 1),
        metrics={},
        fairness=[],
        max_disparity=3.2,
        bound=1.25,
    )
    assert not model.deployed and model.needs_sign_off
    services.add_flags(
        Actor(name="t"), model, [(world["other"], 0.3, [{"feature": "alleg_1y", "value": 4}])]
    )
    supervisor = login(Client(), world["users"]["nps.supervisor"])
    assert "Akinyi Wanjiru" not in supervisor.get("/oversight/early-intervention/").content.decode()
    supervisor.post(f"/oversight/early-intervention/models/{model.pk}/", {"note": ""})
    model.refresh_from_db()
    assert not model.deployed
    supervisor.post(
        f"/oversight/early-intervention/models/{model.pk}/",
        {"note": "Reviewed with the IPOA liaison; flags are support only"},
    )
    model.refresh_from_db()
    assert model.deployed and model.signed_off_by == "nps.supervisor"
    page = supervisor.get("/oversight/early-intervention/").content.decode()
    assert "Akinyi Wanjiru" in page and "Allegations, last 12 months: 4" in page
    assert "never a sanction" in page


def test_the_officer_is_told_and_responds(world: dict[str, Any]) -> None:
    flag = world["flag"]
    assert flag.officer_told_at is not None
    officer = login(Client(), world["users"]["nps.officer"])
    page = officer.get(f"/oversight/early-intervention/{flag.pk}/").content.decode()
    assert "Excessive-force allegations, last 12 months" in page and "never a sanction" in page
    officer.post(
        f"/oversight/early-intervention/{flag.pk}/",
        {"response": "Two of those came from one arrest"},
    )
    assert RiskFlag.objects.get(pk=flag.pk).officer_response == "Two of those came from one arrest"
    supervisor = login(Client(), world["users"]["nps.supervisor"])
    assert (
        "Two of those came from one arrest"
        in supervisor.get(f"/oversight/early-intervention/{flag.pk}/").content.decode()
    )
    assert (
        supervisor.post(f"/oversight/early-intervention/{flag.pk}/", {"response": "x"}).status_code
        == 403
    )


def test_critical_incident_offers_referrals_the_officer_can_accept(world: dict[str, Any]) -> None:
    supervisor = login(Client(), world["users"]["nps.supervisor"])
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = supervisor.post(
        "/wellness/critical-incidents/",
        {
            "kind": "mass_casualty",
            "occurred_at": when,
            "place": "Thika Road",
            "officers": "NPS-1001, Juma Otieno\nNPS-1002, Akinyi Wanjiru",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.filter(incident__place="Thika Road").count() == 2
    officer = login(Client(), world["users"]["nps.officer"])
    offers = Referral.objects.filter(officer_user=world["users"]["nps.officer"], status="offered")
    assert offers.count() == 1  # the firearm incident in the fixture; Thika Road named no login
    officer.post(f"/wellness/support/{offers.get().pk}/answer/", {"accept": "1"})
    assert (
        Referral.objects.filter(
            officer_user=world["users"]["nps.officer"], status="accepted"
        ).count()
        == 1
    )
    officer.post("/wellness/support/", {"message": "I cannot sleep", "contact": "0722 000 111"})
    asked = Referral.objects.get(origin="self")
    assert "I cannot sleep" not in asked.notes_sealed
    assert (
        login(Client(), world["users"]["nps.analyst"])
        .post(f"/wellness/support/{asked.pk}/answer/", {"accept": "1"})
        .status_code
        == 404
    )


def test_recording_the_same_incident_twice_offers_once(world: dict[str, Any]) -> None:
    from usalama.audit.services import Actor
    from usalama.wellness import services as wellness

    officers = [wellness.InvolvedOfficer("Akinyi Wanjiru", "NPS-1002")]
    args = {
        "kind": "officer_injured",
        "occurred_at": timezone.now(),
        "officers": officers,
        "external_ref": "OB-77",
    }
    _, first = wellness.record_critical_incident(Actor(name="t"), world["agencies"]["NPS"], **args)
    _, second = wellness.record_critical_incident(Actor(name="t"), world["agencies"]["NPS"], **args)
    assert (first, second) == (1, 0)


def test_notes_need_the_right_key(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.fernet import Fernet

    from usalama.wellness import crypto

    monkeypatch.setenv("USALAMA_WELLNESS_KEY", Fernet.generate_key().decode())
    sealed = crypto.seal("under the first key")
    monkeypatch.setenv("USALAMA_WELLNESS_KEY", Fernet.generate_key().decode())
    with pytest.raises(crypto.WellnessKeyError):
        crypto.unseal(sealed)
    # notes sealed under the field keys before the wellness key was set stay readable until
    # `usalama keys rotate` moves them under it
    assert crypto.unseal(Referral.objects.get(pk=world["referral"].pk).notes_sealed)
    assert crypto.unseal(crypto.seal("kept")) == "kept"


def test_police_referral_by_api_is_ipoas_and_shared_back(world: dict[str, Any]) -> None:

    def token(who: str) -> dict[str, str]:
        return bearer(world["users"][who])

    body = {
        "description": "A suspect was injured during arrest at Kilimani",
        "category": "serious_injury",
        "service_number": "NPS-1001",
        "station": "Kilimani",
    }
    client = Client()
    made = client.post(
        "/api/v1/oversight/referrals",
        json.dumps(body),
        content_type="application/json",
        **token("nps.commander"),
    )
    assert made.status_code == 201, made.content
    complaint = Complaint.objects.get(reference=made.json()["reference"])
    assert complaint.agency.code == "IPOA" and complaint.referred_by.code == "NPS"
    assert complaint.allegations.get().officer == world["officer"]
    assert (
        client.get(
            f"/api/v1/oversight/complaints/{complaint.pk}", **token("ipoa.investigator")
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/oversight/complaints/{complaint.pk}", **token("nps.analyst")
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/v1/oversight/complaints/{complaint.pk}", **token("dci.analyst")
        ).status_code
        == 404
    )
    foreign = client.post(
        "/api/v1/oversight/referrals",
        json.dumps(body),
        content_type="application/json",
        **token("dci.analyst"),
    )
    assert foreign.status_code == 403  # an analyst does not refer (supervisors, IAU do)


def test_publish_scores_as_a_model_version_that_waits_for_sign_off(
    world: dict[str, Any], tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from usalama.cli import main
    from usalama.oversight.models import ModelVersion

    scores = tmp_path / "scores.csv"
    scores.write_text(
        "officer_id,score,top_factors\nNPS-1002,0.9,alleg_1y=5; force_alleg_5y=3\n"
        + "".join(f"X-{i},0.{i},\n" for i in range(1, 10))
        + "NPS-1001,0.05,\n",
        encoding="utf-8",
    )
    table = tmp_path / "gender.json"
    table.write_text(
        json.dumps({"grouping": "gender", "max_disparity": 4.04, "groups": []}), encoding="utf-8"
    )
    main(
        [
            "oversight",
            "eis",
            "publish",
            "--agency",
            "NPS",
            "--scores",
            str(scores),
            "--fairness",
            str(table),
            "--version",
            "chicago-2011",
            "--as-of",
            "2011-01-01",
            "--top",
            "10%",
        ]
    )
    assert "NOT deployed" in capsys.readouterr().out
    model = ModelVersion.objects.get(version="chicago-2011")
    flag = model.flags.get()
    assert flag.officer == world["other"] and flag.factors[0] == {
        "feature": "alleg_1y",
        "value": 5.0,
    }
    assert model.needs_sign_off and model.fairness[0]["grouping"] == "gender"


def test_s25_notification_offers_the_officers_a_wellness_referral(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            world["users"]["nps.commander"],
            kind="serious_injury",
            occurred_at=timezone.now(),
            place="Mathare",
            summary="A man was shot in the leg",
            officers=[world["other"]],
        )
    offer = Referral.objects.get(service_number="NPS-1002")
    assert offer.origin == "critical_incident" and offer.incident.kind == "death_or_injury"
    assert offer.incident.place == "Mathare" and offer.status == "offered"
