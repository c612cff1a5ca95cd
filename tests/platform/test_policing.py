"""Policing app on the database: import, response times, forecast page, access and audit.

Runs on SQLite by default and on PostgreSQL with USALAMA_DATABASE_URL.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.shared_data import SHARED_DATA
from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.policing import services
from usalama.policing.mappings import BUILTIN, load_mapping
from usalama.policing.models import Incident
from usalama.policing.reading import read_incident_file

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"
CRIME = SHARED_DATA / "crime"
SEATTLE = CRIME / "seattle_calls_sample.csv"
PORTLAND_AUG = CRIME / "portland_calls_2016_08.xlsx"
needs_data = pytest.mark.skipif(not SEATTLE.exists(), reason="shared crime data not present")


def _login(client: Client, username: str) -> None:
    client.post("/login/", {"username": username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/otp/", {"token": code})
    assert response.status_code == 302


@pytest.fixture
def seattle(world: dict[str, Any]) -> services.ImportResult:
    return services.import_incidents(
        world["users"]["nps.analyst"], [SEATTLE], "nps-seattle-calls", "seattle"
    )


@pytest.fixture(scope="module")
def portland_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 8th call of August 2016, written as CSV with the original columns."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(PORTLAND_AUG)).get_sheet_by_index(0).to_python()
    path = tmp_path_factory.mktemp("portland") / "portland_2016_08_slice.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1::8]:
            writer.writerow([c.isoformat() if isinstance(c, dt.date) else c for c in row])
    return path


def _seattle_rows() -> list[dict[str, str]]:
    with SEATTLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _p90(values: list[float]) -> float:
    """Linear interpolation between order statistics, by hand."""
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@needs_data
def test_seattle_imports_as_is_and_reimport_is_idempotent(
    world: dict[str, Any], seattle: services.ImportResult
) -> None:
    assert (seattle.created, seattle.updated, seattle.rows_read) == (222, 0, 222)
    collection = world["agencies"]["NPS"].collections.get(key="nps-seattle-calls")
    first = Incident.objects.get(collection=collection, external_id="2023000319821")
    # 11/04/2023 6:08:26 PM in Seattle (PDT, UTC-7) is 01:08:26 UTC the next day.
    assert first.received_at == dt.datetime(2023, 11, 5, 1, 8, 26, tzinfo=dt.UTC)
    assert first.arrived_at == dt.datetime(2023, 11, 5, 1, 51, 6, tzinfo=dt.UTC)
    assert (first.priority, first.beat, first.station) == ("2", "C3", "EAST")
    assert first.latitude == pytest.approx(47.6176603) and first.longitude == pytest.approx(
        -122.28112
    )
    again = services.import_incidents(
        world["users"]["nps.analyst"], [SEATTLE], "nps-seattle-calls", "seattle"
    )
    assert (again.created, again.updated) == (0, 222)
    assert Incident.objects.filter(collection=collection).count() == 222
    assert AuditEvent.objects.filter(action="incidents.import", actor="nps.analyst").count() == 2


@needs_data
def test_response_times_match_a_hand_computation(
    world: dict[str, Any], seattle: services.ImportResult
) -> None:
    by_priority: dict[str, list[float]] = {}
    fmt = "%m/%d/%Y %I:%M:%S %p"
    for row in _seattle_rows():
        if not row["Arrived Time"]:
            continue
        queued = dt.datetime.strptime(row["Original Time Queued"], fmt)
        arrived = dt.datetime.strptime(row["Arrived Time"], fmt)
        minutes = (arrived - queued).total_seconds() / 60
        if minutes >= 0:
            by_priority.setdefault(row["Priority"], []).append(minutes)
    view = services.response_times(
        world["users"]["nps.analyst"], "nps-seattle-calls", standards={"1": 15}
    )
    table = {r["priority"]: r for r in view.report.by["priority"].iter_rows(named=True)}
    for priority in ("1", "2", "3"):
        hand = by_priority[priority]
        assert table[priority]["measured"] == len(hand)
        assert table[priority]["median"] == pytest.approx(statistics.median(hand), abs=1e-6)
        assert table[priority]["p90"] == pytest.approx(_p90(hand), abs=1e-6)
    share = view.report.standards.row(0, named=True)
    met = sum(1 for m in by_priority["1"] if m <= 15)
    assert (share["met"], share["measured"]) == (met, len(by_priority["1"]))
    # Hour of day is the local hour written in the file, not the UTC hour.
    hours = {r["hour"]: r["calls"] for r in view.report.by["hour"].iter_rows(named=True)}
    hand_hours: dict[int, int] = {}
    for row in _seattle_rows():
        hour = dt.datetime.strptime(row["Original Time Queued"], fmt).hour
        hand_hours[hour] = hand_hours.get(hour, 0) + 1
    assert hours == hand_hours


@needs_data
def test_portland_xlsx_reads_as_is_with_feet_converted_to_wgs84() -> None:
    parsed = read_incident_file(PORTLAND_AUG, load_mapping("portland"))
    assert not parsed.errors and parsed.frame.height > 19_000
    lat, lon = parsed.frame["latitude"], parsed.frame["longitude"]
    assert 45.2 < lat.drop_nulls().median() < 45.7  # type: ignore[operator]
    assert -122.9 < lon.drop_nulls().median() < -122.4  # type: ignore[operator]
    assert parsed.frame["external_id"][0] == "portland_calls_2016_08.xlsx:2"


@needs_data
def test_portland_slice_forecast_page_and_patrol_plan(
    world: dict[str, Any], portland_slice: Path, client: Client
) -> None:
    result = services.import_incidents(
        world["users"]["nps.analyst"], [portland_slice], "nps-portland-calls", "portland"
    )
    assert result.created > 2000 and result.no_coordinates >= 0
    _login(client, "nps.analyst")
    page = client.get(
        "/policing/hotspots/",
        {
            "collection": "nps-portland-calls",
            "method": "naive",
            "cell": "600",
            "units": "ft",
            "sync": "1",  # the forecast in the page itself (as without JavaScript)
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ranked-cells"' in html and 'id="patrol-plan"' in html
    assert "hotspot-cells" in html and "Lum &" in html
    assert "portland_2016_08_slice.csv" in html  # the data the forecast rests on
    event = AuditEvent.objects.filter(action="incidents.forecast", actor="nps.analyst").get()
    assert event.details["method_used"] == "naive"
    view = services.hotspot_forecast(
        world["users"]["nps.analyst"], "nps-portland-calls", method="best", horizon_days=7
    )
    assert view.method in {"naive", "kde", "etas"}
    assert len(view.plan) == 10 and view.plan[0]["rank"] == 1
    assert all(12 <= row["visit_minutes"] <= 16 for row in view.plan)
    ring = view.geojson["features"][0]["geometry"]["coordinates"][0]  # type: ignore[index]
    assert -123 < ring[0][0] < -122 and 45 < ring[0][1] < 46


@needs_data
def test_pages_and_export_are_audited(
    world: dict[str, Any], seattle: services.ImportResult, client: Client
) -> None:
    _login(client, "nps.analyst")
    assert "nps-seattle-calls" in client.get("/policing/").content.decode()
    page = client.get(
        "/policing/response-times/", {"collection": "nps-seattle-calls", "standards": "P1=15"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="standards"' in html
    export = client.get("/policing/response-times/export.csv", {"collection": "nps-seattle-calls"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert export.content.decode().startswith("section,group,calls")
    actions = set(AuditEvent.objects.filter(actor="nps.analyst").values_list("action", flat=True))
    assert {"incidents.response_times", "incidents.export"} <= actions


@needs_data
def test_another_agency_sees_nothing(
    world: dict[str, Any], seattle: services.ImportResult, client: Client, token_for: Any
) -> None:
    dci = world["users"]["dci.analyst"]
    assert services.incident_collections(dci) == []
    assert not Incident.objects.visible_to(dci).exists()
    with pytest.raises(NotFound):
        services.response_times(dci, "nps-seattle-calls")
    with pytest.raises(NotFound):
        services.import_incidents(dci, [SEATTLE], "nps-seattle-calls", "seattle")
    _login(client, "dci.analyst")
    for path in [
        "/policing/response-times/?collection=nps-seattle-calls",
        "/policing/response-times/export.csv?collection=nps-seattle-calls",
        "/policing/hotspots/?collection=nps-seattle-calls",
    ]:
        assert client.get(path).status_code == 404, path
    assert "nps-seattle-calls" not in client.get("/policing/").content.decode()
    token = token_for("dci.analyst")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/api/v1/policing/response-times", {"collection": "nps-seattle-calls"})
    assert response.status_code == 404
    assert api.get("/api/v1/policing/collections").json() == []


@needs_data
def test_api_response_times(
    world: dict[str, Any], seattle: services.ImportResult, token_for: Any
) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_for('nps.analyst')}")
    body = api.get(
        "/api/v1/policing/response-times",
        {"collection": "nps-seattle-calls", "standard": ["P1=15", "P2=30"]},
    ).json()
    assert body["calls"] == 222 and body["available"] == ["response"]
    assert [s["priority"] for s in body["standards"]] == ["1", "2"]
    listed = api.get("/api/v1/policing/collections").json()
    assert listed[0]["key"] == "nps-seattle-calls" and listed[0]["incidents"] == 222


def test_roles_without_data_access_cannot_import(world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("id,lon,lat,when\n1,36.8,-1.28,2024-01-01 10:00:00\n")
    mapping = {"external_id": "id", "x": "lon", "y": "lat", "received": "when"}
    with pytest.raises(PermissionDenied):
        services.import_incidents(world["users"]["nps.wellness"], [path], "nps-calls", mapping)
    with pytest.raises(PermissionDenied):
        services.import_incidents(world["users"]["odpp.prosecutor"], [path], "x-calls", mapping)
    done = services.import_incidents(world["users"]["nps.analyst"], [path], "nps-calls", mapping)
    assert done.created == 1


def test_bad_rows_are_named_and_nothing_is_written(world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "id,lon,lat,when,prio\n"
        "1,36.8,-1.28,2024-01-01 10:00:00,1\n"
        "2,36.8,north,2024-01-01 11:00:00,1\n"
        "3,36.8,-1.28,yesterday,2\n"
    )
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(
        json.dumps(
            {
                "external_id": "id",
                "x": "lon",
                "y": "lat",
                "received": "when",
                "priority": "prio",
                "time_zone": "Africa/Nairobi",
            }
        )
    )
    with pytest.raises(InvalidInput) as raised:
        services.import_incidents(
            world["users"]["nps.analyst"], [path], "nps-calls", str(mapping_file)
        )
    message = raised.value.message
    assert "row 3, column 'lat'" in message and "row 4, column 'when'" in message
    assert not Incident.objects.exists()
    assert not world["agencies"]["NPS"].collections.filter(key="nps-calls").exists()
    with pytest.raises(InvalidInput):
        load_mapping({"x": "lon"})
    assert set(BUILTIN) == {"seattle", "portland"}


@needs_data
def test_cli_import_and_response_times(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from usalama.cli import main

    main(
        [
            "incidents",
            "import",
            str(SEATTLE),
            "--collection",
            "nps-seattle-cli",
            "--mapping",
            "seattle",
            "--as",
            "nps.analyst",
            "--json",
        ]
    )
    imported = json.loads(capsys.readouterr().out)
    assert imported["created"] == 222
    main(["incidents", "response-times", "--collection", "nps-seattle-cli", "--standard", "P1=15"])
    out = capsys.readouterr().out
    assert "standard P1 <= 15 min" in out and "response" in out
