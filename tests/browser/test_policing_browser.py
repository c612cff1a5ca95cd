"""Policing pages in headless Chromium against a real `usalama serve` process.

Builds a small demo in a temporary directory, imports the shared Seattle sample and the
Portland August + September files with the CLI as the NPS commander, serves, logs in with a
TOTP code, and screenshots the response-time dashboard and the Portland forecast map.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared_data import PROJECT_ROOT, SHARED_DATA

pytestmark = pytest.mark.browser
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("USALAMA_CHROMIUM", "/usr/bin/chromium")
CRIME = SHARED_DATA / "crime"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(cli: list[str], args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [*cli, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not (CRIME / "seattle_calls_sample.csv").exists():
        pytest.skip("shared crime data not present")
    var_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    built = _run(cli, ["demo", "--no-serve", "--people", "200"], env)
    secrets = {}
    for line in built.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "username":
            secrets[parts[0]] = parts[4]
    as_commander = ["--as", "nps.commander"]
    _run(
        cli,
        [
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
        ],
        env,
    )
    _run(
        cli,
        [
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
        ],
        env,
    )
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield {"base": base, "secret": secrets["nps.commander"]}
    finally:
        process.terminate()
        process.wait(timeout=20)


def _totp(secret_base32: str) -> str:
    import base64

    from django_otp.oath import totp

    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def test_response_times_and_portland_forecast_map(server: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/ensure-chromium")
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
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server["base"] + "/")
        page.fill("#id_username", "nps.commander")
        page.fill("#id_password", "usalama-demo-2026")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/otp/")
        page.fill("#id_token", _totp(server["secret"]))
        page.click("button[type=submit].primary")
        page.wait_for_url(server["base"] + "/")
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
        page.wait_for_selector("#hotspot-map path.leaflet-interactive", timeout=30_000)
        assert page.locator("#hotspot-map path.leaflet-interactive").count() == 50
        assert page.locator("#patrol-plan tbody tr").count() == 10
        assert page.locator("#ranked-cells tbody tr").count() == 50
        page.screenshot(path=str(SCREENSHOTS / "hotspots_portland.png"), full_page=True)
        browser.close()
