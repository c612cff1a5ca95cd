"""The money pages in headless Chromium against a real `usalama serve` process.

Builds the demo in a temporary directory, fills FRC's ledger with `usalama ledger sync` and
`usalama ledger scan`, logs in as the FRC analyst (password + TOTP), opens the layering
scenario's alert and follows the trace bank → M-Pesa → crypto; saves a screenshot.
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

pytestmark = pytest.mark.browser
PEOPLE = 300


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    env, secrets = build_demo(tmp_path_factory.mktemp("var"), people=PEOPLE)
    run_cli(env, "ledger", "sync", "--collection", "frc-str")
    scanned = run_cli(env, "ledger", "scan", "--collection", "frc-str")
    assert "flagged accounts" in scanned
    with serving(env) as base:
        yield {"base": base, "secret": secrets["frc.analyst"]}


def test_alert_to_trace_across_channels(playwright_session: Any, server: dict[str, str]) -> None:

    from usalama.demo import generate_world

    world = generate_world(seed=7, people=PEOPLE)
    scenario = world.scenarios["layering"]
    source_number = world.record(scenario["source_account"]).entity["properties"]["accountNumber"][
        0
    ]
    wallet = world.record(scenario["crypto_wallet"]).entity["properties"]["publicKey"][0]
    with nullcontext(playwright_session) as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
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
        browser.close()
