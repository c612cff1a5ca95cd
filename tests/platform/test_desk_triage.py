"""Defect 5 of issue 13 (desk triage), each failing on the old behaviour:
convert works when category and priority are shown (no forced status change), Save
confirms, the queue shows labels not codes, and the same theft reported in English and in
Swahili two minutes apart is one duplicate group with one suggested priority."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.platform.intake_helpers import configure
from usalama.desk.services import convert_to_incident
from usalama.intake import duplicates, services, staff
from usalama.intake.classify import suggest
from usalama.intake.models import Report
from usalama.policing.models import Incident

ENGLISH = (
    "My motorbike was stolen outside Kariobangi market this morning, a red Boxer KMDX 123A. "
    "Two young men pushed it towards Outering Road."
)
SWAHILI = (
    "Pikipiki yangu imeibiwa nje ya soko la Kariobangi asubuhi hii, Boxer nyekundu KMDX 123A. "
    "Vijana wawili waliisukuma kuelekea barabara ya Outering."
)


@pytest.fixture
def desk(db: Any, settings: Any, world: dict[str, Any]) -> Client:
    configure(settings)
    user = world["users"]["nps.analyst"]
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


def _report(text: str = ENGLISH, language: str = "en", minutes_ago: float = 0) -> Report:
    return services.submit_report(
        services.SubmissionInput(
            category="",
            description=text,
            channel="web",
            language=language,
            county="Nairobi",
            sub_county="Embakasi North",
            ward="Kariobangi North",
            location_text="Kariobangi market",
            occurred_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        )
    )


def test_a_new_item_with_category_and_priority_converts_directly(
    desk: Client, world: dict[str, Any]
) -> None:
    report = _report()
    assert report.status == "new" and report.category and report.priority
    posted = desk.post(f"/intake/triage/report/{report.pk}/incident/", {"station": "Kariobangi"})
    assert posted.status_code == 302
    report.refresh_from_db()
    assert report.status == "in_progress" and report.category_confirmed
    incident = Incident.objects.get(pk=report.incident_number)
    assert report.incident_ob == incident.ob_number and incident.ob_number.startswith(
        "OB/KARIOBANGI/1/"
    )
    page = desk.get(f"/intake/triage/report/{report.pk}/")
    body = page.content.decode()
    # the success message and the link name the OB number, not "#<database id>"
    assert incident.ob_number in body and f"#{incident.pk}" not in body
    assert f'href="/policing/incidents/{incident.pk}/"' in body


def test_saving_the_form_as_shown_triages_and_confirms(desk: Client) -> None:
    report = _report()
    form = {
        "triage": "1",
        "category": report.category,
        "priority": report.priority,
        "status": "new",  # the form sends back the status it showed
        "assigned_agency": "",
        "station": "",
        "public_note": "",
    }
    saved = desk.post(f"/intake/triage/report/{report.pk}/", form, follow=True)
    assert saved.status_code == 200
    assert "Saved." in [str(m) for m in saved.context["messages"]]
    report.refresh_from_db()
    assert report.status == "triaged" and report.category_confirmed


def test_the_queue_shows_labels_not_codes(desk: Client) -> None:
    _report()
    body = desk.get("/intake/triage/").content.decode()
    assert "<td>Normal</td><td>Received</td>" in body
    assert "Web form" in body
    for code in ("<td>normal</td>", "<td>new</td>", ">web<", "<td>urgent</td>"):
        assert code not in body
    swahili = desk.get("/intake/triage/", HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "<td>new</td>" not in swahili and "<td>normal</td>" not in swahili


def test_the_same_theft_in_english_and_swahili_is_one_group_with_one_priority(
    desk: Client, world: dict[str, Any]
) -> None:
    english = _report(ENGLISH, "en", minutes_ago=2)
    swahili = _report(SWAHILI, "sw", minutes_ago=0)
    assert english.suggested_category == swahili.suggested_category == "vehicle_theft"
    assert english.suggested_priority == swahili.suggested_priority
    groups = {(i.kind, i.id): i.group for i in staff.queue(world["users"]["nps.analyst"])}
    assert groups[("report", english.pk)] == groups[("report", swahili.pk)]


def test_moto_means_fire_only_as_a_word() -> None:
    assert suggest("Nyumba inaungua moto sasa!").priority == "urgent"
    assert suggest("Someone stole my motorbike at the market").priority == "normal"
    assert suggest("My motorcycle was taken from the parking").priority == "normal"


def test_a_different_theft_hours_later_in_another_language_is_not_grouped() -> None:
    now = dt.datetime(2026, 12, 6, 8, 0)
    a = duplicates.Item("a", "vehicle_theft", now, ENGLISH, ward="X", sub_county="Y")
    b = duplicates.Item("b", "vehicle_theft", now + dt.timedelta(hours=7), SWAHILI, "X", "Y")
    assert not duplicates.likely_duplicates(a, b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes=st.integers(min_value=0, max_value=119), swap=st.booleans())
def test_same_place_same_category_within_two_hours_is_grouped(minutes: int, swap: bool) -> None:
    now = dt.datetime(2026, 12, 6, 8, 0)
    a = duplicates.Item("a", "vehicle_theft", now, ENGLISH, lat=-1.256, lon=36.885)
    b = duplicates.Item(
        "b", "vehicle_theft", now + dt.timedelta(minutes=minutes), SWAHILI, lat=-1.2561, lon=36.8851
    )
    pair = [b, a] if swap else [a, b]
    assert duplicates.group(pair) == [[pair[0].key, pair[1].key]]


def test_converting_twice_keeps_one_incident(world: dict[str, Any]) -> None:
    user = world["users"]["nps.analyst"]
    report = _report()
    first = convert_to_incident(user, "report", report.pk)
    again = convert_to_incident(user, "report", report.pk)
    assert again.already and again.incident_id == first.incident_id and again.number == first.number
