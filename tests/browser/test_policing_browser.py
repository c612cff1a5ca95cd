"""Policing pages in headless Chromium against a real `usalama serve` process.

Builds a small demo in a temporary directory, imports the shared Seattle sample and the
Portland August + September files with the CLI as the NPS commander, serves, logs in with a
TOTP code, and screenshots the response-time dashboard and the Portland forecast map.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import pytest

from tests.browser.support import (
    SCREENSHOTS,
    build_demo,
    launch_chromium,
    log_in,
    run_cli,
    serving,
)
from tests.shared_data import SHARED_DATA

pytestmark = pytest.mark.browser
CRIME = SHARED_DATA / "crime"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not (CRIME / "seattle_calls_sample.csv").exists():
        pytest.skip("shared crime data not present")
    env, secrets = build_demo(tmp_path_factory.mktemp("var"), people=200)
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
    with serving(env) as base:
        yield {"base": base, "secret": secrets["nps.commander"]}


def test_response_times_and_portland_forecast_map(
    playwright_session: Any, server: dict[str, str]
) -> None:

    with nullcontext(playwright_session) as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server["base"] + "/")
        log_in(page, server["base"], "nps.commander", server["secret"])
        page.click("nav.mainnav >> text=Policing")
        page.wait_for_url("**/policing/")
        assert "nps-portland-calls" in page.content()

        page.goto(
            server["base"]
            + "/policing/response-times/?collection=nps-seattle-calls&standards=P1%3D15"
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
        browser.close()
