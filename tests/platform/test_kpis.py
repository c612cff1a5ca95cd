"""The KPI layer on the database: exact figures from a small fixture at every level, targets
with history and audit, agency boundaries, and drill-down that shows only visible records."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.platform.kpi_helpers import CENTRAL, KILIMANI, add_user, populate
from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.kpis import compute, services
from usalama.kpis.models import KpiValue, Target
from usalama.kpis.registry import INDICATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi_world(world: dict[str, Any]) -> dict[str, Any]:
    add_user(world, "nps.commander", "NPS", "commander")
    add_user(world, "dci.commander", "DCI", "commander")
    add_user(world, "nps.desk", "NPS", "desk_officer")
    populate(world)
    compute.compute_period("2026-03")
    return world


def value(key: str, level: str, code: str, period: str = "2026-03") -> float | None:
    return KpiValue.objects.get(indicator=key, level=level, area_code=code, period=period).value


def test_figures_are_exact_at_every_level(kpi_world: dict[str, Any]) -> None:
    # national: 5 March calls (Nairobi time), arrivals after 10, 20, 30, 40 minutes
    assert value("incidents_received", "national", "KE") == 5
    assert value("response_median_minutes", "national", "KE") == 25
    assert value("response_p90_minutes", "national", "KE") == 37  # 30 + 0.7 × 10
    assert value("clearance_rate", "national", "KE") == 40  # 2 of 5
    # the county (Nairobi, 47) holds the four calls of mapped stations
    assert value("incidents_received", "county", "47") == 4
    assert value("clearance_rate", "county", "47") == 50
    # Kilimani ward and its sub-county (Dagoretti North, 275): 10 and 20 minutes
    assert value("response_median_minutes", "ward", KILIMANI) == 15
    assert value("response_p90_minutes", "ward", KILIMANI) == 19
    assert value("incidents_received", "subcounty", "275") == 2
    assert value("incidents_received", "ward", CENTRAL) == 2
    # an unmapped station still counts for itself and the nation
    assert value("incidents_received", "station", "Kasarani Police Station") == 1
    assert value("response_median_minutes", "station", "Kasarani Police Station") is None
    # intake: 3 tips in Kilimani (1 converted), 1 report in Mombasa (converted)
    assert value("tips_received", "ward", KILIMANI) == 3
    assert value("intake_converted_rate", "ward", KILIMANI) == pytest.approx(33.33)
    assert value("reports_received", "county", "1") == 1
    assert value("intake_converted_rate", "national", "KE") == 50
    assert value("watchlist_hits", "national", "KE") == 0
    assert value("conviction_rate", "national", "KE") is None  # no judgment: no rate, not 0
    # April has the 31 March 21:30 UTC call only
    compute.compute_period("2026-04")
    assert value("incidents_received", "national", "KE", "2026-04") == 1


def test_recomputing_replaces_the_month(kpi_world: dict[str, Any]) -> None:
    before = KpiValue.objects.filter(period="2026-03").count()
    assert compute.compute_period("2026-03") == before
    assert KpiValue.objects.filter(period="2026-03").count() == before


def test_every_indicator_is_defined_completely() -> None:
    keys = [i.key for i in INDICATORS]
    assert len(keys) == len(set(keys))
    for ind in INDICATORS:
        assert ind.direction in {"higher", "lower"} and ind.levels and str(ind.definition)
        assert ind.source in compute.sources.SOURCES


@pytest.mark.parametrize("period", ["2026-13", "26-03", "", "2026-3x"])
def test_a_bad_month_is_refused(period: str) -> None:
    with pytest.raises(InvalidInput):
        compute.compute_period(period)


def test_targets_keep_their_history_and_are_audited(kpi_world: dict[str, Any]) -> None:
    commander = kpi_world["users"]["nps.commander"]
    services.set_target(
        commander, "response_median_minutes", "ward", KILIMANI, "2026-03", 20, "first"
    )
    target = services.set_target(
        commander, "response_median_minutes", "ward", KILIMANI, "2026-03", 12, "tighter"
    )
    _target, history = services.target_history(commander, target.pk)
    assert [(c.old_value, c.new_value, c.reason) for c in history] == [
        (20, 12, "tighter"),
        (None, 20, "first"),
    ]
    events = AuditEvent.objects.filter(action="kpis.target.set").order_by("id")
    assert [e.details["new"] for e in events] == [20, 12]
    assert events.last().details["old"] == 20
    points = services.series(commander, "response_median_minutes", "ward", KILIMANI, ["2026-03"])
    assert (points[0].value, points[0].target) == (15, 12)


def test_targets_belong_to_one_agency(kpi_world: dict[str, Any]) -> None:
    nps, dci = kpi_world["users"]["nps.commander"], kpi_world["users"]["dci.commander"]
    target = services.set_target(nps, "clearance_rate", "national", "KE", "2026-03", 60, "plan")
    with pytest.raises(NotFound):
        services.get_target(dci, target.pk)
    # DCI's own target is its own row; NPS's stays as it was
    services.set_target(dci, "clearance_rate", "national", "KE", "2026-03", 10, "ours")
    assert Target.objects.get(pk=target.pk).value == 60
    point = services.series(dci, "clearance_rate", "national", "KE", ["2026-03"])[0]
    assert point.target == 10
    assert AuditEvent.objects.filter(
        action="access.refused", details__attempted="kpis.target.read"
    ).exists()


def test_only_leaders_set_targets_and_bad_values_are_refused(kpi_world: dict[str, Any]) -> None:
    analyst = kpi_world["users"]["nps.analyst"]
    with pytest.raises(PermissionDenied):
        services.set_target(analyst, "clearance_rate", "national", "KE", "2026-03", 50, "x")
    assert AuditEvent.objects.filter(details__attempted="kpis.target.set").exists()
    commander = kpi_world["users"]["nps.commander"]
    for args in [
        ("clearance_rate", "national", "KE", "2026-03", 150, "over 100%"),
        ("clearance_rate", "ward", "999999", "2026-03", 50, "no such ward"),
        ("watchlist_hits", "county", "47", "2026-03", 5, "national only"),
        ("clearance_rate", "national", "KE", "2026-03", 50, "   "),
        ("clearance_rate", "station", "S" * 101, "2026-03", 50, "a name too long"),
    ]:
        with pytest.raises(InvalidInput):
            services.set_target(commander, *args)
    assert not Target.objects.exists()


def test_drill_down_lists_only_visible_incidents(kpi_world: dict[str, Any]) -> None:
    nps, dci = kpi_world["users"]["nps.commander"], kpi_world["users"]["dci.commander"]
    # Central ward's figure counts NPS's call and DCI's call; each sees only its own
    assert [i.external_id for i in services.drill_incidents(nps, "ward", CENTRAL, "2026-03")] == [
        "E3"
    ]
    assert [i.external_id for i in services.drill_incidents(dci, "ward", CENTRAL, "2026-03")] == [
        "E4"
    ]
    county = services.drill_incidents(nps, "county", "47", "2026-03")
    assert sorted(i.external_id for i in county) == ["E1", "E2", "E3"]
    assert AuditEvent.objects.filter(action="kpis.drill").count() == 3
    with pytest.raises(PermissionDenied):
        services.drill_incidents(kpi_world["users"]["nps.wellness"], "ward", CENTRAL, "2026-03")


def test_ranking_and_children(kpi_world: dict[str, Any]) -> None:
    nps = kpi_world["users"]["nps.commander"]
    ranked = services.ranking(nps, "response_median_minutes", "station", "2026-03")
    assert [r.code for r in ranked][:2] == ["Kilimani Police Station", "Central Police Station"]
    children = services.children_figures(nps, "incidents_received", "county", "47", "2026-03")
    assert {(r.code, r.value) for r in children} == {("275", 2.0), ("289", 2.0)}


def test_funnel_counts(kpi_world: dict[str, Any]) -> None:
    funnel = services.funnel("2026-03")
    assert (funnel.tips, funnel.reports, funnel.incidents, funnel.cases, funnel.convictions) == (
        3,
        1,
        2,
        0,
        0,
    )


def _login(client: Client, user: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


def test_pages_and_pack(kpi_world: dict[str, Any]) -> None:
    client = Client()
    _login(client, kpi_world["users"]["nps.commander"])
    page = client.get(
        "/kpis/?indicator=response_median_minutes&level=county&area=47&period=2026-03"
    )
    assert page.status_code == 200, page.content[:300]
    text = page.content.decode()
    assert "<svg" in text and "Dagoretti North" in text and "cdn" not in text.lower()
    saved = client.post(
        "/kpis/targets/",
        {
            "indicator": "response_median_minutes",
            "level": "ward",
            "area": KILIMANI,
            "period": "2026-03",
            "value": "14",
            "reason": "quarterly plan",
        },
    )
    assert saved.status_code == 302
    assert Target.objects.get().value == 14
    bad = client.post("/kpis/targets/", {"indicator": "nope", "level": "ward"})
    assert bad.status_code == 422  # InvalidInput, naming the fields
    records = client.get(f"/kpis/records/?level=ward&area={CENTRAL}&period=2026-03")
    page = records.content.decode()
    # whole words: the page's random CSRF token may contain "E4" by chance
    assert records.status_code == 200 and re.search(r"\bE3\b", page)
    assert not re.search(r"\bE4\b", page)
    pack = client.get("/kpis/review/?period=2026-03")
    assert pack.status_code == 200 and pack.content.decode().count("<svg") >= len(INDICATORS)
    pdf = client.get("/kpis/review.pdf?period=2026-03")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/kpis/?period=2026-99").status_code == 422
    desk = Client()
    _login(desk, kpi_world["users"]["nps.desk"])
    assert desk.get("/kpis/").status_code == 403


def test_the_catalogue_in_the_docs_is_the_registry() -> None:
    from pathlib import Path

    from usalama.kpis.catalogue import markdown

    text = (Path(__file__).parents[2] / "docs" / "kpis.md").read_text(encoding="utf-8")
    inside = text.split("<!-- catalogue:start -->\n")[1].split("<!-- catalogue:end -->")[0]
    assert inside == markdown(), "run: usalama kpis catalogue, and paste it into docs/kpis.md"
