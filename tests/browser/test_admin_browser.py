"""Administration screens and the audit-log viewer in headless Chromium, on the shared demo.

The DCI administrator creates a user (and sees the QR code once), the system administrator
verifies the audit chain and opens Django's admin without a "no permission" page, and IPOA
filters the audit log by officer. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def _log_in(page: Any, demo_server: Any, username: str) -> None:
    page.goto(demo_server.base + "/login/")
    log_in(page, demo_server.base, username, demo_server.secret(username))


def test_agency_admin_creates_a_user(demo_server: Any, page: Any) -> None:
    _log_in(page, demo_server, "dci.admin")
    page.click("nav.mainnav a[data-menu=admin-users]")
    page.wait_for_selector("#people")
    assert page.locator("#people tbody tr").count() >= 2
    assert "nps.analyst" not in page.locator("#people").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "admin_people_dci.png"), full_page=True)
    page.click("#new-user")
    page.fill("#id_username", "dci.browser.user")
    page.check("input[name=roles][value=analyst]")
    page.fill("#id_password", "a long browser password 2026")
    page.click("#user-create button[type=submit]")
    page.wait_for_selector("#enrolment svg")
    page.screenshot(path=str(SCREENSHOTS / "admin_enrolment_qr.png"), full_page=True)
    page.click("#enrolment a")
    page.wait_for_selector("#roles-form")
    page.screenshot(path=str(SCREENSHOTS / "admin_user_detail.png"), full_page=True)


def test_system_admin_verifies_the_chain_and_opens_django_admin(
    demo_server: Any, page: Any
) -> None:
    _log_in(page, demo_server, "sysadmin")
    page.click("nav.mainnav a[data-menu=audit-log]")
    page.wait_for_selector("#audit-events")
    page.click("#audit-verify")
    page.wait_for_selector("#verify-result")
    assert "intact" in page.locator("#verify-result").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "audit_log_verified.png"), full_page=True)
    page.click("nav.mainnav a[data-menu=admin-agencies]")
    page.wait_for_selector("#agencies")
    assert page.locator("#agencies tbody tr").count() >= 7
    page.screenshot(path=str(SCREENSHOTS / "admin_agencies.png"), full_page=True)
    response = page.goto(demo_server.base + "/admin/")
    assert response is not None and response.status == 200
    assert "have permission" not in page.content()


def test_oversight_filters_the_audit_log(demo_server: Any, page: Any) -> None:
    _log_in(page, demo_server, "ipoa.investigator")
    page.click("nav.mainnav a[data-menu=audit-log]")
    page.wait_for_selector("#audit-filters")
    page.fill("#id_actor", "nps.analyst")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_selector("#audit-events")
    rows = page.locator("#audit-events tbody tr")
    assert rows.count() >= 1
    assert "nps.analyst" in rows.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "audit_log_ipoa.png"), full_page=True)


def test_offline_base_map_draws_counties_and_towns(demo_server: Any, page: Any) -> None:
    """web/basemap.js in Chromium: the 47 county shapes and town names, with attribution,
    from this server only (any request to another host fails the test)."""
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(demo_server.base) else None,
    )
    page.goto(demo_server.base + "/login/")
    page.add_style_tag(url=demo_server.base + "/static/leaflet/leaflet.css")
    page.add_style_tag(url=demo_server.base + "/static/web/basemap.css")
    page.add_script_tag(url=demo_server.base + "/static/leaflet/leaflet.js")
    page.add_script_tag(url=demo_server.base + "/static/web/basemap.js")
    page.evaluate(
        """() => {
        const div = document.createElement("div");
        div.className = "map"; div.id = "basemap-demo"; div.style.height = "640px";
        div.setAttribute("data-lat", "-1.2864"); div.setAttribute("data-lon", "36.8172");
        div.setAttribute("data-zoom", "10"); div.setAttribute("data-label", "Nairobi CBD");
        document.querySelector("main").prepend(div);
        window.usalamaBasemap.standalone(div);
    }"""
    )
    # polled from here: wait_for_function evaluates a string in the page, which the CSP forbids
    deadline = time.monotonic() + 30
    while (
        page.evaluate(
            "document.querySelectorAll('#basemap-demo .leaflet-basemap-pane path').length"
        )
        < 47
    ):
        assert time.monotonic() < deadline, "the base map drew fewer than 47 counties"
        page.wait_for_timeout(250)
    page.wait_for_selector("#basemap-demo .basemap-place")
    assert (
        "OpenStreetMap" in page.locator("#basemap-demo .leaflet-control-attribution").inner_text()
    )
    assert "Nairobi" in page.locator("#basemap-demo").inner_text()
    page.locator("#basemap-demo").screenshot(path=str(SCREENSHOTS / "basemap_nairobi.png"))
    assert foreign == []
