"""The link chart in headless Chromium: an analyst finds the demo's hidden cross-agency path.

Builds a small demo in a temporary directory, lets FRC share its beneficial-ownership
register with the NPS (so the NPS analyst sees NPS and FRC records), serves it, logs in
with password and TOTP, and finds the path between the ``hidden_path`` scenario's two
people: through the shared phone and the company.
"""

from __future__ import annotations

import json
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
SEED, PEOPLE = 7, 300

_GRANT_AND_NAMES = """
import json
from usalama.accounts.models import Agency
from usalama.records.models import Collection, CollectionGrant, EntityRecord
CollectionGrant.objects.get_or_create(
    collection=Collection.objects.get(key="frc-beneficial-ownership"),
    agency=Agency.objects.get(code="NPS"), defaults={"granted_by": "browser-test"})
from usalama.demo import generate_world
s = generate_world(seed=SEED, people=PEOPLE).scenarios["hidden_path"]
cap = {r.entity_id: r.caption for r in EntityRecord.objects.filter(entity_id__in=s["path"])}
print(json.dumps({"a": cap[s["person_a"]], "b": cap[s["person_b"]],
                  "company": cap[s["company"]], "scenario": s}))
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
    built = subprocess.run(
        [*cli, "demo", "--no-serve", "--people", str(PEOPLE), "--seed", str(SEED)],
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
    django_admin = str(Path(sys.executable).parent / "django-admin")
    shell = subprocess.run(
        [django_admin, "shell", "-c", f"SEED, PEOPLE = {SEED}, {PEOPLE}\n{_GRANT_AND_NAMES}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr[-2000:]
    names = json.loads(shell.stdout.strip().splitlines()[-1])
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
        yield {
            "base": f"http://127.0.0.1:{port}",
            "secret": secrets["nps.analyst"],
            "a": names["a"],
            "b": names["b"],
            "company": names["company"],
        }
    finally:
        process.terminate()
        process.wait(timeout=20)


def _totp(secret_base32: str) -> str:
    import base64

    from django_otp.oath import totp

    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded)):06d}"


def _pick(page: object, box: str, name: str) -> None:
    page.fill(f"#lc-{box}", name)  # type: ignore[attr-defined]
    item = page.locator(f"#lc-{box}-list li", has_text=name).first  # type: ignore[attr-defined]
    item.wait_for(timeout=15_000)
    item.click()


def test_find_hidden_path_across_agencies(server: dict[str, str]) -> None:
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
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server["base"] + "/login/")
        page.fill("#id_username", "nps.analyst")
        page.fill("#id_password", "usalama-demo-2026")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/otp/")
        page.fill("#id_token", _totp(server["secret"]))
        page.click("button[type=submit].primary")
        page.wait_for_url(server["base"] + "/")
        page.click("nav.mainnav >> text=Link chart")
        page.wait_for_url("**/network/")
        _pick(page, "from", server["a"])
        _pick(page, "to", server["b"])
        page.click("#lc-findpath")
        result = page.locator("#lc-path-result .found")
        result.wait_for(timeout=30_000)
        text = page.locator("#lc-path-result").inner_text()
        assert server["a"] in text and server["b"] in text and server["company"] in text
        assert "same_phone" in text and "Directorship" in text and "Ownership" in text
        assert "NPS" in text and "FRC" in text  # provenance of both agencies' statements
        on_chart = page.evaluate("document.querySelectorAll('#lc-cy canvas').length")
        assert on_chart >= 1
        page.wait_for_timeout(500)
        page.screenshot(path=str(SCREENSHOTS / "network_path.png"), full_page=True)
        assert not errors, errors
        browser.close()
