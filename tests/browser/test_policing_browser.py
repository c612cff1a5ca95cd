"""Policing pages in headless Chromium against a real `usalama serve` process.

On the shared demo: imports the shared Seattle sample and the Portland August + September
files with the CLI as the NPS commander (into collections of this module's own), logs in with
a TOTP code, and screenshots the response-time dashboard and the Portland forecast map.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in, run_cli
from tests.shared_data import SHARED_DATA

pytestmark = pytest.mark.browser
CRIME = SHARED_DATA / "crime"


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, str]:
    if not (CRIME / "seattle_calls_sample.csv").exists():
        pytest.skip("shared crime data not present")
    env = demo_server.env
    as_commander = ["--as", "nps.commander"]
    run_cli(
        env,
        "incidents",
        "import",
        str(CRIME / "seattle_calls_sample.csv"),
        "--collection",
        "nps-seattle-calls",
        "--label",
        "Seattle calls for service (sample)",
        "--mapping",
        "seattle",
        *as_commander,
    )
    run_cli(
        env,
        "incidents",
        "import",
        str(CRIME / "portland_calls_2016_08.xlsx"),
        str(CRIME / "portland_calls_2016_09.xlsx"),
        "--collection",
        "nps-portland-calls",
        "--label",
        "Portland calls for service 2016-08/09",
        "--mapping",
        "portland",
        *as_commander,
    )
    return {"base": demo_server.base, "secret": demo_server.secret("nps.commander")}


def test_response_times_and_portland_forecast_map(chromium: Any, server: dict[str, str]) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["base"] + "/")
    log_in(page, server["base"], "nps.commander", server["secret"])
    page.click("nav.mainnav >> text=Policing")
    page.wait_for_url("**/policing/")
    assert "nps-portland-calls" in page.content()

    page.goto(
        server["base"] + "/policing/response-times/?collection=nps-seattle-calls&standards=P1%3D15"
    )
    assert page.locator("figure.chart svg").count() >= 2
    assert page.locator("#standards tbody tr").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "response_times_seattle.png"), full_page=True)

    page.goto(
        server["base"]
        + "/policing/hotspots/?collection=nps-portland-calls&method=best&cell=600&units=ft",
        timeout=120_000,
    )
    # the forecast arrives as an htmx fragment after the page: wait for it
    page.wait_for_selector("#hotspot-map path.leaflet-interactive", timeout=120_000)
    assert page.locator("#hotspot-map path.leaflet-interactive").count() == 50
    assert page.locator("#patrol-plan tbody tr").count() == 10
    assert page.locator("#ranked-cells tbody tr").count() == 50
    page.screenshot(path=str(SCREENSHOTS / "hotspots_portland.png"), full_page=True)
    page.context.close()
