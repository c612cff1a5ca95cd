"""Hardened pages in a real browser (issue #20 finding 9, #13.6), on the shared demo:

- pages with scripts (link chart, hotspots, pair review, login) run under the
  Content-Security-Policy with no violation reported by Chromium;
- with JavaScript off, "Stay anonymous" hides the name and phone fields (CSS only), and
  "Show wards" keeps what was typed;
- the tip-code flow: the code is typed into a form, the conversation opens, and neither the
  address bar nor the history ever holds the code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def test_pages_with_scripts_run_under_the_policy(page: Any, demo_server: DemoServer) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    base = demo_server.base
    page.goto(base + "/login/")
    assert "script-src 'self'" in (
        page.context.request.get(base + "/login/").headers.get("content-security-policy") or ""
    )
    log_in(page, base, "nps.analyst", demo_server.secret("nps.analyst"))
    paths = ("/network/", "/policing/hotspots/", "/resolve/review/", "/records/imports/")
    for path in (*paths, "/api/v1/docs"):
        response = page.goto(base + path)
        assert response is not None and response.status < 500, path
        page.wait_for_load_state("networkidle")
    page.goto(base + "/network/")
    page.screenshot(path=str(SCREENSHOTS / "csp_linkchart.png"), full_page=False)
    assert violations == [], violations


def test_without_javascript_anonymity_hides_contact_and_wards_keep_typing(
    chromium: Any, demo_server: DemoServer
) -> None:
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 420, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(demo_server.base + "/report/?lang=en")
        page.fill("#id_description", "A grey pickup was stolen near the ferry.")
        page.select_option("#id_pick_county", "Mombasa")
        page.click("#pick-county")
        page.wait_for_load_state()
        assert page.input_value("#id_description") == "A grey pickup was stolen near the ferry."
        assert page.locator("#id_place option[value='Changamwe|Kipevu']").count() == 1
        page.check("input[name=identity][value=anonymous]")
        assert not page.is_visible("#id_contact_name")
        assert not page.is_visible("#id_contact_phone")
        page.check("input[name=identity][value=contact]")
        assert page.is_visible("#id_contact_name") and page.is_visible("#id_contact_phone")
        page.fill("#id_contact_name", "Should Not Be Kept")
        page.check("input[name=identity][value=anonymous]")
        assert not page.is_visible("#id_contact_name")
        page.screenshot(path=str(SCREENSHOTS / "intake_form_anonymous_nojs.png"), full_page=True)
        page.select_option("#id_category", "vehicle_theft")
        page.click("#submit-report")
        page.wait_for_load_state()
        code = page.locator("#tip-code").inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
        assert code not in page.url
    finally:
        context.close()


def test_the_tip_code_never_reaches_the_address_bar(page: Any, demo_server: DemoServer) -> None:
    page.goto(demo_server.base + "/report/?lang=sw")
    page.select_option("#id_category", "robbery")
    page.fill("#id_description", "Majambazi wawili walivamia duka la simu.")
    page.check("input[name=identity][value=anonymous]")
    page.click("#submit-report")
    page.wait_for_load_state()
    code = page.locator("#tip-code").inner_text().strip()
    page.click("#tip-link")  # a form post: "open the conversation"
    page.wait_for_load_state()
    assert page.locator("#status").is_visible()
    page.fill("#id_text", "Walikuwa na pikipiki nyekundu.")
    page.click("#send-message")
    page.wait_for_load_state()
    assert page.locator("#sent").is_visible()
    # typed by hand, in lower case with spaces, as from a note
    page.goto(demo_server.base + "/tip/?lang=sw")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.click("#check-code")
    page.wait_for_load_state()
    assert "Walikuwa na pikipiki nyekundu." in page.content()
    history = page.evaluate("() => [location.href, document.referrer]")
    for address in [*history, page.url]:
        assert code not in address and code.replace("-", "") not in address.upper()
    page.screenshot(path=str(SCREENSHOTS / "tip_conversation_sw.png"), full_page=True)
