"""The harness shared by the browser tests: a demo in a temporary directory, a live
`usalama serve` process, a TOTP code and a headless Debian Chromium to drive it."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.shared_data import PROJECT_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("USALAMA_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "usalama-demo-2026"
# page and navigation timeout where the shared 2-core machine is busy with several test runs
SLOW_MS = 180_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_env(var_dir: Path) -> dict[str, str]:
    """This process's environment, pointed at `var_dir` and its SQLite database."""
    env = {
        **os.environ,
        "USALAMA_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "usalama.settings",
    }
    env.pop("USALAMA_DATABASE_URL", None)
    return env


def run_checked(argv: list[str], env: dict[str, str], timeout: float) -> str:
    """Run `argv`, assert it exits 0 (showing the end of stderr if not); return stdout."""
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def run_cli(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    """Run `python -m usalama.cli ARGS` in `env`; assert success and return stdout."""
    return run_checked([sys.executable, "-m", "usalama.cli", *args], env, timeout)


def demo_secrets(output: str) -> dict[str, str]:
    """The TOTP secret of each login printed by `usalama demo` (username … secret)."""
    secrets = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "username":
            secrets[parts[0]] = parts[4]
    return secrets


def build_demo(
    var_dir: Path, people: int, seed: int = 7, timeout: float = 900
) -> tuple[dict[str, str], dict[str, str]]:
    """Build the demo in `var_dir` without serving; return (environment, TOTP secrets)."""
    env = cli_env(var_dir)
    built = run_cli(
        env,
        "demo",
        "--no-serve",
        "--people",
        str(people),
        "--seed",
        str(seed),
        timeout=timeout,
    )
    return env, demo_secrets(built)


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """Run `usalama serve` on a free port, yield its base URL, terminate it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "usalama.cli", "serve", "--port", str(port)],
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
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium (fails the test if it is missing); makes the screenshot dir."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/ensure-chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# The last TOTP step each secret's code was used for in this test process (``totp_code``).
_LAST_STEP: dict[str, int] = {}
_STEP_SECONDS = 30


def totp_code(secret: str) -> str:
    """A six-digit TOTP code for a base32 secret (padding optional) that this test process
    has not used yet: the current step's or, when this process already used that step (one
    user logging in twice within 30 s), the next step's, which django-otp accepts (tolerance
    of one step) with no wait; only a third login within the same step waits for the clock."""
    from django_otp.oath import totp

    now = int(time.time() // _STEP_SECONDS)
    step = max(now, _LAST_STEP.get(secret, now - 1) + 1)
    if step > now + 1:
        time.sleep((step - 1) * _STEP_SECONDS - time.time() + 0.5)
        now = int(time.time() // _STEP_SECONDS)
    _LAST_STEP[secret] = step
    padded = secret + "=" * (-len(secret) % 8)
    return f"{totp(base64.b32decode(padded), drift=step - now):06d}"


def log_in(page: Page, base: str, username: str, secret: str) -> None:
    """On the login form already open in `page`: password, then TOTP; waits for home."""
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/otp/")
    # django-otp refuses a code already used (replay protection): ``totp_code`` never sends
    # one this process used; if a code was used elsewhere (a test typing its own), try the
    # next step's code after waiting for it.
    for attempt in range(3):
        page.fill("#id_token", totp_code(secret))
        page.click("button[type=submit].primary")
        try:
            page.wait_for_url(base + "/", timeout=10_000 if attempt < 2 else 30_000)
            return
        except Exception:
            if attempt == 2:
                raise
            time.sleep(31 - time.time() % 30)


def wait_until_served(base: str, seconds: float = 240) -> None:
    """The shared server is given 60 s to start; on a busy shared machine it can need more."""
    from urllib.parse import urlsplit

    address = urlsplit(base)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address.hostname, address.port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
