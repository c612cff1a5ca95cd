"""Leaders' dashboards and community alerts in headless Chromium on the shared demo: the NPS
commander sets a target, the dashboard shows the indicator against it, drills down county →
sub-county → ward → the incidents behind the figure; the sent ward alert shows its delivery
figures; the public baraza page works in Swahili without JavaScript and stays light.
Screenshots docs/screenshots/kpi_*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, SLOW_MS, log_in, wait_until_served

pytestmark = pytest.mark.browser


def _page(chromium: Any, **options: Any) -> Any:
    context = chromium.new_context(viewport={"width": 1300, "height": 1000}, **options)
    context.set_default_timeout(SLOW_MS)
    context.set_default_navigation_timeout(SLOW_MS)
    return context.new_page()


def test_target_dashboard_and_drill_down_to_a_ward(demo_server: Any, chromium: Any) -> None:
    base = demo_server.base
    wait_until_served(base)
    page = _page(chromium)
    page.goto(base + "/")
    log_in(page, base, "nps.commander", demo_server.secret("nps.commander"))
    page.click("nav.mainnav >> text=Indicators")
    assert "Response time, median" in page.inner_text("#kpi-figure h2")
    page.fill("#id_value", "7.5")
    page.fill("#id_reason", "Browser test: faster response this month")
    page.click("#kpi-save-target")
    page.wait_for_selector("#kpi-target")
    assert float(page.inner_text("#kpi-target")) == 7.5
    assert page.locator("#kpi-trend svg").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "kpi_dashboard.png"), full_page=True)

    page.click('#kpi-children a[data-area="47"]')  # Nairobi
    assert "Nairobi" in page.inner_text("#kpi-figure h2")
    page.click("#kpi-children a >> nth=0")  # its best sub-county
    assert "Sub-county" in page.inner_text("#kpi-figure h2")
    page.click("#kpi-children a >> nth=0")  # a ward of it
    assert "Ward" in page.inner_text("#kpi-figure h2")
    page.screenshot(path=str(SCREENSHOTS / "kpi_ward.png"), full_page=True)
    page.click("#kpi-drill")
    rows = page.locator("#kpi-records tbody tr")
    assert rows.count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "kpi_records.png"), full_page=True)

    page.click("nav.mainnav >> text=Targets")
    page.click("#kpi-targets tr:has-text('Response time, median') a")
    assert "Browser test" in page.inner_text("#kpi-target-history")

    page.click("nav.mainnav >> text=Ward alerts")
    page.click("text=Kilimani: road closed for the marathon")
    sent = int(page.inner_text("#fig-sent"))
    delivered, failed = int(page.inner_text("#fig-delivered")), int(page.inner_text("#fig-failed"))
    assert sent >= 1 and delivered + failed == sent
    page.screenshot(path=str(SCREENSHOTS / "kpi_alert_figures.png"), full_page=True)


def test_public_barazas_in_swahili_without_javascript(demo_server: Any, chromium: Any) -> None:
    wait_until_served(demo_server.base)
    page = _page(chromium, java_script_enabled=False, locale="sw")
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())))
    page.goto(demo_server.base + "/public/barazas/")
    assert page.locator("html").get_attribute("lang") == "sw"
    assert "Kenya Power" in page.content()
    assert sum(sizes) < 150_000
    page.screenshot(path=str(SCREENSHOTS / "kpi_public_barazas_sw.png"), full_page=True)
