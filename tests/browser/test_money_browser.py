"""The money pages in headless Chromium against a real `usalama serve` process.

Builds the demo in a temporary directory, fills FRC's ledger with `usalama ledger sync` and
`usalama ledger scan`, logs in as the FRC analyst (password + TOTP), opens the layering
scenario's alert and follows the trace bank → M-Pesa → crypto; saves a screenshot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_foundation_browser import CHROMIUM, SCREENSHOTS, _free_port, _totp

pytestmark = pytest.mark.browser
PEOPLE = 300


def _run(cli: list[str], args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [*cli, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    import socket

    var_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    built = _run(cli, ["demo", "--no-serve", "--people", str(PEOPLE)], env)
    secrets = {}
    for line in built.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "username":
            secrets[parts[0]] = parts[4]
    _run(cli, ["ledger", "sync", "--collection", "frc-str"], env)
    scanned = _run(cli, ["ledger", "scan", "--collection", "frc-str"], env)
    assert "flagged accounts" in scanned
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "secret": secrets["frc.analyst"]}
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_alert_to_trace_across_channels(server: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    from usalama.demo import generate_world

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/ensure-chromium")
    world = generate_world(seed=7, people=PEOPLE)
    scenario = world.scenarios["layering"]
    source_number = world.record(scenario["source_account"]).entity["properties"]["accountNumber"][
        0
    ]
    wallet = world.record(scenario["crypto_wallet"]).entity["properties"]["publicKey"][0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(server["base"] + "/")
        page.fill("#id_username", "frc.analyst")
        page.fill("#id_password", "usalama-demo-2026")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/otp/")
        page.fill("#id_token", _totp(server["secret"]))
        page.click("button[type=submit].primary")
        page.wait_for_url(server["base"] + "/")
        page.click("nav.mainnav >> text=Money")
        page.wait_for_url("**/money/alerts/**")
        row = page.locator(f"tr.alert-row[data-account='{source_number}']")
        assert row.count() == 1
        assert "structuring" in row.inner_text()
        row.locator("a.alert-link").click()
        page.wait_for_url("**/money/alerts/*/")
        assert page.locator(".money-graph svg").count() == 1
        page.click("#trace-link")
        page.wait_for_url("**/money/trace/?**")
        assert page.locator("#channels").inner_text() == "bank → mobile_money → crypto"
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
