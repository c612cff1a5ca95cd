"""Converting a triaged report or tip into a policing incident (usalama.desk), link both ways."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import GATEWAY, api_report_status, configure, ussd, web_status
from usalama.audit.models import AuditEvent
from usalama.audit.services import verify_chain
from usalama.core.errors import InvalidInput, NotFound
from usalama.desk.services import convert_to_incident
from usalama.intake import services, staff
from usalama.intake.models import Report, Tip
from usalama.policing.models import Incident


@pytest.fixture
def client(db: Any, settings: Any) -> Client:
    configure(settings)
    return Client(**GATEWAY)


def _report() -> Report:
    return services.submit_report(
        services.SubmissionInput(
            category="",
            description="Majambazi walivunja duka la simu usiku Kilimani",
            channel="web",
            county="Nairobi",
            location_text="Argwings Kodhek Road",
            lat=-1.29,
            lon=36.78,
        ),
        contact=services.Contact(email="mwananchi@example.org"),
    )


def _staff_client(client: Client, user: Any) -> Client:
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


def test_convert_report_keeps_the_link_both_ways(client: Client, world: dict[str, Any]) -> None:
    user = world["users"]["nps.analyst"]
    report = _report()
    staff.triage(user, "report", report.pk, category="robbery", priority="high")
    done = convert_to_incident(user, "report", report.pk, station="Kilimani Police Station")
    incident = Incident.objects.get(pk=done.incident_id)
    assert incident.external_id == f"intake:report:{report.pk}"
    assert incident.collection.agency.code == "NPS" and incident.collection.key == "nps" + (
        "-reported-incidents"
    )
    assert incident.category == "Robbery" and incident.priority == "high"
    assert incident.latitude == -1.29 and incident.station == "Kilimani Police Station"
    report.refresh_from_db()
    assert report.incident_number == incident.pk and report.converted_at is not None
    assert report.status == "in_progress" and report.assigned_agency.code == "NPS"
    # converting again finds the same incident (the external id is the link back)
    again = convert_to_incident(user, "report", report.pk)
    assert again.incident_id == incident.pk and again.already
    assert Incident.objects.count() == 1
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "incident.open" in actions and actions.count("intake.convert") == 2
    assert verify_chain().ok
    # the reporter sees status and station, nothing internal
    public = api_report_status(client, report.reference, "en").json()
    assert public["status"] == "in_progress"
    assert public["status_label"] == "Under investigation"
    assert public["station"] == "Kilimani Police Station"
    text = json.dumps(public)
    assert "incident" not in text and "intake:report" not in text and "NPS" not in text


def test_another_agency_gets_404_and_nothing_is_written(
    client: Client, world: dict[str, Any], token_for: Any
) -> None:
    report = _report()
    staff.triage(world["users"]["nps.analyst"], "report", report.pk, priority="normal")
    with pytest.raises(NotFound):
        convert_to_incident(world["users"]["dci.analyst"], "report", report.pk)
    auth = {"HTTP_AUTHORIZATION": "Bearer " + token_for("dci.analyst")}
    response = client.post(
        f"/api/v1/intake/reports/{report.pk}/incident",
        {},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    prosecutor = _staff_client(Client(), world["users"]["odpp.prosecutor"])
    assert prosecutor.post(f"/intake/triage/report/{report.pk}/incident/").status_code == 404
    assert Incident.objects.count() == 0
    report.refresh_from_db()
    assert report.incident_number is None and report.status == "triaged"


def test_convert_by_api(client: Client, world: dict[str, Any], token_for: Any) -> None:
    report = _report()
    auth = {"HTTP_AUTHORIZATION": "Bearer " + token_for("nps.analyst")}
    triaged = client.post(
        f"/api/v1/intake/reports/{report.pk}/triage",
        {"category": "breakings"},
        content_type="application/json",
        **auth,
    )
    assert triaged.status_code == 200
    first = client.post(
        f"/api/v1/intake/reports/{report.pk}/incident",
        {"station": "Capitol Hill"},
        content_type="application/json",
        **auth,
    )
    assert first.status_code == 201, first.content
    incident_id = first.json()["incident_id"]
    assert first.json()["ob_number"].startswith("OB/CAPITOL-HILL/1/")
    second = client.post(
        f"/api/v1/intake/reports/{report.pk}/incident",
        {},
        content_type="application/json",
        **auth,
    )
    assert second.status_code == 200 and second.json()["incident_id"] == incident_id
    detail = client.get(f"/api/v1/intake/reports/{report.pk}", **auth).json()
    assert detail["incident_number"] == incident_id and detail["station"] == "Capitol Hill"
    assert client.post(
        "/api/v1/intake/cases/1/incident", {}, content_type="application/json", **auth
    ).status_code in {404, 405}


def test_convert_tip_on_the_triage_page_and_status_by_web_and_ussd(
    client: Client, world: dict[str, Any]
) -> None:
    user = world["users"]["nps.analyst"]
    tip, code = services.submit_tip(
        services.SubmissionInput(
            category="dangerous_drugs", description="Bangi inauzwa karibu na shule", channel="web"
        )
    )
    staff.triage(user, "tip", tip.pk, priority="high", public_note="Asante, tunafuatilia.")
    desk = _staff_client(Client(), user)
    page = desk.get(f"/intake/triage/tip/{tip.pk}/")
    assert page.status_code == 200 and b'id="convert"' in page.content
    posted = desk.post(f"/intake/triage/tip/{tip.pk}/incident/", {"station": "Kasarani"})
    assert posted.status_code == 302
    tip.refresh_from_db()
    assert tip.incident_number is not None and tip.status == "in_progress"
    page = desk.get(f"/intake/triage/tip/{tip.pk}/")
    assert b'id="incident-link"' in page.content and b'id="convert"' not in page.content
    assert Incident.objects.get().external_id == f"intake:tip:{tip.pk}"
    # the tipster, with the code only
    status_page = web_status(client, code, "sw")
    assert status_page.status_code == 200
    body = status_page.content.decode()
    assert "Kasarani" in body and "Asante, tunafuatilia." in body
    assert f"intake:tip:{tip.pk}" not in body and "incident" not in body.lower()
    reply = ussd(client, "conv-1", "+254711000111", "3*" + code.replace("-", "")).content.decode()
    assert reply.startswith("END") and "Kituo cha polisi: Kasarani" in reply


def test_closed_items_are_not_converted(world: dict[str, Any]) -> None:
    user = world["users"]["nps.analyst"]
    report = _report()
    staff.triage(user, "report", report.pk, status="closed")
    with pytest.raises(InvalidInput):
        convert_to_incident(user, "report", report.pk)
    assert not Tip.objects.exists() and Incident.objects.count() == 0


def test_reporter_with_a_phone_gets_the_status_by_sms(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from usalama.intake.gateways import get_gateway

    outbox = get_gateway().outbox  # type: ignore[attr-defined]
    user = world["users"]["nps.analyst"]
    report = services.submit_report(
        services.SubmissionInput(
            category="robbery", description="Duka limevamiwa", channel="web", language="sw"
        ),
        contact=services.Contact(phone="0722 333 444"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.triage(user, "report", report.pk, priority="high")
    to, text = outbox[-1]
    assert to == "+254722333444" and text.startswith(f"usalama: ripoti {report.reference}")
    assert "Hali: " in text
    sent = len(outbox)
    with django_capture_on_commit_callbacks(execute=True):
        done = convert_to_incident(user, "report", report.pk, station="Kilimani")
    assert len(outbox) == sent + 1
    text = outbox[-1][1]
    assert "Inachunguzwa" in text and "Kituo cha polisi: Kilimani" in text
    assert str(done.incident_id) not in text.replace(report.reference, "")
    with django_capture_on_commit_callbacks(execute=True):
        convert_to_incident(user, "report", report.pk)  # nothing changed: no second SMS
    assert len(outbox) == sent + 1
    # an email-only reporter and tipsters get no SMS
    quiet = _report()
    before = len(outbox)
    with django_capture_on_commit_callbacks(execute=True):
        staff.triage(user, "report", quiet.pk, priority="low")
    assert len(outbox) == before


def test_an_unknown_kind_of_item_is_not_found(client: Client, world: dict[str, Any]) -> None:
    user = world["users"]["nps.analyst"]
    report = _report()
    assert staff.get_item(user, "report", report.pk).pk == report.pk
    with pytest.raises(NotFound):
        staff.get_item(user, "case", report.pk)
    page = _staff_client(client, user)
    assert page.get(f"/intake/triage/report/{report.pk}/").status_code == 200
    assert page.get(f"/intake/triage/case/{report.pk}/").status_code == 404
