"""The key pages in headless Chromium against a real `usalama serve` process.

On the shared demo server (gunicorn): logs in as the NPS analyst with a TOTP code, searches,
opens an entity page and switches to Swahili.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, str]:
    return {"base": demo_server.base, "secret": demo_server.secret("nps.analyst")}


def test_login_search_entity_swahili(chromium: Any, server: dict[str, str]) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["base"] + "/")
    assert "/login/" in page.url
    log_in(page, server["base"], "nps.analyst", server["secret"])
    assert page.locator("table tbody tr").count() >= 1
    page.fill("#id_q", "Mohamed")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/search/?q=Mohamed**")
    results = page.locator("a.result-link")
    assert results.count() >= 1
    results.first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("table.provenance").count() >= 1
    # the NPS analyst reads its own records and those shared with the NPS (demo grants)
    provenance = page.locator("table.provenance").first.inner_text()
    assert any(code in provenance for code in ("NPS", "DCI", "FRC", "UPF", "TPF"))
    assert "ODPP" not in provenance and "IPOA" not in provenance
    page.screenshot(path=str(SCREENSHOTS / "entity_en.png"), full_page=True)
    page.select_option("#language", "sw")
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sw"
    assert "Kumbukumbu zinasema nini" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "entity_sw.png"), full_page=True)
    page.context.close()
