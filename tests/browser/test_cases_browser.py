"""A case walked across agencies in headless Chromium, on the shared demo server.

A DCI investigator opens a case, adds the accused, records the arrest, registers an exhibit
and shares the case with the ODPP and the Judiciary; the prosecutor records the charge
decision; the court clerk the judgment; an NPS analyst (not shared) gets 404. Screenshots of
the case page and the justice dashboard, in English and Swahili. The demo's laundering case
shows its money trail (owner, prosecutor read-only, outsider 404; screenshot).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in, run_cli

pytestmark = pytest.mark.browser


def _as(chromium: Any, demo: DemoServer, username: str) -> Any:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(demo.base + "/login/")
    log_in(page, demo.base, username, demo.secret(username))
    return page


def _when(hours_ago: float) -> str:
    moment = datetime.now(ZoneInfo("Africa/Nairobi")) - timedelta(hours=hours_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _record(page: Any, kind: str, detail: str = "", hours_ago: float = 1) -> None:
    form = page.locator("#record-event form")
    form.locator("[name=kind]").select_option(kind)
    form.locator("[name=accused]").select_option(index=1)
    if detail:
        form.locator("[name=detail]").select_option(detail)
    form.locator("[name=occurred_at]").fill(_when(hours_ago))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Event recorded" in page.content() or "Tukio" in page.content()


def _swahili(page: Any) -> None:
    page.select_option("#language", "sw")
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sw"


def _english(page: Any) -> None:
    page.select_option("#language", "en")
    page.click("#switch-language")
    page.wait_for_load_state()


def _dashboard_equals_cli(page: Any, demo: DemoServer, tmp_path: Path) -> None:
    """Done-means 4: the dashboard's figures = `usalama justice kpis` on the exported log."""
    # the page's default period: the 365 days up to and including today
    end_day = datetime.now(ZoneInfo("Africa/Nairobi")).date() + timedelta(days=1)
    start, end = (end_day - timedelta(days=365)).isoformat(), end_day.isoformat()
    exported = page.request.get(f"{demo.base}/cases/justice/kpis.csv?from={start}&to={end}")
    assert exported.ok
    web = {row["kpi"]: row["value"] for row in csv.DictReader(io.StringIO(exported.text()))}
    log = tmp_path / "events.csv"
    run_cli(demo.env, "justice", "export-events", "--out", str(log), "--as", "dci.supervisor")
    cli = json.loads(
        run_cli(
            demo.env,
            "justice",
            "kpis",
            "--events",
            str(log),
            "--from",
            start,
            "--to",
            end,
            "--json",
        )
    )
    flat: dict[str, str] = {}
    for key, value in cli.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": repr(number) for sub, number in value.items()})
        else:
            flat[key] = "" if value is None else repr(value)
    assert web == flat
    assert cli["arrests"] > 0 and cli["judgments"] > 0
    shown = page.locator("#kpis [data-kpi=arrests]").inner_text().strip()
    assert shown == str(cli["arrests"])


