"""The public portal: the statistics API's contract, disclosure control on the demo's data
(Done means 1), and pages that are light, script-free and bilingual."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.platform.public_helpers import file_reports, last_month, publish_reports
from usalama.analysis.disclosure.audit import audit
from usalama.analysis.disclosure.suppress import equations
from usalama.audit.services import Actor
from usalama.core.errors import IntegrityFailure, InvalidInput
from usalama.intake import codes
from usalama.intake.categories import CODES
from usalama.intake.models import Report
from usalama.intake.services import intake_agency
from usalama.public import services
from usalama.public.models import Kind, PublishedTable

pytestmark = pytest.mark.django_db

FIELDS = {"area_code", "area_name", "level", "month", "category", "count"}
REPORTS = [
    ("Nairobi", "Westlands", "Kitisuru", "robbery", 6),
    ("Nairobi", "Westlands", "Kitisuru", "stealing", 2),
    ("Nairobi", "Westlands", "Karura", "stealing", 7),
    ("Nairobi", "Westlands", "Karura", "assault", 5),
    ("Mombasa", "Changamwe", "Port reitz", "assault", 9),
    ("Mombasa", "Changamwe", "Kipevu", "robbery", 1),
]
PAGE_LIMIT = 150 * 1024


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the API's rate limit counts per address across tests otherwise


@pytest.fixture
def month(db: Any) -> str:
    return publish_reports(REPORTS)


def _get(client: Client, url: str, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_statistics_contract_at_every_level(month: str) -> None:
    client = Client()
    assert _get(client, "/api/v1/public/months") == [month]
    expected_areas = {
        "county": {("47", "Nairobi"), ("1", "Mombasa")},
        "subcounty": {("274", "Westlands"), ("1", "Changamwe")},
        "ward": {("1366", "Kitisuru"), ("1368", "Karura"), ("1", "Port reitz"), ("2", "Kipevu")},
    }
    for level, areas in expected_areas.items():
        rows = _get(client, "/api/v1/public/statistics", level=level, month=month)
        assert all(set(row) == FIELDS for row in rows)
        assert {(r["area_code"], r["area_name"]) for r in rows} == areas
        assert {r["level"] for r in rows} == {level} and {r["month"] for r in rows} == {month}
        for code, _name in areas:
            mine = [r for r in rows if r["area_code"] == code]
            # every category and one total row (category null)
            assert sorted(r["category"] or "" for r in mine) == sorted(["", *CODES])
        counts = [r["count"] for r in rows]
        assert not [c for c in counts if c is not None and 1 <= c <= 4]
        assert None in counts  # something is withheld at every level here
    one = _get(client, "/api/v1/public/statistics", level="county", month=month, category="assault")
    assert {(r["area_code"], r["category"]) for r in one} == {("47", "assault"), ("1", "assault")}
    # Nairobi's assaults (5) are withheld: Mombasa's single robbery forces secondary cells
    wards = _get(client, "/api/v1/public/statistics", level="ward", month=month)
    cell = {(r["area_code"], r["category"]): r["count"] for r in wards}
    assert cell[("1366", "stealing")] is None and cell[("2", "robbery")] is None
    assert cell[("1366", None)] is None or cell[("1366", "robbery")] is None


def test_statistics_answers_are_cacheable_and_rate_limited(month: str) -> None:
    client = Client()
    response = client.get("/api/v1/public/statistics", {"level": "county", "month": month})
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    statuses = [client.get("/api/v1/public/months").status_code for _ in range(125)]
    assert statuses.count(429) >= 1 and statuses[0] == 200


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"level": "district", "month": "{month}"}, "level"),
        ({"level": "county", "month": "2026-13"}, "month"),
        ({"level": "county", "month": "last month"}, "month"),
        ({"level": "county", "month": "1999-01"}, "month"),
        ({"level": "county", "month": "{month}", "category": "arson"}, "category"),
        ({"month": "{month}"}, "level"),
    ],
)
def test_bad_parameters_are_named(month: str, query: dict[str, str], named: str) -> None:
    filled = {k: v.replace("{month}", month) for k, v in query.items()}
    response = Client().get("/api/v1/public/statistics", filled)
    assert 400 <= response.status_code < 500
    assert named in response.content.decode()


def test_only_complete_months_are_published(db: Any) -> None:
    this_month = f"{timezone.localdate():%Y-%m}"
    with pytest.raises(InvalidInput, match="not over yet"):
        services.publish_month(Actor(name="test"), this_month)
    with pytest.raises(InvalidInput, match="month"):
        services.publish_month(Actor(name="test"), "2026/01")


def test_a_threshold_below_three_is_refused(db: Any, settings: Any) -> None:
    settings.USALAMA_PUBLIC_K = 2
    with pytest.raises(InvalidInput, match="at least 3"):
        services.publish_month(Actor(name="test"), f"{last_month():%Y-%m}")


def test_a_table_failing_its_check_is_never_served(month: str, settings: Any) -> None:
    first = services.parse_month(month)
    table = PublishedTable.objects.get(month=first, kind=Kind.COUNTS)
    rows = list(table.rows)
    small = next(r for r in rows if r["count"] is None)
    small["count"] = 2  # a withheld cell put back by hand
    PublishedTable.objects.filter(pk=table.pk).update(rows=rows)
    response = Client().get("/api/v1/public/statistics", {"level": "ward", "month": month})
    assert response.status_code == 422 and "not published" in response.json()["message"]
    # and a table checked at k = 5 is not served once k is raised to 10
    table.refresh_from_db()
    PublishedTable.objects.filter(pk=table.pk).update(rows=[])
    settings.USALAMA_PUBLIC_K = 10
    assert services.served(first, Kind.RESPONSE) is None


def test_publishing_is_audited_and_replaces_the_month(month: str) -> None:
    from usalama.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="public.publish", object_id=month).count() == 1
    file_reports([("Nairobi", "Westlands", "Karura", "stealing", 3)], services.parse_month(month))
    services.publish_month(Actor(name="test"), month)
    assert PublishedTable.objects.filter(month=services.parse_month(month)).count() == 4
    stored = services.counts(services.parse_month(month))
    national = next(r for r in stored if r["level"] == "national" and r["category"] is None)
    assert national["count"] == 33  # 30 reports, and 3 more


# --- Done means 1: the demo's data --------------------------------------------------------


def _demo_reports(today: dt.date) -> list[str]:
    """The demo stage's three months of citizen reports, written straight to the table (the
    stage goes through the intake service; here only the counts matter, and speed)."""
    from usalama.demo.stage_public import _history

    agency = intake_agency()
    reports = [
        Report(
            reference=codes.new_reference(moment.year),
            category=category,
            description="demo history",
            channel="web",
            county=county,
            sub_county=sub,
            ward=ward,
            agency=agency,
            created_at=moment,
        )
        for moment, category, (county, sub, ward) in _history(7, today)
    ]
    Report.objects.bulk_create(reports, batch_size=500)
    return sorted({f"{r.created_at:%Y-%m}" for r in reports})


def test_demo_months_publish_nothing_recoverable(db: Any) -> None:
    months = _demo_reports(timezone.localdate())
    assert len(months) == 3
    client = Client()
    for month in months:
        services.publish_month(Actor(name="test"), month)
        total = 0
        for level in ("county", "subcounty", "ward"):
            rows = _get(client, "/api/v1/public/statistics", level=level, month=month)
            assert rows, level
            # 1. no count from 1 to k-1 at any level
            assert not [r for r in rows if r["count"] is not None and 1 <= r["count"] <= 4]
            totals = [r["count"] for r in rows if r["category"] is None]
            if level == "county" and None not in totals:
                total = sum(totals)
        # 2. the LP solver cannot pin any withheld cell, from every level's published margins
        stored = services.counts(services.parse_month(month))
        parent = {r["key"]: r["parent"] for r in stored}
        published = {(r["key"], r["category"]): r["count"] for r in stored}
        assert audit(equations(parent, CODES), published, 5) == []
        # 3. totals reconcile wherever nothing is withheld
        kids: dict[str, list[str]] = {}
        for key, up in parent.items():
            if up:
                kids.setdefault(up, []).append(key)
        checked = 0
        for area, children in kids.items():
            for category in (*CODES, None):
                cells = [published[(area, category)], *(published[(c, category)] for c in children)]
                if None not in cells:
                    assert cells[0] == sum(cells[1:])  # type: ignore[arg-type]
                    checked += 1
        assert checked > 100
        month_reports = Report.objects.filter(created_at__month=int(month[5:])).count()
        assert published[("national:KE", None)] == month_reports
        assert total in (0, month_reports)


# --- pages ---------------------------------------------------------------------------------


PAGES = [
    "/public/",
    "/public/area/county/47/",
    "/public/area/subcounty/274/",
    "/public/area/ward/1366/",
    "/public/response-times/",
    "/public/complaints/",
    "/public/courts/",
    "/public/downloads/",
    "/public/privacy/",
]


def _weight(client: Client, html: str) -> int:
    """Bytes of the page and every same-host stylesheet, image or script it references."""
    total = len(html.encode())
    for url in re.findall(r'(?:href|src)="(/static/[^"?]+)', html):
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_pages_are_light_script_free_and_bilingual(month: str, lang: str) -> None:
    client = Client()
    for page in PAGES:
        response = client.get(page, {"lang": lang, "month": month})
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "<script" not in html.lower(), page
        assert f'<html lang="{lang}">' in html
        assert _weight(client, html) < PAGE_LIMIT, page
        assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    overview = client.get("/public/", {"lang": lang, "month": month}).content.decode()
    if lang == "sw":
        assert "Takwimu za umma" in overview and "Wizi" in overview  # Stealing
        assert "Aina zote" in overview and "All categories" not in overview
        assert 'href="?lang=en' in overview  # the switch back is a plain link
    else:
        assert "Public statistics" in overview and "Stealing" in overview
        assert 'href="?lang=sw' in overview
    assert "<svg" in overview and "Nairobi" in overview


def test_pages_downloads_and_api_withhold_the_same_cells(month: str) -> None:
    client = Client()
    api = _get(client, "/api/v1/public/statistics", level="ward", month=month)
    withheld = {(r["area_code"], r["category"] or "") for r in api if r["count"] is None}
    csv_text = client.get(
        "/public/downloads/statistics.csv", {"level": "ward", "month": month}
    ).content.decode()
    lines = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    assert {(c[0], c[4]) for c in lines if c[5] == ""} == withheld
    geo = client.get("/public/downloads/statistics.geojson", {"level": "county", "month": month})
    body = geo.json()
    assert body["type"] == "FeatureCollection"
    nairobi = next(f for f in body["features"] if f["properties"]["area_code"] == "47")
    assert nairobi["geometry"]["type"] in ("Polygon", "MultiPolygon")
    county_api = _get(client, "/api/v1/public/statistics", level="county", month=month)
    assert nairobi["properties"]["count"] == next(
        r["count"] for r in county_api if r["area_code"] == "47" and r["category"] is None
    )
    wards = client.get("/public/downloads/statistics.geojson", {"level": "ward", "month": month})
    assert all(f["geometry"] is None for f in wards.json()["features"])
    bad = client.get("/public/downloads/statistics.csv", {"level": "x", "month": month})
    assert bad.status_code == 400 and b"level" in bad.content


def test_nothing_published_yet_is_said_plainly(db: Any) -> None:
    response = Client().get("/public/")
    assert response.status_code == 200
    assert b"No month has been published yet" in response.content
    assert Client().get("/public/", {"month": "2020-01"}).status_code == 404
    assert Client().get("/public/area/county/99/").status_code == 404
    login = Client().get("/login/").content.decode()
    assert 'id="public-portal-link"' in login and 'href="/public/"' in login


def test_publish_refuses_a_table_the_auditor_rejects(db: Any, monkeypatch: Any) -> None:
    file_reports(REPORTS)
    from usalama.analysis.disclosure import suppress

    real = suppress.protect

    def leaky(table: Any, k: int = 5) -> Any:
        protected = real(table, k)
        # as if the auditor had given up: a withheld cell it could still pin down
        return type(protected)(
            protected.table, k, protected.primary, protected.suppressed, 0, (("ward:1", None),)
        )

    monkeypatch.setattr(services, "protect", leaky)
    with pytest.raises(IntegrityFailure):
        services.publish_month(Actor(name="test"), f"{last_month():%Y-%m}")
    assert not PublishedTable.objects.exists()
