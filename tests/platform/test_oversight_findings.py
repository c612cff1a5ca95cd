"""IPOA records findings, penalties, further allegations, summonses and attendance from the
complaint page and the API; a police agency the complaint is shared with only reads it, and
another agency does not see it at all. Refusals are audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.platform.clients import bearer
from tests.platform.oversight_helpers import build, login
from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput
from usalama.oversight import services
from usalama.oversight.models import Allegation, Complaint, Officer, Summons

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return build()


def test_investigator_records_a_finding_a_summons_and_attendance_on_the_page(
    world: dict[str, Any],
) -> None:
    pk = world["private"].pk
    client = login(Client(), world["users"]["ipoa.investigator"])
    page = client.get(f"/oversight/complaints/{pk}/").content.decode()
    assert 'id="summons-form"' in page and "allegation-form" in page
    allegation = world["private"].allegations.get()

    answer = client.post(
        f"/oversight/complaints/{pk}/allegations/{allegation.pk}/",
        {"officer": "nps-1001", "finding": "sustained", "penalty": "suspension"},
        follow=True,
    )
    assert "The allegation is updated." in answer.content.decode()
    allegation.refresh_from_db()
    assert (allegation.officer.name, allegation.finding, allegation.penalty) == (
        "Juma Otieno",
        "sustained",
        "suspension",
    )

    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    client.post(f"/oversight/complaints/{pk}/summonses/", {"officer": "NPS:NPS-1002", "due": due})
    summons = Summons.objects.get(complaint_id=pk)
    assert summons.officer.name == "Akinyi Wanjiru" and not summons.ignored
    page = client.get(f"/oversight/complaints/{pk}/").content.decode()
    assert "Akinyi Wanjiru" in page and "Record attendance" in page

    client.post(f"/oversight/complaints/{pk}/summonses/{summons.pk}/attended/")
    summons.refresh_from_db()
    assert summons.attended_at is not None
    again = client.post(
        f"/oversight/complaints/{pk}/summonses/{summons.pk}/attended/", follow=True
    ).content.decode()
    assert "already recorded" in again

    client.post(
        f"/oversight/complaints/{pk}/allegations/",
        {"category": "unlawful_arrest", "officer_description": "a tall sergeant, no name tag"},
    )
    assert list(Allegation.objects.filter(complaint_id=pk).values_list("category", flat=True)) == [
        "excessive_force",
        "unlawful_arrest",
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "oversight.allegation.update",
        "oversight.summons.issue",
        "oversight.summons.attend",
        "oversight.allegation.add",
    } <= actions


def test_bad_input_is_named_and_changes_nothing(world: dict[str, Any]) -> None:
    pk = world["private"].pk
    ipoa = world["users"]["ipoa.investigator"]
    allegation = world["private"].allegations.get()
    client = login(Client(), ipoa)
    url = f"/oversight/complaints/{pk}/allegations/{allegation.pk}/"
    unknown = client.post(url, {"officer": "NPS-9999"}, follow=True).content.decode()
    assert "no officer with service number" in unknown
    penalty = client.post(
        url, {"finding": "not_sustained", "penalty": "dismissal"}, follow=True
    ).content.decode()
    assert "a penalty follows only a sustained finding" in penalty
    allegation.refresh_from_db()
    assert (allegation.officer, allegation.finding, allegation.penalty) == (None, "", "")
    client.post(f"/oversight/complaints/{pk}/summonses/", {"officer": "NPS-1001", "due": "soon"})
    assert not Summons.objects.exists()

    # the same number in two registries must be told apart
    Officer.objects.create(agency=world["agencies"]["DCI"], service_number="NPS-1001", name="X")
    with pytest.raises(InvalidInput, match=r"(NPS and DCI|DCI and NPS)"):
        services.find_officer("NPS-1001")
    assert services.find_officer("dci:NPS-1001").name == "X"


def test_shared_police_agency_reads_but_cannot_record_and_others_get_404(
    world: dict[str, Any],
) -> None:
    shared = world["shared"]
    allegation = shared.allegations.get()
    nps = login(Client(), world["users"]["nps.iau"])
    page = nps.get(f"/oversight/complaints/{shared.pk}/").content.decode()
    assert "allegation-form" not in page and 'id="summons-form"' not in page
    refused = nps.post(
        f"/oversight/complaints/{shared.pk}/allegations/{allegation.pk}/",
        {"finding": "sustained"},
    )
    assert refused.status_code == 403
    assert (
        nps.post(
            f"/oversight/complaints/{shared.pk}/summonses/",
            {"officer": "NPS-1001", "due": "2030-01-01"},
        ).status_code
        == 403
    )
    allegation.refresh_from_db()
    assert allegation.finding == "" and not Summons.objects.exists()
    refused_actions = set(
        AuditEvent.objects.filter(action__endswith=".refused").values_list("action", flat=True)
    )
    assert {"oversight.allegation.update.refused", "oversight.summons.issue.refused"} <= (
        refused_actions
    )

    dci = login(Client(), world["users"]["dci.analyst"])
    private = world["private"]
    assert dci.get(f"/oversight/complaints/{private.pk}/").status_code == 404
    assert (
        dci.post(
            f"/oversight/complaints/{private.pk}/summonses/",
            {"officer": "NPS-1001", "due": "2030-01-01"},
        ).status_code
        == 404
    )


def test_api_records_findings_and_summonses_for_the_owner_only(world: dict[str, Any]) -> None:
    pk = world["private"].pk
    allegation = world["private"].allegations.get()
    client = Client()
    ipoa = bearer(world["users"]["ipoa.investigator"])
    answer = client.post(
        f"/api/v1/oversight/complaints/{pk}/allegations/{allegation.pk}",
        json.dumps({"officer": "NPS-1001", "finding": "sustained", "penalty": "reprimand"}),
        content_type="application/json",
        **ipoa,
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["allegations"][0]["finding"] == "sustained"
    filed = client.post(
        f"/api/v1/oversight/complaints/{pk}/summonses",
        json.dumps({"officer": "NPS-1002", "due_at": "2020-01-01T09:00:00+03:00"}),
        content_type="application/json",
        **ipoa,
    )
    assert filed.status_code == 201
    (summons,) = filed.json()["summonses"]
    assert summons["service_number"] == "NPS-1002" and summons["ignored"] is True
    added = client.post(
        f"/api/v1/oversight/complaints/{pk}/allegations",
        json.dumps({"category": "not-a-category"}),
        content_type="application/json",
        **ipoa,
    )
    assert added.status_code in (400, 422) and "category" in added.json()["message"]

    shared = world["shared"]
    nps_token = bearer(world["users"]["nps.iau"])
    refused = client.post(
        f"/api/v1/oversight/complaints/{shared.pk}/summonses",
        json.dumps({"officer": "NPS-1001", "due_at": "2030-01-01T09:00:00+03:00"}),
        content_type="application/json",
        **nps_token,
    )
    assert refused.status_code == 403
    dci_token = bearer(world["users"]["dci.analyst"])
    hidden = client.post(
        f"/api/v1/oversight/complaints/{pk}/summonses/1/attended",
        content_type="application/json",
        **dci_token,
    )
    assert hidden.status_code == 404
    assert Complaint.objects.get(pk=pk).summonses.count() == 1


def test_an_infinite_disparity_is_stored_capped_and_shown_as_unbounded(
    world: dict[str, Any],
) -> None:
    from usalama.audit.services import Actor
    from usalama.oversight.models import UNBOUNDED_DISPARITY

    model = services.publish_model(
        Actor(name="test"),
        world["agencies"]["NPS"],
        version="eis-zero-rate",
        as_of=dt.date(2026, 6, 1),
        metrics={},
        fairness=[],
        max_disparity=float("inf"),
    )
    assert model.max_disparity == UNBOUNDED_DISPARITY and not model.deployed
    client = login(Client(), world["users"]["nps.commander"])
    page = client.get(f"/oversight/early-intervention/models/{model.pk}/").content.decode()
    assert "unbounded (a group with a rate of zero)" in page and "1000000" not in page
    assert "unbounded" in client.get("/oversight/early-intervention/").content.decode()


def test_fairness_groupings_are_labelled_in_both_languages(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["nps.commander"])
    url = f"/oversight/early-intervention/models/{world['model'].pk}/"
    assert "Fairness by gender" in client.get(url).content.decode()
    swahili = client.get(url, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "jinsia" in swahili and ">gender<" not in swahili
