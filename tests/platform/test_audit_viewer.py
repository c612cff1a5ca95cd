"""The audit-log viewer: who reads which events, filters, a formula-safe CSV export, and the
chain check run from the page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from tests.platform.test_administration import PASSWORD, log_in
from usalama.accounts import services as accounts
from usalama.accounts.models import Agency
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(world: Any) -> None:
    actor = Actor(name="test")
    ipoa = accounts.ensure_agency(
        actor,
        code="IPOA",
        name="Independent Policing Oversight Authority",
        country="KE",
        kind="oversight",
    )
    for username, agency, role in [
        ("nps.supervisor", Agency.objects.get(code="NPS"), "supervisor"),
        ("ipoa.investigator", ipoa, "oversight_investigator"),
        ("nps.admin", Agency.objects.get(code="NPS"), "agency_admin"),
    ]:
        accounts.create_user(
            actor, username=username, agency=agency, roles=[role], password=PASSWORD
        )
    record(
        Actor("nps.analyst", None, "NPS"), "entity.read", object_type="entity", object_id="nps-p1"
    )
    record(Actor("dci.analyst", None, "DCI"), "search", query='=HYPERLINK("http://x")')
    record(Actor("odpp.prosecutor", None, "ODPP"), "entity.read", object_id="odpp-secret-1")
    record(Actor("nps.wellness", None, "NPS"), "wellness.referral.read", object_id="ref-9")


def _rows(client: Client, **params: str) -> str:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_supervisor_sees_only_own_agency(client: Client, readers: None) -> None:
    log_in(client, "nps.supervisor")
    page = _rows(client)
    assert "nps-p1" in page and "HYPERLINK" not in page and "odpp-secret-1" not in page
    # that an officer of the agency sought wellness support is not the supervisor's to read
    assert "ref-9" not in page


def test_agency_admin_does_not_see_wellness_events(client: Client, readers: None) -> None:
    from usalama.accounts.models import User
    from usalama.audit.services import events_visible_to

    log_in(client, "nps.admin")
    page = _rows(client)
    assert "nps-p1" in page and "ref-9" not in page
    admin = User.objects.get(username="nps.admin")
    assert events_visible_to(admin).filter(object_id="nps-p1").exists()
    assert not events_visible_to(admin).filter(object_id="ref-9").exists()
    # a forged agency filter outside the scope is a clear 400, not other agencies' events
    assert client.get("/audit/", {"agency": "ODPP"}).status_code == 400


def test_oversight_sees_police_agencies_but_not_wellness_or_prosecution(
    client: Client, readers: None
) -> None:
    log_in(client, "ipoa.investigator")
    page = _rows(client)
    assert "nps-p1" in page and "HYPERLINK" in page
    assert "odpp-secret-1" not in page and "ref-9" not in page
    # oversight reads, it does not run the chain check
    assert 'id="audit-verify"' not in page
    assert client.post("/audit/verify/").status_code == 403


def test_system_admin_sees_everything(client: Client, readers: None) -> None:
    log_in(client, "sysadmin")
    page = _rows(client)
    for seen in ["nps-p1", "HYPERLINK", "odpp-secret-1", "ref-9"]:
        assert seen in page, seen


def test_an_agency_without_events_is_a_filter_not_an_error(client: Client, readers: None) -> None:
    """The admin console links each agency to its events: a partner just added has none yet,
    and its link shows an empty log, not "TPF is not one of the available choices"."""
    accounts.ensure_agency(
        Actor(name="test"), code="TPF", name="Tanzania Police Force", country="TZ", kind="police"
    )
    assert not AuditEvent.objects.filter(agency="TPF").exists()
    log_in(client, "sysadmin")
    page = _rows(client, agency="TPF")
    assert "nps-p1" not in page and 'value="TPF" selected' in page
    # oversight may filter on any police agency, events or not; a supervisor only on its own
    client.logout()
    log_in(client, "ipoa.investigator")
    assert client.get("/audit/", {"agency": "TPF"}).status_code == 200
    assert client.get("/audit/", {"agency": "ODPP"}).status_code == 400
    client.logout()
    log_in(client, "nps.supervisor")
    assert client.get("/audit/", {"agency": "TPF"}).status_code == 400
    assert client.get("/audit/", {"agency": "NPS"}).status_code == 200


def test_details_read_as_text_not_python(client: Client, readers: None) -> None:
    record(
        Actor("nps.analyst", None, "NPS"),
        "audit.read",
        details={"count": 4, "filters": {"object_type": "incident"}, "ids": [1, 2]},
    )
    log_in(client, "sysadmin")
    page = _rows(client, actor="nps.analyst")
    assert "count=4; filters: object_type=incident; ids=1, 2" in page
    assert "{&#x27;" not in page and "{'" not in page


def test_others_are_refused(client: Client, readers: None) -> None:
    log_in(client, "nps.analyst")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_filters_who_what_when_object(client: Client, readers: None) -> None:
    log_in(client, "sysadmin")
    page = _rows(client, actor="nps.analyst")
    assert "nps-p1" in page and "odpp-secret-1" not in page
    page = _rows(client, action="wellness")  # a prefix matches wellness.referral.read
    assert "ref-9" in page and "nps-p1" not in page
    page = _rows(client, object_id="odpp-secret-1")
    assert "odpp-secret-1" in page and "nps-p1" not in page
    page = _rows(client, since="2000-01-01", until="2000-01-02")
    assert "nps-p1" not in page and "No events match" in page
    assert client.get("/audit/", {"since": "2030-01-02", "until": "2030-01-01"}).status_code == 400
    assert client.get("/audit/", {"since": "not a date"}).status_code == 400
    assert AuditEvent.objects.filter(action="audit.read", actor="sysadmin").exists()


def test_export_is_scoped_formula_safe_and_audited(client: Client, readers: None) -> None:
    log_in(client, "ipoa.investigator")
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    queries = [r["query"] for r in rows if r["actor"] == "dci.analyst"]
    assert queries == ['\'=HYPERLINK("http://x")']
    assert not any(r["object_id"] in {"odpp-secret-1", "ref-9"} for r in rows)
    assert AuditEvent.objects.filter(action="audit.export", actor="ipoa.investigator").exists()


def test_verify_from_the_page(client: Client, readers: None) -> None:
    log_in(client, "nps.admin")
    response = client.post("/audit/verify/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="verify-result"' in page and "The chain is intact" in page
    assert AuditEvent.objects.filter(action="audit.verify", actor="nps.admin").exists()


def test_menu_shows_audit_log_to_its_readers_only(client: Client, readers: None) -> None:
    log_in(client, "ipoa.investigator")
    assert 'href="/audit/"' in client.get("/").content.decode()
    client.post("/logout/")
    log_in(client, "nps.analyst")
    assert 'href="/audit/"' not in client.get("/").content.decode()
