"""Local leaders reporting by account on the web: verified-source, shown as such in triage."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.platform.intake_helpers import configure
from usalama.accounts import services as accounts
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor
from usalama.intake import services, staff
from usalama.intake.models import Report

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def leader_client(db: Any, settings: Any, world: dict[str, Any]) -> tuple[Client, Any]:
    configure(settings)
    # a chief's account: no data role (sees no records, needs no second factor)
    user = accounts.create_user(
        Actor(name="test"),
        username="chief.wanjala",
        agency=world["agencies"]["NPS"],
        roles=[],
        password=PASSWORD,
        with_totp=False,
    ).user
    leader = services.register_leader(
        Actor(name="test"),
        name="Chief Wanjala",
        kind="chief",
        user=user,
        county="Kakamega",
    )
    client = Client()
    client.force_login(user)
    return client, leader


def test_leader_reports_by_account_and_triage_shows_verified(
    leader_client: tuple[Client, Any], world: dict[str, Any]
) -> None:
    client, leader = leader_client
    page = client.get("/intake/leader/report/")
    assert page.status_code == 200 and b"Chief Wanjala" in page.content
    assert b"Likuyani" in page.content  # wards of the leader's county in the picker
    posted = client.post(
        "/intake/leader/report/",
        {
            "category": "theft_of_stock",
            "description": "Ng'ombe watatu wameibiwa usiku kijijini",
            "place": "Likuyani|Sinoko",
            "location_text": "Shikoti",
        },
    )
    assert posted.status_code == 201, posted.content[:2000]
    report = Report.objects.get()
    assert report.verified_source and report.leader_id == leader.pk
    assert report.channel == "leader" and report.county == "Kakamega"
    assert report.ward == "Sinoko" and report.agency.code == "NPS"
    assert report.reference.encode() in posted.content
    event = AuditEvent.objects.get(action="intake.report.create")
    assert event.actor == f"leader:{leader.pk}" and event.details["verified_source"] is True
    # the desk officer sees it marked as verified
    officer = world["users"]["nps.analyst"]
    item = next(i for i in staff.queue(officer) if i.kind == "report")
    assert item.verified_source and item.channel == "leader"
    desk = Client()
    desk.force_login(officer)
    session = desk.session
    session["otp_device_id"] = officer.totpdevice_set.get().persistent_id
    session.save()
    queue = desk.get("/intake/triage/?lang=en")
    assert b"verified source" in queue.content
    detail = desk.get(f"/intake/triage/report/{report.pk}/")
    assert b"verified source" in detail.content


def test_other_accounts_get_404_and_bad_input_is_refused(
    leader_client: tuple[Client, Any], world: dict[str, Any]
) -> None:
    client, _leader = leader_client
    other = Client()
    other.force_login(world["users"]["nps.wellness"])
    assert other.get("/intake/leader/report/").status_code in {404, 302}
    assert Client().get("/intake/leader/report/").status_code == 302  # login first
    empty = client.post("/intake/leader/report/", {"category": "robbery", "description": ""})
    assert empty.status_code == 200 and Report.objects.count() == 0
    binary = client.post("/intake/leader/report/", {"category": "robbery", "description": "a\x00b"})
    assert binary.status_code == 200 and Report.objects.count() == 0
