"""The money pages in headless Chromium against a real `usalama serve` process.

On the shared demo: syncs and scans FRC's ledger with `usalama ledger sync` and `usalama
ledger scan` (the demo has done both already; they are idempotent), logs in as the FRC
analyst (password + TOTP), opens the layering scenario's alert and follows the trace bank →
M-Pesa → crypto; saves a screenshot.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import SHARED_PEOPLE, SHARED_SEED, DemoServer
from tests.browser.support import SCREENSHOTS, log_in, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, str]:
    run_cli(demo_server.env, "ledger", "sync", "--collection", "frc-str")
    scanned = run_cli(demo_server.env, "ledger", "scan", "--collection", "frc-str")
    assert "flagged accounts" in scanned
    return {"base": demo_server.base, "secret": demo_server.secret("frc.analyst")}


def test_alert_to_trace_across_channels(chromium: Any, server: dict[str, str]) -> None:

    from usalama.demo import generate_world

    world = generate_world(seed=SHARED_SEED, people=SHARED_PEOPLE)  # the shared demo's world
    scenario = world.scenarios["layering"]
    source_number = world.record(scenario["source_account"]).entity["properties"]["accountNumber"][
        0
    ]
    wallet = world.record(scenario["crypto_wallet"]).entity["properties"]["publicKey"][0]
    page = chromium.new_page(viewport={"width": 1400, "height": 1500})
    page.goto(server["base"] + "/")
    log_in(page, server["base"], "frc.analyst", server["secret"])
    page.click("nav.mainnav >> text=Money")
    page.wait_for_url("**/money/alerts/**")
    row = page.locator(f"tr.alert-row[data-account='{source_number}']")
    assert row.count() == 1
    assert "Structuring" in row.inner_text()  # a label, not the code "structuring"
    row.locator("a.alert-link").click()
    page.wait_for_url("**/money/alerts/*/")
    assert page.locator(".money-graph svg").count() == 1
    page.click("#trace-link")
    page.wait_for_url("**/money/trace/?**")
    assert page.locator("#channels").inner_text() == "Bank → Mobile money → Crypto-currency"
    assert wallet in page.locator("table.traced-accounts").inner_text()
    assert page.locator("#sankey svg path").count() >= 8
    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(
        path=str(SCREENSHOTS / "money_trace.png"),
        full_page=False,
        clip={"x": 0, "y": 0, "width": 1400, "height": 1500},
    )
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.endswith(".csv")
    page.context.close()
