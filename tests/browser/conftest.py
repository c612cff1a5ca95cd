"""One demo, one `usalama serve` and one Chromium shared by every browser test that asks
for them (CI time: building a demo and starting a server per module does not scale).

Tests that use `demo_server` share its database: they must create what they change (their
own report, case, grant, …) rather than count on the demo staying as it was built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.support import build_demo, launch_chromium, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SHARED_SEED, SHARED_PEOPLE = 7, 300


@dataclass(frozen=True)
class DemoServer:
    base: str  # http://127.0.0.1:PORT
    env: dict[str, str]  # the CLI environment pointed at the demo's var dir
    secrets: dict[str, str]  # username -> TOTP secret

    def secret(self, username: str) -> str:
        return self.secrets[username]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    env, secrets = build_demo(
        tmp_path_factory.mktemp("shared-demo"), people=SHARED_PEOPLE, seed=SHARED_SEED
    )
    with serving(env) as base:
        yield DemoServer(base=base, env=env, secrets=secrets)


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """The one Playwright driver of the session (a second `sync_playwright()` cannot start
    while one runs): tests that launch a browser of their own launch it from this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_session: Any) -> Iterator[Browser]:
    browser = launch_chromium(playwright_session)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page per test, on the shared Chromium."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
