"""The key pages in headless Chromium against a real `usalama serve` process.

Builds a small demo in a temporary directory, serves it with gunicorn, then logs in as the
NPS analyst with a TOTP code, searches, opens an entity page and switches to Swahili.
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

from tests.shared_data import PROJECT_ROOT

pytestmark = pytest.mark.browser
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("USALAMA_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    var_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    built = subprocess.run(
        [*cli, "demo", "--no-serve", "--people", "400"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    secrets = {}
    for line in built.stdout.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "username":
            secrets[parts[0]] = parts[4]
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
        yield {"base": base, "secret": secrets["nps.analyst"], "var": str(var_dir)}
    finally:
        process.terminate()
        process.wait(timeout=20)


def _totp(secret_base32: str) -> str:
    import base64

    from django_otp.oath import totp

    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def test_login_search_entity_swahili(server: dict[str, str]) -> None:
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
        assert "/login/" in page.url
        page.fill("#id_username", "nps.analyst")
        page.fill("#id_password", "usalama-demo-2026")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/otp/")
        page.fill("#id_token", _totp(server["secret"]))
        page.click("button[type=submit].primary")
        page.wait_for_url(server["base"] + "/")
        assert page.locator("table tbody tr").count() >= 1
        page.fill("#id_q", "Mohamed")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/search/?q=Mohamed**")
        results = page.locator("a.result-link")
        assert results.count() >= 1
        results.first.click()
        page.wait_for_url("**/entities/**")
        assert page.locator("table.provenance").count() >= 1
        assert "NPS" in page.locator("table.provenance").first.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "entity_en.png"), full_page=True)
        page.select_option("#language", "sw")
        page.click("#switch-language")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "sw"
        assert "Kumbukumbu zinasema nini" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "entity_sw.png"), full_page=True)
        browser.close()
