"""The link chart in headless Chromium: an analyst finds the demo's hidden cross-agency path.

On the shared demo: makes sure FRC shares its beneficial-ownership register with the NPS
(the demo grants it already; so the NPS analyst sees NPS and FRC records), logs in with
password and TOTP, and finds the path between the ``hidden_path`` scenario's two people:
through the shared phone and the company.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SHARED_PEOPLE, SHARED_SEED, DemoServer
from tests.browser.support import SCREENSHOTS, log_in, run_checked

pytestmark = pytest.mark.browser
SEED, PEOPLE = SHARED_SEED, SHARED_PEOPLE  # the shared demo's world holds the scenario

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


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, str]:
    django_admin = str(Path(sys.executable).parent / "django-admin")
    shell = run_checked(
        [django_admin, "shell", "-c", f"SEED, PEOPLE = {SEED}, {PEOPLE}\n{_GRANT_AND_NAMES}"],
        demo_server.env,
        timeout=300,
    )
    names = json.loads(shell.strip().splitlines()[-1])
    return {
        "base": demo_server.base,
        "secret": demo_server.secret("nps.analyst"),
        "a": names["a"],
        "b": names["b"],
        "company": names["company"],
    }


def _pick(page: object, box: str, name: str) -> None:
    page.fill(f"#lc-{box}", name)  # type: ignore[attr-defined]
    item = page.locator(f"#lc-{box}-list li", has_text=name).first  # type: ignore[attr-defined]
    item.wait_for(timeout=15_000)
    item.click()


def test_find_hidden_path_across_agencies(chromium: Any, server: dict[str, str]) -> None:
    page = chromium.new_page(viewport={"width": 1500, "height": 950})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server["base"] + "/login/")
    log_in(page, server["base"], "nps.analyst", server["secret"])
    page.click("nav.mainnav >> text=Link chart")
    page.wait_for_url("**/network/")
    _pick(page, "from", server["a"])
    _pick(page, "to", server["b"])
    page.click("#lc-findpath")
    result = page.locator("#lc-path-result .found")
    result.wait_for(timeout=30_000)
    text = page.locator("#lc-path-result").inner_text()
    assert server["a"] in text and server["b"] in text and server["company"] in text
    # link types by label, not code
    assert "Same phone number" in text and "same_phone" not in text
    assert "Directorship" in text and "Ownership" in text
    assert "NPS" in text and "FRC" in text  # provenance of both agencies' statements
    on_chart = page.evaluate("document.querySelectorAll('#lc-cy canvas').length")
    assert on_chart >= 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "network_path.png"), full_page=True)
    assert not errors, errors
    page.context.close()
