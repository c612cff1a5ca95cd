"""Watchlists on the database (SQLite and PostgreSQL): screening of ingested records, alerts
and decisions, hit notices across agencies, owner-only writes, ANPR and the retention sweep."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.audit.models import AuditEvent
from usalama.audit.services import REFUSED_ACTION, Actor
from usalama.core.errors import NotFound, PermissionDenied
from usalama.records import services as records
from usalama.records.models import Source
from usalama.watchlists import services
from usalama.watchlists.models import Entry, Sighting, WatchlistAlert

PASSWORD = "correct horse battery staple 42"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WANTED = [
    {
        "id": "wanted-1",
        "schema": "Person",
        "properties": {"name": ["Hassan Mohammed Abdi"], "birthDate": ["1985-03-02"]},
    },
    {"id": "car-1", "schema": "Vehicle", "properties": {"registrationNumber": ["KDA 123A"]}},
]


def _login(client: Client, username: str) -> None:
    client.post("/login/", {"username": username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302


def _ingest(collection: Any, items: list[dict[str, Any]], name: str = "later.json") -> None:
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name=name,
        sha256="1" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    records.ingest_entities(
        Actor(name="test"), collection, source, [(e, str(i)) for i, e in enumerate(items)]
    )


@pytest.fixture
def wanted(world: dict[str, Any], settings: Any) -> Any:
    settings.TASKS = IMMEDIATE
    analyst = world["users"]["nps.analyst"]
    watchlist = services.create_watchlist(
        analyst, key="nps-wanted", label="NPS wanted", kind="wanted"
    )
    services.add_entries(
        analyst, watchlist.pk, WANTED, reason="warrant 12/2026", source="warrants.jsonl"
    )
    return watchlist


def test_screening_raises_an_alert_with_both_sides(world: dict[str, Any], wanted: Any) -> None:
    result = services.screen_collection(world["collections"]["nps"].pk)
    assert result.alerts == 1
    alert = WatchlistAlert.objects.get()
    assert alert.agency == world["agencies"]["NPS"]
    assert alert.record_entity_id == "nps-p1"
    assert alert.entry is not None and alert.entry.entity_id == "wanted-1"
    assert any("birth date 1985-03-02 equal" in r for r in alert.explanation)
    provenance = services.record_provenance(alert)
    assert provenance is not None and provenance.sources == ["fixture.json"]


def test_ingest_screens_in_the_background_and_false_positive_stays_quiet(
    world: dict[str, Any], wanted: Any
) -> None:
    collection = world["collections"]["nps"]
    newcomer = {
        "id": "nps-p9",
        "schema": "Person",
        "properties": {"name": ["Mohamed Abdi Hasan"], "birthDate": ["1985-03-02"]},
    }
    _ingest(collection, [newcomer])  # the signal queues the job; the immediate backend runs it
    alert = WatchlistAlert.objects.get(record_entity_id="nps-p9")
    analyst = world["users"]["nps.analyst"]
    services.decide(analyst, alert.pk, "false_positive", "different man")
    _ingest(collection, [newcomer], name="again.json")
    assert WatchlistAlert.objects.filter(record_entity_id="nps-p9").count() == 1
    alert.refresh_from_db()
    assert alert.status == "false_positive"
    assert AuditEvent.objects.filter(action="watchlists.decide", object_id=str(alert.pk)).exists()


def test_granted_agency_gets_the_alert_and_owner_a_notice_without_content(
    world: dict[str, Any], wanted: Any, client: Client, token_for: Any
) -> None:
    services.grant(world["users"]["nps.analyst"], wanted.pk, "DCI")
    services.screen_collection(world["collections"]["dci"].pk)
    dci_alert = WatchlistAlert.objects.get(agency=world["agencies"]["DCI"])
    assert dci_alert.record_entity_id == "dci-p1" and not dci_alert.notice
    notice = WatchlistAlert.objects.get(agency=world["agencies"]["NPS"], notice=True)
    rows = client.get(
        "/api/v1/alerts", headers={"Authorization": f"Bearer {token_for('nps.analyst')}"}
    ).json()
    shown = next(r for r in rows if r["id"] == notice.pk)
    assert shown["record_caption"] is None and shown["explanation"] == []
    assert shown["record_agency"] == "DCI"
    assert "Mohammed Hassan Abdi" not in json.dumps(rows)


def test_writes_are_owner_only_and_refusals_are_audited(
    world: dict[str, Any], wanted: Any, client: Client, token_for: Any
) -> None:
    services.grant(world["users"]["nps.analyst"], wanted.pk, "DCI")
    body = {"entities": [{"id": "x", "schema": "Person", "properties": {"name": ["Eve"]}}]}
    url = f"/api/v1/watchlists/{wanted.pk}/entries"

    def post(username: str | None) -> int:
        headers = {"Authorization": f"Bearer {token_for(username)}"} if username else {}
        return client.post(url, body, content_type="application/json", headers=headers).status_code

    assert post("dci.analyst") == 403  # granted: read-only
    assert post("odpp.prosecutor") == 404  # foreign: as if missing
    assert post(None) == 401
    assert Entry.objects.filter(entity_id="x").count() == 0
    denied = AuditEvent.objects.filter(action="watchlists.write_denied")
    assert {e.actor for e in denied} == {"dci.analyst", "odpp.prosecutor"}
    assert post("nps.analyst") == 201
    assert Entry.objects.filter(entity_id="x").count() == 1
    # granted agency reads, foreign does not
    dci = {"Authorization": f"Bearer {token_for('dci.analyst')}"}
    odpp = {"Authorization": f"Bearer {token_for('odpp.prosecutor')}"}
    assert client.get(url, headers=dci).status_code == 200
    assert client.get(url, headers=odpp).status_code == 404


def test_deciding_another_agencys_alert_is_404_and_audited(
    world: dict[str, Any], wanted: Any
) -> None:
    services.screen_collection(world["collections"]["nps"].pk)
    alert = WatchlistAlert.objects.get()
    with pytest.raises(NotFound):
        services.decide(world["users"]["dci.analyst"], alert.pk, "true_match")
    alert.refresh_from_db()
    assert alert.status == "new"
    assert AuditEvent.objects.filter(action="watchlists.decide_denied", actor="dci.analyst")


def test_roles_without_data_cannot_create(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.create_watchlist(world["users"]["nps.wellness"], key="w", label="w", kind="wanted")


def _sensor_token(world: dict[str, Any], cameras: tuple[str, ...] = ()) -> Any:
    from usalama.accounts import services as accounts

    return accounts.create_sensor_token(
        Actor(name="test"), world["agencies"]["NPS"], "Thika Road", cameras
    )


def test_anpr_sighting_with_ocr_confusions_raises_an_alert(
    world: dict[str, Any], wanted: Any, client: Client
) -> None:
    headers = {"Authorization": f"Bearer {_sensor_token(world).raw}"}
    hit = {
        "plate": "kda i23a",
        "camera_id": "cam-7",
        "time": "2026-12-01T10:00:00+03:00",
        "lat": -1.28,
        "lon": 36.82,
    }
    response = client.post(
        "/api/v1/sensors/anpr", hit, content_type="application/json", headers=headers
    )
    assert response.status_code == 201 and response.json()["alert"] is True
    miss = {**hit, "plate": "KBC 999Z"}
    response = client.post(
        "/api/v1/sensors/anpr", miss, content_type="application/json", headers=headers
    )
    assert response.status_code == 201 and response.json()["alert"] is False
    bad = {**hit, "lat": 123}
    assert (
        client.post(
            "/api/v1/sensors/anpr", bad, content_type="application/json", headers=headers
        ).status_code
        == 422
    )
    assert (
        client.post("/api/v1/sensors/anpr", hit, content_type="application/json").status_code == 401
    )
    assert Sighting.objects.count() == 2
    _login(client, "nps.analyst")
    hits = client.get("/watchlists/map/hits.json").json()["hits"]
    assert [h["plate"] for h in hits] == ["KDA 123A"] and hits[0]["read"] == "kda i23a"


def test_a_person_token_cannot_post_sightings_and_a_sensor_token_nothing_else(
    world: dict[str, Any], wanted: Any, client: Client, token_for: Any
) -> None:
    from usalama.accounts import services as accounts

    sighting = {
        "plate": "KDA 123A",
        "camera_id": "cam-7",
        "time": "2026-12-01T10:00:00+03:00",
        "lat": -1.28,
        "lon": 36.82,
    }
    analyst = {"Authorization": f"Bearer {token_for('nps.analyst')}"}
    response = client.post(
        "/api/v1/sensors/anpr", sighting, content_type="application/json", headers=analyst
    )
    assert response.status_code == 403 and "sensor token" in response.json()["message"]
    issued = _sensor_token(world, cameras=("cam-7",))
    sensor = {"Authorization": f"Bearer {issued.raw}"}
    for path in ("/api/v1/me", "/api/v1/watchlists", "/api/v1/alerts", "/api/v1/collections"):
        assert client.get(path, headers=sensor).status_code == 403, path
    assert (
        client.post(
            "/api/v1/subscriptions",
            {"kind": "search", "value": "x"},
            content_type="application/json",
            headers=sensor,
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(
        action=REFUSED_ACTION, actor="sensors.nps", object_type="api_token"
    ).exists()
    # bound to cam-7: another camera is refused and nothing is stored
    other = {**sighting, "camera_id": "cam-8"}
    response = client.post(
        "/api/v1/sensors/anpr", other, content_type="application/json", headers=sensor
    )
    assert response.status_code == 403 and Sighting.objects.count() == 0
    response = client.post(
        "/api/v1/sensors/anpr", sighting, content_type="application/json", headers=sensor
    )
    assert response.status_code == 201 and response.json()["alert"] is True
    assert WatchlistAlert.objects.get(origin="anpr").agency == world["agencies"]["NPS"]
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None
    # revoked: refused at once (the process's cache is dropped on revocation)
    accounts.revoke_token(Actor(name="test"), issued.token.pk)
    response = client.post(
        "/api/v1/sensors/anpr", sighting, content_type="application/json", headers=sensor
    )
    assert response.status_code == 401 and Sighting.objects.count() == 1
    # the sensor account cannot sign in on the web
    assert not accounts.sensor_account(
        Actor(name="t"), world["agencies"]["NPS"]
    ).has_usable_password()


def test_admin_console_issues_lists_and_revokes_sensor_tokens(
    world: dict[str, Any], client: Client
) -> None:
    from usalama.accounts import services as accounts
    from usalama.accounts.models import ApiToken

    accounts.create_user(
        Actor(name="test"),
        username="dci.admin",
        agency=world["agencies"]["DCI"],
        roles=["agency_admin"],
        password=PASSWORD,
    )
    _login(client, "sysadmin")
    response = client.post(
        "/admin-console/sensors/", {"name": "Mombasa Road", "cameras": "cam-1\ncam-2, cam-3"}
    )
    assert response.status_code == 200 and b"sensor-token-value" in response.content
    token = ApiToken.objects.get(scope="sensor")
    assert token.cameras == ["cam-1", "cam-2", "cam-3"]
    assert token.user.agency == world["agencies"]["NPS"]
    page = client.get("/admin-console/sensors/").content.decode()
    assert "Mombasa Road" in page and "cam-1, cam-2, cam-3" in page
    assert client.post("/admin-console/sensors/", {"name": ""}).status_code == 400
    assert client.post(f"/admin-console/sensors/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(token.pk)).exists()
    # another agency's administrator neither sees nor revokes the NPS token
    issued = accounts.create_sensor_token(Actor(name="t"), world["agencies"]["NPS"], "Gate")
    other = Client()
    _login(other, "dci.admin")
    assert "Gate" not in other.get("/admin-console/sensors/").content.decode()
    assert other.post(f"/admin-console/sensors/{issued.token.pk}/revoke/").status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_sweep_deletes_sightings_without_hit_after_retention(
    world: dict[str, Any], wanted: Any, settings: Any
) -> None:
    settings.USALAMA_ANPR_RETENTION_DAYS = 30
    analyst = world["users"]["nps.analyst"]
    when = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    kept, _ = services.record_sighting(
        analyst, plate="KDA123A", camera_id="c", seen_at=when, lat=0, lon=0
    )
    gone, _ = services.record_sighting(
        analyst, plate="KCC111C", camera_id="c", seen_at=when, lat=0, lon=0
    )
    received = gone.received_at
    assert services.sweep(received + timedelta(days=29)).sightings_deleted == 0
    assert Sighting.objects.filter(pk=gone.pk).exists()
    result = services.sweep(received + timedelta(days=31))
    assert result.sightings_deleted == 1
    assert not Sighting.objects.filter(pk=gone.pk).exists()
    assert Sighting.objects.filter(pk=kept.pk).exists()
    event = AuditEvent.objects.filter(action="watchlists.sweep").latest("id")
    assert event.details["sightings_deleted"] == 1


def test_subscription_to_an_identifier_raises_an_alert(
    world: dict[str, Any], settings: Any
) -> None:
    settings.TASKS = IMMEDIATE
    analyst = world["users"]["nps.analyst"]
    services.subscribe(analyst, "identifier", "+254 733 000 111")
    _ingest(
        world["collections"]["nps"],
        [
            {
                "id": "nps-p7",
                "schema": "Person",
                "properties": {"name": ["Juma Said"], "phone": ["+254733000111"]},
            },
        ],
    )
    alert = WatchlistAlert.objects.get(origin="subscription")
    assert alert.record_entity_id == "nps-p7" and alert.agency == world["agencies"]["NPS"]


def test_csv_import_with_mapping_and_bad_rows(world: dict[str, Any]) -> None:
    text = "full_name,dob,nid\nAli Omar Juma,1990-01-02,12345678\n"
    entities = services.parse_csv(
        text, "Person", {"full_name": "name", "dob": "birthDate", "nid": "idNumber"}
    )
    assert entities[0]["properties"]["idNumber"] == ["12345678"]
    with pytest.raises(Exception, match="no property"):
        services.parse_csv(text, "Person", {"full_name": "nonsense"})


def test_pages_for_the_analyst_and_refusals_for_others(
    world: dict[str, Any], wanted: Any, client: Client
) -> None:
    services.screen_collection(world["collections"]["nps"].pk)
    alert = WatchlistAlert.objects.get()
    _login(client, "nps.analyst")
    for url in (
        "/watchlists/",
        f"/watchlists/{wanted.pk}/",
        "/watchlists/alerts/",
        f"/watchlists/alerts/{alert.pk}/",
        "/watchlists/map/",
        "/watchlists/subscriptions/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/watchlists/alerts/{alert.pk}/").content.decode()
    assert "fixture.json" in page and "warrants.jsonl" in page and "warrant 12/2026" in page
    response = client.post(f"/watchlists/alerts/{alert.pk}/decide/", {"status": "true_match"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "true_match"
    other = Client()
    _login(other, "dci.analyst")
    assert other.get(f"/watchlists/alerts/{alert.pk}/").status_code == 404
    assert other.get(f"/watchlists/{wanted.pk}/").status_code == 404
    assert (
        other.post(
            f"/watchlists/alerts/{alert.pk}/decide/", {"status": "false_positive"}
        ).status_code
        == 404
    )
    upload = other.post(f"/watchlists/{wanted.pk}/grant/", {"agency": "DCI"})
    assert upload.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "true_match"
    assert Client().get("/watchlists/alerts/").status_code == 302  # anonymous: to login


def test_api_decision_and_bad_input(
    world: dict[str, Any], wanted: Any, client: Client, token_for: Any
) -> None:
    services.screen_collection(world["collections"]["nps"].pk)
    alert = WatchlistAlert.objects.get()
    headers = {"Authorization": f"Bearer {token_for('nps.analyst')}"}
    url = f"/api/v1/alerts/{alert.pk}/decision"
    bad = client.post(url, {"status": "maybe"}, content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "status" in bad.json()["message"]
    good = client.post(
        url,
        {"status": "needs_review", "note": "check DOB"},
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 200 and good.json()["status"] == "needs_review"
    foreign = {"Authorization": f"Bearer {token_for('dci.analyst')}"}
    assert (
        client.post(
            url, {"status": "true_match"}, content_type="application/json", headers=foreign
        ).status_code
        == 404
    )
    alert.refresh_from_db()
    assert alert.status == "needs_review"


def test_sweep_command_uses_the_given_clock(
    world: dict[str, Any], wanted: Any, capsys: Any
) -> None:
    from usalama.cli import main

    services.record_sighting(
        world["users"]["nps.analyst"],
        plate="KCC111C",
        camera_id="c",
        seen_at=datetime(2026, 11, 1, tzinfo=UTC),
        lat=0,
        lon=0,
    )
    main(["watchlist", "sweep", "--now", "2099-01-01T00:00:00+00:00"])
    assert "1 sightings deleted" in capsys.readouterr().out
    assert Sighting.objects.count() == 0
    with pytest.raises(SystemExit) as exit_:
        main(["watchlist", "sweep", "--now", "yesterday"])
    assert exit_.value.code == 2
