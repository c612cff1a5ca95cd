"""An anonymous tip in Swahili from Chromium with JavaScript off, read back with its code.

Serves a fresh install with gunicorn, submits the form (county → ward pickers work as a
plain GET form), reads the tip code, lets an investigator reply through the services in a
separate process, and reads the reply back on the tip page with the code.
"""

from __future__ import annotations

import os
import re
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

REPLY_SCRIPT = """
import django
django.setup()
from usalama.accounts import services as accounts
from usalama.audit.services import Actor
from usalama.intake import services
from usalama.intake.models import Tip

actor = Actor(name="browser-test")
nps = services.intake_agency()
user = accounts.create_user(actor, username="desk.officer", agency=nps, roles=["desk_officer"],
                            password="correct horse battery staple 42").user
tip = Tip.objects.order_by("-id").first()
services.reply_to_tip(user, tip.pk, "Asante. Magari hayo yalikuwa ya rangi gani?")
print(tip.pk)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    var_dir = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "USALAMA_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "usalama.settings",
    }
    env.pop("USALAMA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "usalama.cli"]
    migrated = subprocess.run(
        [*cli, "migrate"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]
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
        yield {"base": f"http://127.0.0.1:{port}", "var": str(var_dir), "env": env}  # type: ignore[dict-item]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_anonymous_tip_in_swahili_without_javascript(server: dict[str, object]) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/ensure-chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = str(server["base"])
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
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 420, "height": 900}, locale="sw-KE"
        )
        page = context.new_page()
        page.goto(base + "/report/?lang=sw")
        assert page.locator("html").get_attribute("lang") == "sw"
        assert "Ripoti uhalifu" in page.content()
        page.select_option("#id_pick_county", "Mombasa")
        page.click("#pick-county")
        page.wait_for_url("**county=Mombasa**")
        page.select_option("#id_category", "vehicle_theft")
        page.fill(
            "#id_description", "Magari mawili ya wizi yamefichwa kwenye gereji karibu na soko."
        )
        page.select_option("#id_place", "Changamwe|Kipevu")
        page.fill("#id_location_text", "Gereji ya Kipevu")
        page.check("input[name=identity][value=anonymous]")
        page.screenshot(path=str(SCREENSHOTS / "intake_form_sw.png"), full_page=True)
        page.click("#submit-report")
        page.wait_for_load_state()
        code = page.locator("#tip-code").inner_text().strip()
        assert re.fullmatch(r"\d{5}(-\d{5}){4}", code)
        assert "Asante" in page.content()
        assert context.cookies() == []  # no session, no CSRF cookie, nothing
        replied = subprocess.run(
            [sys.executable, "-c", REPLY_SCRIPT],
            env=server["env"],  # type: ignore[arg-type]
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert replied.returncode == 0, replied.stderr[-2000:]
        page.goto(base + "/tip/?lang=sw")
        page.fill("#id_code", code.replace("-", " "))
        page.click("#check-code")
        page.wait_for_load_state()
        assert "Magari hayo yalikuwa ya rangi gani?" in page.content()
        assert "Imepokelewa" in page.locator("#status").inner_text()
        page.fill("#id_text", "Nyeupe na nyekundu.")
        page.click("#send-message")
        page.wait_for_load_state()
        assert "Nyeupe na nyekundu." in page.content()
        assert context.cookies() == []
        browser.close()
