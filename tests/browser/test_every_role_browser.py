"""Done-means 1 of issue 13: log in as every demo role right after `usalama demo
--no-serve`, open every entry of that role's menu, and find no 4xx/5xx anywhere and real
content (no empty-state message) on each role's main pages; a screenshot of each role's
first page goes to docs/screenshots/role_<username>.png.

The menu walk reads the links of `nav.mainnav`, so entries other areas add are walked too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in
from usalama.demo.load import DEMO_USERS

pytestmark = pytest.mark.browser

# Pages (beyond the first page) where each role must find work, not an empty state.
MAIN_PAGES: dict[str, tuple[str, ...]] = {
    "nps.analyst": ("/records/", "/money/"),
    "dci.analyst": ("/records/", "/resolve/"),
    "frc.analyst": ("/money/",),
    "dci.supervisor": ("/resolve/", "/records/"),
    "nps.desk": ("/intake/triage/", "/policing/incidents/"),
    "nps.commander": ("/policing/", "/policing/incidents/"),
    "odpp.prosecutor": ("/records/",),
    "ipoa.investigator": ("/records/",),
}
EMPTY = "main .empty"
# Roles that read no records: their menus must not offer record pages.
WITHOUT_RECORDS = {"nps.wellness", "dci.admin", "sysadmin", "jud.clerk", "nps.iau"}
RECORD_PAGES = ("Intake", "Records", "Search", "Link chart", "Money", "Policing", "Incidents")


def _visible_empty(page: Any) -> list[str]:
    found = page.locator(EMPTY)
    return [found.nth(i).inner_text() for i in range(found.count()) if found.nth(i).is_visible()]


@pytest.mark.parametrize("username", [u for u, _agency, _role in DEMO_USERS])
def test_every_menu_entry_of_every_role_opens(
    demo_server: DemoServer, page: Any, username: str
) -> None:
    base = demo_server.base
    page.goto(base + "/")
    log_in(page, base, username, demo_server.secret(username))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"role_{username}.png"), full_page=True)
    assert not _visible_empty(page), f"{username}: empty first page"
    assert page.locator("#account-panel").count() == 1
    links = page.locator("nav.mainnav a")
    entries = [
        (links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href") or "")
        for i in range(links.count())
    ]
    assert entries, f"{username} has no menu"
    if username in WITHOUT_RECORDS:
        offered = {label for label, _href in entries}
        assert not offered & set(RECORD_PAGES), f"{username} is offered {offered}"
    failures = []
    for label, href in entries:
        response = page.goto(base + href if href.startswith("/") else href)
        assert response is not None
        if response.status >= 400:
            failures.append(f"{label} {href}: {response.status}")
    assert not failures, f"{username}: {failures}"
    for path in MAIN_PAGES.get(username, ()):
        assert any(href.startswith(path) for _label, href in entries), (
            f"{username} has no menu entry for {path}"
        )
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (username, path)
        assert not _visible_empty(page), f"{username}: empty state on {path}"
