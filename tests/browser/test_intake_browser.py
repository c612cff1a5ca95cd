"""An anonymous tip in Swahili from Chromium with JavaScript off, read back with its code.

Serves a fresh install with gunicorn, submits the form ("Show wards" posts the form back
with what was typed), reads the tip code, lets an investigator reply through the services in a
separate process, and reads the reply back on the tip page with the code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import pytest

from tests.browser.support import (
    SCREENSHOTS,
    cli_env,
    launch_chromium,
    run_checked,
    run_cli,
    serving,
)

pytestmark = pytest.mark.browser

REPLY_SCRIPT = """
import django
django.setup()
from usalama.accounts import services as accounts
from usalama.audit.services import Actor
from usalama.intake import services, staff
from usalama.intake.models import Tip

actor = Actor(name="browser-test")
nps = services.intake_agency()
user = accounts.create_user(actor, username="desk.officer", agency=nps, roles=["desk_officer"],
                            password="correct horse battery staple 42").user
tip = Tip.objects.order_by("-id").first()
staff.reply_to_tip(user, tip.pk, "Asante. Magari hayo yalikuwa ya rangi gani?")
print(tip.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    var_dir = tmp_path_factory.mktemp("var")
    env = cli_env(var_dir)
    run_cli(env, "migrate", timeout=300)
    with serving(env) as base:
        yield {"base": base, "var": str(var_dir), "env": env}


def test_anonymous_tip_in_swahili_without_javascript(
    playwright_session: Any, server: dict[str, object]
) -> None:

    base = str(server["base"])
    with nullcontext(playwright_session) as p:
        browser = launch_chromium(p)
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 420, "height": 900}, locale="sw-KE"
        )
        page = context.new_page()
        page.goto(base + "/report/?lang=sw")
        assert page.locator("html").get_attribute("lang") == "sw"
        assert "Ripoti uhalifu" in page.content()
        page.select_option("#id_pick_county", "Mombasa")
        page.fill(
            "#id_description", "Magari mawili ya wizi yamefichwa kwenye gereji karibu na soko."
        )
        page.click("#pick-county")  # posts the form back with what was typed (#13.6)
        page.wait_for_load_state()
        assert "Magari mawili" in page.input_value("#id_description")
        page.select_option("#id_category", "vehicle_theft")
        page.select_option("#id_place", "Changamwe|Kipevu")
        page.fill("#id_location_text", "Gereji ya Kipevu")
        page.check("input[name=identity][value=anonymous]")
        page.screenshot(path=str(SCREENSHOTS / "intake_form_sw.png"), full_page=True)
        page.click("#submit-report")
        page.wait_for_load_state()
        code = page.locator("#tip-code").inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
        assert "Asante" in page.content()
        assert context.cookies() == []  # no session, no CSRF cookie, nothing
        run_checked(
            [sys.executable, "-c", REPLY_SCRIPT],
            server["env"],  # type: ignore[arg-type]
            timeout=120,
        )
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
