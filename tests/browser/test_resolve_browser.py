"""The resolution review queue in headless Chromium: an analyst judges a pair by keyboard.

On the shared demo: makes sure FRC's suspicious-transaction reports are shared with the DCI
(the demo grants them already; so one analyst sees both agencies' records), runs `usalama
resolve run` as that analyst over the DCI's investigations, logs in with password and TOTP,
opens the first queued pair (its values with provenance and the match-weight waterfall),
presses `d` ("different people": no merge) and checks the judgement is recorded; then opens
the run under Resolution runs and checks its progress page, starts another run from the page
and lets the database worker (`db_worker --batch`) run it until the page shows it done.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in, run_checked, run_cli

pytestmark = pytest.mark.browser

_GRANT = """
from usalama.accounts.models import Agency
from usalama.records.models import Collection, CollectionGrant
CollectionGrant.objects.get_or_create(
    collection=Collection.objects.get(key="frc-str"),
    agency=Agency.objects.get(code="DCI"), defaults={"granted_by": "browser-test"})
"""


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, Any]:
    env = demo_server.env
    django_admin = str(Path(sys.executable).parent / "django-admin")
    run_checked([django_admin, "shell", "-c", _GRANT], env, timeout=300)
    summary = run_cli(
        env,
        "resolve",
        "run",
        "--as",
        "dci.analyst",
        "--collections",
        "dci-investigations",
        "--lower",
        "0.3",
    )
    assert "queued" in summary
    return {"base": demo_server.base, "secret": demo_server.secret("dci.analyst"), "env": env}


def test_review_queue_judgement_by_keyboard(chromium: Any, server: dict[str, Any]) -> None:

    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["base"] + "/")
    log_in(page, server["base"], "dci.analyst", server["secret"])
    page.goto(server["base"] + "/resolve/review/")
    # a grant is read-only: the DCI resolves what it owns (its run and the demo's queue pairs)
    pairs = page.locator("a.pair-link")
    assert pairs.count() >= 1, "the run queued no pair for review"
    pairs.first.click()
    page.wait_for_url("**/resolve/review/*/")
    pair_url = page.url
    assert page.locator("svg.waterfall, .waterfall svg, svg").count() >= 1
    assert "DCI" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "resolve_review.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("d")
    page.goto(pair_url)
    assert "dci.analyst" in page.locator("ul.judgements").inner_text()

    # the CLI's run is listed under Resolution runs, finished, with per-kind counts
    page.goto(server["base"] + "/resolve/runs/")
    assert page.locator("input[name=collections]").count() >= 2
    page.locator("table.runs a").first.click()
    page.wait_for_url("**/resolve/runs/*/")
    bar = page.locator("progress.run-progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    assert "100%" in page.content()
    assert page.locator("table.run-counts tr").count() == 4  # header + three kinds
    page.screenshot(path=str(SCREENSHOTS / "resolve_run.png"), full_page=True)

    # start a run in the browser; the database worker runs it; the page shows it done
    page.goto(server["base"] + "/resolve/runs/")
    page.locator("input[name=collections][value=dci-investigations]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start a resolution run").click()
    assert "/resolve/runs/" in page.url and page.locator(".run-status").count() == 1
    django_admin = str(Path(sys.executable).parent / "django-admin")
    run_checked(
        [django_admin, "db_worker", "--batch", "--no-startup-delay"],
        server["env"],
        timeout=600,
    )
    # the page refreshes itself (meta refresh) while the run is queued or running; a
    # reload of our own would race that navigation, so wait for the page to show "Done"
    expect(page.locator(".run-status")).to_contain_text("Done", timeout=120_000)
    assert page.locator("table.run-counts tr").count() == 4
    page.context.close()
