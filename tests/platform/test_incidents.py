"""Incident pages, Occurrence Book numbers, assignment (owner-only, audited) and time in
the queue (issue 13, "Incidents")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.accounts import services as accounts
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.policing import incidents
from usalama.policing import services as policing
from usalama.policing.models import Incident
from usalama.records.models import CollectionGrant

NAIROBI = dt.timezone(dt.timedelta(hours=3))


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def station(world: dict[str, Any]) -> dict[str, Any]:
    actor = Actor(name="test")
    users = dict(world["users"])
    for name, role in (("nps.commander", "commander"), ("nps.desk", "desk_officer")):
        users[name] = accounts.create_user(
            actor,
            username=name,
            agency=world["agencies"]["NPS"],
            roles=[role],
            password="correct horse battery staple 42",
        ).user
    users["dci.supervisor"] = accounts.create_user(
        actor,
        username="dci.supervisor",
        agency=world["agencies"]["DCI"],
        roles=["supervisor"],
        password="correct horse battery staple 42",
    ).user
    opened = [
        policing.open_incident(
            users["nps.commander"],
            source=f"test:{n}",
            category="Robbery",
            priority="high",
            station="Kilimani Police Station",
            received_at=dt.datetime(2026, 12, 6, 8 + n, 0, tzinfo=NAIROBI),
            latitude=-1.29,
            longitude=36.78,
        )
        for n in range(3)
    ]
    return {"users": users, "incidents": opened}


def test_ob_numbers_follow_the_station_book(station: dict[str, Any]) -> None:
    numbers = [i.ob_number for i in station["incidents"]]
    assert numbers == [f"OB/KILIMANI/{n}/06/12/2026" for n in (1, 2, 3)]
    # the next day's book starts again at 1; another station has its own book
    commander = station["users"]["nps.commander"]
    late = policing.open_incident(
        commander,
        source="test:late",
        category="Assault",
        station="Kilimani Police Station",
        received_at=dt.datetime(2026, 12, 7, 0, 30, tzinfo=NAIROBI),
    )
    other = policing.open_incident(
        commander,
        source="test:other",
        category="Assault",
        station="Kasarani Police Station",
        received_at=dt.datetime(2026, 12, 6, 9, 0, tzinfo=NAIROBI),
    )
    assert late.ob_number == "OB/KILIMANI/1/07/12/2026"
    assert other.ob_number == "OB/KASARANI/1/06/12/2026"
    # 23:30 UTC on the 6th is already the 7th in Nairobi: the local day counts
    utc_late = policing.open_incident(
        commander,
        source="test:utc",
        category="Assault",
        station="Kilimani Police Station",
        received_at=dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC),
    )
    assert utc_late.ob_number == "OB/KILIMANI/2/07/12/2026"


def test_station_codes() -> None:
    assert incidents.station_code("Kilimani Police Station", "NPS") == "KILIMANI"
    assert incidents.station_code("Kasarani North Police Post", "NPS") == "KASARANI-NORTH"
    assert incidents.station_code("", "NPS") == "NPS"
    assert incidents.station_code("Police Station", "") == "HQ"


@settings(max_examples=50, deadline=None)
@given(
    code=st.from_regex(r"[A-Z0-9]{1,8}(-[A-Z0-9]{1,7})?", fullmatch=True),
    serial=st.integers(min_value=1, max_value=99_999),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
)
def test_ob_numbers_round_trip(code: str, serial: int, day: dt.date) -> None:
    assert incidents.parse_ob(incidents.format_ob(code, serial, day)) == (code, serial, day)


@pytest.mark.parametrize("bad", ["OB 12/06/12/2026", "OB/X/1/31/02/2026", "OB/X/a/01/01/2026"])
def test_not_an_ob_number(bad: str) -> None:
    with pytest.raises(InvalidInput):
        incidents.parse_ob(bad)


def test_time_in_queue() -> None:
    received = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)
    waiting = Incident(received_at=received)
    assert incidents.time_in_queue(waiting, received + dt.timedelta(minutes=47)) == dt.timedelta(
        minutes=47
    )
    assert incidents.waiting(waiting)
    dispatched = Incident(received_at=received, dispatched_at=received + dt.timedelta(minutes=9))
    assert incidents.time_in_queue(dispatched, received + dt.timedelta(days=3)) == dt.timedelta(
        minutes=9
    )
    assert not incidents.waiting(dispatched)
    both = Incident(
        received_at=received,
        dispatched_at=received + dt.timedelta(minutes=30),
        assigned_at=received + dt.timedelta(minutes=12),
    )
    assert incidents.time_in_queue(both) == dt.timedelta(minutes=12)


def test_list_and_detail_pages(station: dict[str, Any]) -> None:
    desk = _login(station["users"]["nps.desk"])
    first = station["incidents"][0]
    listing = desk.get("/policing/incidents/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert first.ob_number in body and f'href="/policing/incidents/{first.pk}/"' in body
    assert "Open, waiting" in body and ">open<" not in body
    assert "<td>High</td>" in body and "<td>high</td>" not in body  # labels, not codes
    filtered = desk.get("/policing/incidents/", {"q": "OB/KILIMANI/2/"}).content.decode()
    assert "OB/KILIMANI/2/06/12/2026" in filtered and "OB/KILIMANI/1/06/12/2026" not in filtered
    assert desk.get("/policing/incidents/", {"status": "nonsense"}).status_code == 400
    detail = desk.get(f"/policing/incidents/{first.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'id="incident-number">OB/KILIMANI/1/06/12/2026<' in page
    assert 'id="time-in-queue"' in page and 'id="timeline"' in page
    assert 'id="incident-map"' in page and "leaflet/leaflet.js" in page
    assert 'id="assign"' in page  # the desk officer of the owning agency may assign
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"incident.list", "incident.view"} <= actions


def test_assignment_by_the_owning_desk(station: dict[str, Any]) -> None:
    desk = _login(station["users"]["nps.desk"])
    first = station["incidents"][0]
    posted = desk.post(f"/policing/incidents/{first.pk}/assign/", {"officer": "nps.commander"})
    assert posted.status_code == 302
    first.refresh_from_db()
    assert first.assigned_to.username == "nps.commander" and first.status == "assigned"
    assert not incidents.waiting(first)
    event = AuditEvent.objects.filter(action="incident.assign").get()
    assert event.actor == "nps.desk" and event.details["officer"] == "nps.commander"
    # an officer of another agency cannot be handed it
    with pytest.raises(InvalidInput):
        incidents.assign_incident(station["users"]["nps.desk"], first.pk, "dci.analyst")


def test_another_agency_gets_404_and_a_grant_is_read_only(
    station: dict[str, Any], world: dict[str, Any]
) -> None:
    first = station["incidents"][0]
    supervisor = station["users"]["dci.supervisor"]
    dci = _login(supervisor)
    assert dci.get(f"/policing/incidents/{first.pk}/").status_code == 404
    assert first.ob_number not in dci.get("/policing/incidents/").content.decode()
    assert (
        dci.post(
            f"/policing/incidents/{first.pk}/assign/", {"officer": "dci.supervisor"}
        ).status_code
        == 404
    )
    with pytest.raises(NotFound):
        incidents.assign_incident(supervisor, first.pk, "dci.supervisor")
    # a grant lets the DCI read the NPS incidents, never assign them
    CollectionGrant.objects.create(
        collection=first.collection, agency=world["agencies"]["DCI"], granted_by="test"
    )
    page = dci.get(f"/policing/incidents/{first.pk}/")
    assert page.status_code == 200 and 'id="assign"' not in page.content.decode()
    refused = dci.post(f"/policing/incidents/{first.pk}/assign/", {"officer": "dci.supervisor"})
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        incidents.assign_incident(supervisor, first.pk, "dci.supervisor")
    first.refresh_from_db()
    assert first.assigned_to is None and first.status == "open"
    refusals = AuditEvent.objects.filter(action="incident.assign.refused")
    assert refusals.count() == 4 and set(refusals.values_list("actor", flat=True)) == {
        "dci.supervisor"
    }


def test_an_analyst_sees_but_does_not_assign(station: dict[str, Any]) -> None:
    analyst = _login(station["users"]["nps.analyst"])
    first = station["incidents"][0]
    page = analyst.get(f"/policing/incidents/{first.pk}/")
    assert page.status_code == 200 and 'id="assign"' not in page.content.decode()
    assert (
        analyst.post(f"/policing/incidents/{first.pk}/assign/", {"officer": "nps.desk"}).status_code
        == 403
    )
    first.refresh_from_db()
    assert first.assigned_to is None


def test_enter_in_books_numbers_imported_calls_in_order(station: dict[str, Any]) -> None:
    collection = station["incidents"][0].collection
    received = dt.datetime(2026, 12, 6, 12, 0, tzinfo=NAIROBI)
    Incident.objects.bulk_create(
        Incident(
            collection=collection,
            external_id=f"cad-{n}",
            station="Kilimani Police Station",
            received_at=received + dt.timedelta(minutes=n),
            cleared_at=received + dt.timedelta(minutes=n + 60) if n == 0 else None,
            source_file="cad.csv",
            source_row=n,
            imported_by="test",
        )
        for n in range(2)
    )
    assert incidents.enter_in_books(Actor(name="test"), collection) == 2
    numbered = dict(
        Incident.objects.filter(external_id__startswith="cad-").values_list(
            "external_id", "ob_number"
        )
    )
    assert numbered == {"cad-0": "OB/KILIMANI/4/06/12/2026", "cad-1": "OB/KILIMANI/5/06/12/2026"}
    assert Incident.objects.get(external_id="cad-0").status == "closed"
    assert incidents.enter_in_books(Actor(name="test"), collection) == 0
