"""The web form for police referrals: a police agency's supervisor or internal affairs refers a
complaint to IPOA (officers, incident, allegation categories, optional attachments); it
arrives in IPOA's receipt stage marked as a police referral."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.platform.clients import bearer
from tests.platform.oversight_helpers import build, login
from usalama.audit.models import AuditEvent
from usalama.oversight.models import Attachment, Complaint

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BODY = {
    "officers": "nps-1001, NPS-1002",
    "description": "A suspect was beaten in the Kilimani cells during questioning",
    "categories": ["excessive_force", "serious_injury"],
    "place": "Kilimani police station",
    "station": "Kilimani",
    "occurred_at": "2026-11-30T22:15",
}


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build()


def test_iau_refers_with_officers_categories_and_an_attachment(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["nps.iau"])
    page = client.get("/oversight/referrals/new/")
    assert page.status_code == 200 and "referral-form" in page.content.decode()
    before = Complaint.objects.count()
    response = client.post(
        "/oversight/referrals/new/",
        {**BODY, "attachments": [SimpleUploadedFile("statement.pdf", PDF, "application/pdf")]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.exclude(pk__in=[world["private"].pk, world["shared"].pk]).get()
    assert Complaint.objects.count() == before + 1
    assert (complaint.agency.code, complaint.stage, complaint.channel) == (
        "IPOA",
        "receipt",
        "police_referral",
    )
    assert complaint.referred_by.code == "NPS"
    pairs = {(a.officer.service_number, a.category) for a in complaint.allegations.all()}
    assert pairs == {
        (n, c) for n in ("NPS-1001", "NPS-1002") for c in ("excessive_force", "serious_injury")
    }
    attachment = complaint.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "statement.pdf",
        "application/pdf",
        len(PDF),
    )
    # IPOA sees it in its inbox, marked as a police referral, and downloads the attachment
    ipoa = login(Client(), world["users"]["ipoa.investigator"])
    inbox = ipoa.get("/oversight/complaints/?stage=receipt").content.decode()
    assert complaint.reference in inbox and "Police referral" in inbox
    url = f"/oversight/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    download = ipoa.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="oversight.attachment.read", actor="ipoa.investigator"
    ).exists()
    # the referring agency reads it (shared back); a stranger gets 404
    assert login(Client(), world["users"]["nps.analyst"]).get(url).status_code == 200
    assert login(Client(), world["users"]["dci.analyst"]).get(url).status_code == 404


def test_who_may_refer_and_bad_input(world: dict[str, Any]) -> None:
    before = (Complaint.objects.count(), Attachment.objects.count())
    analyst = login(Client(), world["users"]["nps.analyst"])
    assert analyst.get("/oversight/referrals/new/").status_code == 404
    assert analyst.post("/oversight/referrals/new/", BODY).status_code == 403
    assert AuditEvent.objects.filter(
        action="oversight.complaint.refer.refused", actor="nps.analyst"
    ).exists()
    ipoa = login(Client(), world["users"]["ipoa.investigator"])
    assert ipoa.post("/oversight/referrals/new/", BODY).status_code == 403
    supervisor = login(Client(), world["users"]["nps.supervisor"])
    unknown = supervisor.post("/oversight/referrals/new/", {**BODY, "officers": "NPS-7777"})
    assert unknown.status_code == 200 and "NPS-7777" in unknown.content.decode()
    disguised = supervisor.post(
        "/oversight/referrals/new/",
        {**BODY, "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")]},
    )
    assert "only PDF, JPEG or PNG" in disguised.content.decode()
    no_category = supervisor.post("/oversight/referrals/new/", {**BODY, "categories": []})
    assert no_category.status_code == 200
    assert (Complaint.objects.count(), Attachment.objects.count()) == before
    # without officers: one allegation per category, the officers left to IPOA
    supervisor.post("/oversight/referrals/new/", {**BODY, "officers": ""})
    made = Complaint.objects.get(channel="police_referral")
    assert {a.officer_id for a in made.allegations.all()} == {None}
    assert made.allegations.count() == 2


def test_api_referral_with_several_officers_and_categories(world: dict[str, Any]) -> None:
    import json

    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    def token(who: str) -> dict[str, str]:
        return bearer(world["users"][who])

    body = {
        "description": "Two officers beat a hawker at Kasarani market",
        "service_numbers": ["NPS-1001", "NPS-1002"],
        "categories": ["excessive_force", "harassment"],
        "place": "Kasarani market",
    }
    client = Client()
    made = client.post(
        "/api/v1/oversight/referrals",
        json.dumps(body),
        content_type="application/json",
        **token("nps.supervisor"),
    )
    assert made.status_code == 201, made.content
    assert made.json()["channel"] == "police_referral" and len(made.json()["allegations"]) == 4
    unknown = client.post(
        "/api/v1/oversight/referrals",
        json.dumps({**body, "service_numbers": ["NPS-0000"]}),
        content_type="application/json",
        **token("nps.supervisor"),
    )
    assert unknown.status_code == 404 and "NPS-0000" in unknown.content.decode()
    refused = client.post(
        "/api/v1/oversight/referrals",
        json.dumps(body),
        content_type="application/json",
        **token("nps.analyst"),
    )
    assert refused.status_code == 403
    dci_supervisor = accounts.create_user(
        Actor(name="t"),
        username="dci.supervisor",
        agency=world["agencies"]["DCI"],
        roles=["supervisor"],
        password="correct horse battery staple 42",
        check_password=False,
    ).user
    world["users"]["dci.supervisor"] = dci_supervisor
    foreign = client.post(
        "/api/v1/oversight/referrals",
        json.dumps(body),
        content_type="application/json",
        **token("dci.supervisor"),
    )
    assert foreign.status_code == 404  # DCI cannot name an NPS officer
