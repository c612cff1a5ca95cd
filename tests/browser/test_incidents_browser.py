"""From a citizen's report to an assigned incident, in headless Chromium on the shared demo:
the desk officer converts the report (which this test submits itself), the triage page links
the incident by its OB number, the incident page shows map, timeline, the report and the time
in queue, and the desk assigns it to the commander. Screenshots: incident_list.png,
incident_detail.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in, totp_code

pytestmark = pytest.mark.browser


def _log_in_once_more_if_needed(page: Any, demo_server: DemoServer, username: str) -> None:
    """Log in; a TOTP code is accepted once, so if another test just used this login's
    code, wait for the next 30-second code and try again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base = demo_server.base
    page.goto(base + "/")
    try:
        log_in(page, base, username, demo_server.secret(username))
    except PlaywrightTimeout:
        page.wait_for_timeout(31_000)
        page.fill("#id_token", totp_code(demo_server.secret(username)))
        page.click("button[type=submit].primary")
        page.wait_for_url(base + "/")


def test_report_to_incident_with_ob_number_and_assignment(
    demo_server: DemoServer, page: Any
) -> None:
    base = demo_server.base
    created = page.request.post(
        base + "/api/v1/public/reports",
        data={
            "category": "breakings",
            "description": "Duka la simu limevunjwa usiku Kilimani, simu kumi zimeibiwa.",
            "county": "Nairobi",
            "location_text": "Argwings Kodhek Road, Kilimani",
            "lat": -1.2925,
            "lon": 36.7860,
            "language": "sw",
        },
    )
    assert created.status == 201, created.text()
    reference = created.json()["reference"]
    _log_in_once_more_if_needed(page, demo_server, "nps.desk")
    page.goto(base + "/intake/triage/")
    page.click(f"text={reference}")
    page.fill("#id_convert_station", "Kilimani Police Station")
    page.click("#convert")
    page.wait_for_selector("#incident-link a")
    link = page.locator("#incident-link a")
    number = link.inner_text()
    assert re.fullmatch(r"OB/KILIMANI/\d+/\d{2}/\d{2}/\d{4}", number), number
    assert number in page.locator(".banner").first.inner_text()  # "Converted to incident OB/…"
    link.click()
    page.wait_for_selector("#incident-number")
    assert page.locator("#incident-number").inner_text() == number
    assert reference in page.locator("#linked-items").inner_text()
    assert page.locator("#timeline li").count() >= 1
    assert page.locator("#incident-map .leaflet-marker-pane, #incident-map path").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "incident_detail.png"), full_page=True)
    page.select_option("#id_officer", "nps.commander")
    page.click("#assign")
    page.wait_for_load_state()
    assert page.locator("#assigned-officer").inner_text() == "nps.commander"
    page.goto(base + "/policing/incidents/?q=" + number)
    row = page.locator("#incident-list tbody tr").first
    assert number in row.inner_text() and "nps.commander" in row.inner_text()
    page.goto(base + "/policing/incidents/")
    page.screenshot(path=str(SCREENSHOTS / "incident_list.png"))