def test_a_case_from_arrest_to_judgment(
    demo_server: DemoServer, chromium: Any, tmp_path: Path
) -> None:
    investigator = _as(chromium, demo_server, "dci.analyst")
    # the accused: the planted cross-agency suspect, as the demo's first case links him
    investigator.goto(demo_server.base + "/cases/DCI-DEMO-001/")
    href = investigator.locator("#entities a[href^='/entities/']").last.get_attribute("href")
    entity_id = href.strip("/").split("/")[-1]

    investigator.goto(demo_server.base + "/cases/")
    investigator.click("text=Open a case")
    form = investigator.locator("form[action$='/cases/new/']")
    form.locator("[name=title]").fill("Browser walk: robbery at Githurai")
    form.locator("[name=ob_station]").fill("Githurai")
    form.locator("[name=ob_number]").fill("23")
    form.locator("button[type=submit]").click()
    investigator.wait_for_url("**/cases/DCI-*/")
    case_url = investigator.url
    investigator.click("#entities summary")
    investigator.fill("#party_entity_id", entity_id)
    investigator.select_option("#party_role", "accused")
    investigator.locator("#entities form button[type=submit]").click()
    investigator.wait_for_load_state()
    investigator.click("#offences summary")
    investigator.fill("#offence_section", "296(2)")
    investigator.locator("#offences form button[type=submit]").click()
    _record(investigator, "arrested", hours_ago=3)
    investigator.click("#add-exhibit summary")
    investigator.fill("#exhibit_number", "EX-1")
    investigator.fill("#exhibit_description", "Panga recovered at the scene")
    investigator.fill("#exhibit_seal_number", "KE-S-77001")
    investigator.locator("#add-exhibit button[type=submit]").click()
    investigator.wait_for_load_state()
    assert "KE-S-77001" in investigator.content()
    for agency in ("ODPP", "JUD"):
        investigator.click("#share summary")
        investigator.fill("#share_agency", agency)
        investigator.locator("#share button[type=submit]").click()
        investigator.wait_for_load_state()

    prosecutor = _as(chromium, demo_server, "odpp.prosecutor")
    prosecutor.goto(case_url)
    assert prosecutor.locator("#exhibits").is_visible()
    assert prosecutor.locator("#add-exhibit").count() == 0  # read-only for everything else
    _record(prosecutor, "charge_decision", "charge", hours_ago=2)
    _record(prosecutor, "charged", hours_ago=1.5)

    clerk = _as(chromium, demo_server, "jud.clerk")
    clerk.goto(case_url)
    _record(clerk, "first_appearance", hours_ago=1.5)
    _record(clerk, "judgment", "convicted", hours_ago=0.5)
    assert "Convicted" in clerk.content()

    outsider = _as(chromium, demo_server, "nps.analyst")
    response = outsider.goto(case_url)
    assert response is not None and response.status == 404

    investigator.goto(case_url)
    chain = investigator.locator("#chains").inner_text()
    for step in ("Arrested", "Charge decision", "Charged", "First appearance in court", "Judgment"):
        assert step in chain
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    investigator.screenshot(path=str(SCREENSHOTS / "case_en.png"), full_page=True)
    _swahili(investigator)
    investigator.screenshot(path=str(SCREENSHOTS / "case_sw.png"), full_page=True)
    _english(investigator)

    supervisor = _as(chromium, demo_server, "dci.supervisor")
    supervisor.goto(demo_server.base + "/cases/justice/")
    assert supervisor.locator("#breaches tbody tr").count() >= 2  # DCI-DEMO-017's two suspects
    assert "DCI-DEMO-017" in supervisor.locator("#breaches").inner_text()
    assert supervisor.locator("#kpis [data-kpi=arrests]").inner_text().strip() != "0"
    supervisor.screenshot(path=str(SCREENSHOTS / "justice_en.png"), full_page=True)
    _dashboard_equals_cli(supervisor, demo_server, tmp_path)
    _swahili(supervisor)
    supervisor.screenshot(path=str(SCREENSHOTS / "justice_sw.png"), full_page=True)
    for page in (investigator, prosecutor, clerk, outsider, supervisor):
        page.context.close()


def test_the_case_page_shows_its_money_trail(demo_server: DemoServer, chromium: Any) -> None:
    """DCI-DEMO-002 (laundering the planted money trail): the trace is on the case page."""
    url = demo_server.base + "/cases/DCI-DEMO-002/"
    investigator = _as(chromium, demo_server, "dci.analyst")
    investigator.goto(url)
    panel = investigator.locator("#money-traces")
    assert panel.locator(".money-trace").count() >= 1
    text = panel.inner_text()
    assert "Total traced" in text and "KES" in text and "Accounts reached" in text
    assert panel.locator("svg").count() >= 1
    assert investigator.locator("#attach-money-trace").count() == 1  # the owner may attach
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(SCREENSHOTS / "case_money_en.png"))
    panel.locator("text=Open the full trace").first.click()
    investigator.wait_for_url("**/money/trace/**")
    assert investigator.locator("#seed-amount").count() == 1

    prosecutor = _as(chromium, demo_server, "odpp.prosecutor")
    prosecutor.goto(url)
    shared = prosecutor.locator("#money-traces")
    assert "Total traced" in shared.inner_text()
    assert prosecutor.locator("#attach-money-trace").count() == 0  # read-only under a share
    assert prosecutor.locator("#money-traces form").count() == 0

    outsider = _as(chromium, demo_server, "nps.analyst")
    response = outsider.goto(url)
    assert response is not None and response.status == 404
    for page in (investigator, prosecutor, outsider):
        page.context.close()
