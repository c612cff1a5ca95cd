"""Case pages and the justice dashboard through the web client, and done-means 4."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.platform.cases_helpers import PASSWORD, add_justice
from tests.platform.clients import log_in
from usalama.audit.models import AuditEvent
from usalama.cases import services
from usalama.cases.models import ChainEvent
from usalama.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice(world: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return add_justice(world)


def test_case_pages_owner_shared_and_foreign(justice: dict[str, Any]) -> None:
    case = justice["case"]
    url = f"/cases/{case.reference}/"
    owner = log_in("dci.analyst")
    page = owner.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kasarani" in body and "Penal Code s. 296(2)" in body and "/network/?node=dci-p1" in body
    assert owner.get("/cases/").status_code == 200
    assert owner.get("/cases/justice/").status_code == 200
    foreign = log_in("nps.analyst")
    assert foreign.get(url).status_code == 404
    refused = AuditEvent.objects.filter(action="case.write_refused").count()
    response = foreign.post(
        f"{url}events/",
        {"kind": "arrested", "accused": justice["accused"].pk, "occurred_at": "2026-01-01T10:00"},
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="case.write_refused").count() == refused + 1
    prosecutor = log_in("odpp.prosecutor")
    assert prosecutor.get(url).status_code == 404
    assert owner.post(f"{url}share/", {"agency": "odpp"}).status_code == 302
    page = prosecutor.get(url).content.decode()
    assert "Charge decision" in page and 'value="arrested"' not in page
    # the prosecutor's charge decision, then a refused arrest (403, nothing written)
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    ok = prosecutor.post(
        f"{url}events/",
        {
            "kind": "charge_decision",
            "detail": "charge",
            "accused": justice["accused"].pk,
            "occurred_at": when,
        },
    )
    assert ok.status_code == 302
    assert ChainEvent.objects.filter(
        case=case, kind="charge_decision", agency__code="ODPP"
    ).exists()
    count = ChainEvent.objects.count()
    no = prosecutor.post(
        f"{url}events/",
        {"kind": "arrested", "accused": justice["accused"].pk, "occurred_at": when},
    )
    assert no.status_code == 403 and ChainEvent.objects.count() == count
    assert prosecutor.post(f"{url}offences/", {"statute": "X", "section": "1"}).status_code == 403
    anonymous = Client()
    assert anonymous.post(f"{url}events/", {"kind": "arrested"}).status_code == 302  # to login
    assert ChainEvent.objects.count() == count


def test_a_bad_field_comes_back_named(justice: dict[str, Any]) -> None:
    owner = log_in("dci.analyst")
    url = f"/cases/{justice['case'].reference}/"
    response = owner.post(
        f"{url}events/",
        {"kind": "arrested", "accused": justice["accused"].pk, "occurred_at": "yesterday"},
        follow=True,
    )
    assert response.status_code == 200 and "occurred_at" in response.content.decode()


def test_exhibit_upload_from_the_page(justice: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner = log_in("dci.analyst")
    url = f"/cases/{justice['case'].reference}/exhibits/"
    response = owner.post(
        url,
        {
            "number": "EX-9",
            "kind": "digital",
            "description": "CCTV still",
            "files": [SimpleUploadedFile("still.jpg", b"\xff\xd8jpeg")],
        },
    )
    assert response.status_code == 302
    exhibit = justice["case"].exhibits.get(number="EX-9")
    assert exhibit.files.get().size == 6 and exhibit.transfers.count() == 1


def _demo_like_log(justice: dict[str, Any]) -> None:
    users, case, accused = justice["users"], justice["case"], justice["accused"]
    analyst = users["dci.analyst"]
    now = timezone.now()
    services.share_case(analyst, case, "ODPP")
    services.share_case(analyst, case, "JUD")
    steps = [
        (analyst, "arrested", "", 9),
        (users["jud.clerk"], "first_appearance", "", 7),
        (users["jud.clerk"], "remanded", "", 7),
        (users["odpp.prosecutor"], "charge_decision", "charge", 6),
        (users["odpp.prosecutor"], "charged", "", 5),
        (users["jud.clerk"], "hearing", "adjourned", 4),
        (users["jud.clerk"], "hearing", "heard", 3),
        (users["jud.clerk"], "judgment", "convicted", 2),
        (users["jud.clerk"], "sentenced", "custodial", 1),
    ]
    for user, kind, detail, days in steps:
        services.record_event(
            user,
            case,
            kind=kind,
            detail=detail,
            accused=accused,
            occurred_at=now - timedelta(days=days),
        )


def test_dashboard_equals_justice_kpis_on_the_exported_log(
    justice: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _demo_like_log(justice)
    today = timezone.localdate()
    start, end = (today - timedelta(days=30)).isoformat(), (today + timedelta(days=1)).isoformat()
    owner = log_in("dci.analyst")
    page = owner.get(f"/cases/justice/?from={start}&to={end}")
    assert page.status_code == 200
    exported = owner.get(f"/cases/justice/kpis.csv?from={start}&to={end}")
    web = {
        row["kpi"]: row["value"] for row in csv.DictReader(io.StringIO(exported.content.decode()))
    }
    out = tmp_path / "events.csv"
    main(["justice", "export-events", "--out", str(out)])
    capsys.readouterr()
    main(["justice", "kpis", "--events", str(out), "--from", start, "--to", end, "--json"])
    cli = json.loads(capsys.readouterr().out)
    flat: dict[str, str] = {}
    for key, value in cli.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": repr(number) for sub, number in value.items()})
        else:
            flat[key] = "" if value is None else repr(value)
    assert web == flat
    assert cli["arrests"] == 1 and cli["judgments"] == 1 and cli["adjournment_rate"] == 0.5
    # the page shows the same figures (rates as percentages)
    body = page.content.decode()
    assert 'data-kpi="adjournment_rate">50.0 %' in body
    assert 'data-kpi="arrests">1<' in body


def test_api_cases_events_and_kpis(justice: dict[str, Any], token_for: Any) -> None:
    client = Client()
    reference = justice["case"].reference
    owner = {"HTTP_AUTHORIZATION": f"Bearer {token_for('dci.analyst')}"}
    foreign = {"HTTP_AUTHORIZATION": f"Bearer {token_for('nps.analyst')}"}
    prosecutor = {"HTTP_AUTHORIZATION": f"Bearer {token_for('odpp.prosecutor')}"}
    listed = client.get("/api/v1/cases", **owner).json()
    assert [c["reference"] for c in listed] == [reference]
    assert client.get("/api/v1/cases", **foreign).json() == []
    assert client.get(f"/api/v1/cases/{reference}", **foreign).status_code == 404
    detail = client.get(f"/api/v1/cases/{reference}", **owner).json()
    assert (
        detail["offences"] == ["Penal Code s. 296(2)"] and detail["events"][0]["kind"] == "reported"
    )
    when = (timezone.now() - timedelta(hours=5)).isoformat()
    arrest = {"kind": "arrested", "occurred_at": when, "accused_entity_id": "dci-p1"}
    created = client.post(
        f"/api/v1/cases/{reference}/events", arrest, content_type="application/json", **owner
    )
    assert created.status_code == 201 and created.json()["agency"] == "DCI"
    refused = client.post(
        f"/api/v1/cases/{reference}/events", arrest, content_type="application/json", **foreign
    )
    assert refused.status_code == 404
    services.share_case(justice["users"]["dci.analyst"], justice["case"], "ODPP")
    refused = client.post(
        f"/api/v1/cases/{reference}/events", arrest, content_type="application/json", **prosecutor
    )
    assert refused.status_code == 403
    bad = client.post(
        f"/api/v1/cases/{reference}/events",
        {**arrest, "detail": "dawn"},
        content_type="application/json",
        **owner,
    )
    assert bad.status_code == 422 and bad.json()["message"].startswith("detail:")
    today = timezone.localdate()
    kpis = client.get(
        f"/api/v1/justice/kpis?from={today - timedelta(days=2)}&to={today + timedelta(days=1)}",
        **owner,
    ).json()
    assert kpis["arrests"] == 1 and kpis["court_within_24h_rate"] == 0.0
    assert (
        client.get("/api/v1/justice/kpis?from=2026-02-01&to=2026-01-01", **owner).status_code == 422
    )


def test_menu_entries_open_for_every_role_that_sees_them(justice: dict[str, Any]) -> None:
    from usalama.accounts.menus import menu_for

    for username in ("dci.analyst", "odpp.prosecutor", "jud.clerk", "nps.wellness"):
        user = justice["users"][username]
        entries = {key: url for key, _label, url in menu_for(user)}
        client = log_in(username)
        if username == "nps.wellness":
            assert "cases" not in entries and "justice" not in entries
            assert client.get("/cases/").status_code == 404
            assert client.get("/cases/justice/").status_code == 404
            continue
        for key in ("cases", "justice"):
            assert client.get(entries[key]).status_code == 200, (username, key)


def test_disclosure_bundle_download(justice: dict[str, Any]) -> None:
    import hashlib

    from usalama.cases.models import DisclosureBundle

    reference = justice["case"].reference
    owner = log_in("dci.analyst")
    assert owner.post(f"/cases/{reference}/disclosure/", {"redact": "Kasarani"}).status_code == 302
    bundle = DisclosureBundle.objects.get(case=justice["case"])
    url = f"/cases/{reference}/disclosure/{bundle.pk}.zip"
    response = owner.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == bundle.sha256
    assert log_in("nps.analyst").get(url).status_code == 404
    assert log_in("jud.clerk").get(url).status_code == 404  # not shared


def test_court_clerk_gets_no_links_to_pages_it_cannot_open(justice: dict[str, Any]) -> None:
    case = justice["case"]
    services.share_case(justice["users"]["dci.analyst"], case, "JUD")
    clerk = log_in("jud.clerk")
    body = clerk.get(f"/cases/{case.reference}/").content.decode()
    assert "Mohammed Hassan Abdi" in body
    assert "/entities/dci-p1/" not in body and "?node=" not in body
    assert clerk.get("/entities/dci-p1/").status_code == 404  # why: clerks do not read records


def test_mla_request_overdue_then_executed(justice: dict[str, Any]) -> None:
    from usalama.cases.models import MlaRequest

    case = justice["case"]
    owner = log_in("dci.analyst")
    url = f"/cases/{case.reference}/"
    due = (timezone.localdate() - timedelta(days=3)).isoformat()
    posted = owner.post(
        f"{url}mla/",
        {
            "direction": "outgoing",
            "requesting_state": "ke",
            "requested_state": "UG",
            "subject": "Bank records",
            "legal_basis": "Mutual Legal Assistance Act, 2011",
            "due_on": due,
        },
    )
    assert posted.status_code == 302
    request = MlaRequest.objects.get(case=case)
    assert (request.requesting_state, request.status) == ("KE", "sent")
    assert "overdue" in owner.get(url).content.decode()
    assert [m.pk for m in services.overdue_mla(justice["users"]["dci.analyst"])] == [request.pk]
    services.share_case(justice["users"]["dci.analyst"], case, "ODPP")
    refused = log_in("odpp.prosecutor").post(f"{url}mla/{request.pk}/", {"status": "executed"})
    assert refused.status_code == 403
    assert owner.post(f"{url}mla/{request.pk}/", {"status": "executed"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "executed" and request.answered_on == timezone.localdate()
    assert services.overdue_mla(justice["users"]["dci.analyst"]) == []
    bad = owner.post(
        f"{url}mla/", {"direction": "outgoing", "requesting_state": "Kenya"}, follow=True
    )
    assert bad.status_code == 200 and "requesting_state" in bad.content.decode()


def test_custody_received_from_the_page_with_a_password(justice: dict[str, Any]) -> None:
    from usalama.cases import evidence

    case = justice["case"]
    exhibit = evidence.add_exhibit(
        justice["users"]["dci.analyst"],
        case,
        number="EX-5",
        kind="physical",
        description="Knife",
        seal_number="S-5",
    )
    services.share_case(justice["users"]["dci.analyst"], case, "ODPP")
    prosecutor = log_in("odpp.prosecutor")
    url = f"/cases/{case.reference}/exhibits/{exhibit.pk}/custody/"
    assert prosecutor.post(url, {"purpose": "review", "password": "wrong"}).status_code == 403
    assert exhibit.transfers.count() == 1
    assert prosecutor.post(url, {"purpose": "review", "password": PASSWORD}).status_code == 302
    assert exhibit.transfers.last().to_holder == "odpp.prosecutor"  # type: ignore[union-attr]
    assert (
        log_in("nps.analyst").post(url, {"purpose": "x", "password": PASSWORD}).status_code == 404
    )


def test_references_and_notices_from_the_page(justice: dict[str, Any]) -> None:
    case = justice["case"]
    url = f"/cases/{case.reference}/"
    owner = log_in("dci.analyst")
    response = owner.post(
        f"{url}references/",
        {
            "ob_station": "Kasarani",
            "ob_number": "12",
            "ob_date": "2026-01-02",
            "dci_file": "DCI/NRB/2026/77",
            "odpp_file": "ODPP/NRB/9",
            "court_case": "MCCR/E12/2026",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.odpp_file, case.court_case, case.ob_reference) == (
        "ODPP/NRB/9",
        "MCCR/E12/2026",
        "Kasarani OB 12 02/01/2026",
    )
    notice = {"colour": "red", "reference": "2026/RED/1", "subject": "Arrest for extradition"}
    assert owner.post(f"{url}notices/", notice).status_code == 302
    assert "2026/RED/1" in owner.get(url).content.decode()
    services.share_case(justice["users"]["dci.analyst"], case, "ODPP")
    prosecutor = log_in("odpp.prosecutor")
    assert prosecutor.post(f"{url}notices/", notice).status_code == 403
    assert prosecutor.post(f"{url}references/", {"court_case": "X"}).status_code == 403
    case.refresh_from_db()
    assert case.court_case == "MCCR/E12/2026"


def test_a_shared_case_links_only_the_records_the_reader_may_open(
    justice: dict[str, Any],
) -> None:
    """A case shared with the prosecutors names the DCI's suspect; the suspect's record is
    the DCI's own. Until the DCI shares that record too, the name is plain text with a note,
    not a link that would answer 404."""
    from usalama.records.models import CollectionGrant

    case = justice["case"]
    url = f"/cases/{case.reference}/"
    owner = log_in("dci.analyst")
    assert owner.post(f"{url}share/", {"agency": "odpp"}).status_code == 302
    prosecutor = log_in("odpp.prosecutor")
    page = prosecutor.get(url).content.decode()
    assert "/entities/dci-p1/" not in page and "/network/?node=dci-p1" not in page
    assert "record not shared with your agency" in page
    assert prosecutor.get("/entities/dci-p1/").status_code == 404
    CollectionGrant.objects.create(
        collection=justice["collections"]["dci"],
        agency=justice["agencies"]["ODPP"],
        granted_by="dci.supervisor",
        purpose="prosecution",
    )
    page = prosecutor.get(url).content.decode()
    assert "/entities/dci-p1/" in page and "record not shared with your agency" not in page
    assert prosecutor.get("/entities/dci-p1/").status_code == 200
    # the clerk reads no records: names, never links, and no note about sharing
    assert owner.post(f"{url}share/", {"agency": "jud"}).status_code == 302
    clerk = log_in("jud.clerk").get(url).content.decode()
    assert "/entities/dci-p1/" not in clerk and "record not shared" not in clerk
