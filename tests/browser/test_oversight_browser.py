"""Oversight and wellness in headless Chromium on the shared demo: a citizen files a complaint
on the web form, IPOA moves it to a recommendation, the NPS commander sees the flagged officers
and their factors, and a counsellor sees a wellness referral that the commander, internal
affairs and IPOA cannot reach (404). Screenshots in docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, SLOW_MS, log_in, wait_until_served

pytestmark = pytest.mark.browser


def _page(chromium: Any, width: int = 1400, height: int = 1000) -> Any:
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(SLOW_MS)
    context.set_default_navigation_timeout(SLOW_MS)
    return context.new_page()


def _signed_in(chromium: Any, base: str, username: str, secret: str) -> Any:
    page = _page(chromium)
    page.goto(base + "/")
    log_in(page, base, username, secret)
    return page


def test_complaint_to_recommendation_flags_and_the_wellness_firewall(
    demo_server: Any, chromium: Any
) -> None:
    base = demo_server.base
    wait_until_served(base)
    citizen = _page(chromium, 1000, 1100)
    citizen.goto(base + "/oversight/complain/")
    citizen.fill(
        "#id_description", "An officer kicked my son outside Kilimani police station (browser test)"
    )
    citizen.select_option("#id_category", "excessive_force")
    citizen.fill("#id_place", "Argwings Kodhek Road")
    citizen.fill("#id_station", "Kilimani")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    citizen.screenshot(path=str(SCREENSHOTS / "oversight-complaint-form.png"), full_page=True)
    citizen.click("#complaint-submit")
    code = citizen.inner_text("#follow-up-code").strip()
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){5}", code)
    reference = re.search(r"IPOA-\d{4}-\d{6}", citizen.content())
    assert reference is not None

    ipoa = _signed_in(chromium, base, "ipoa.investigator", demo_server.secret("ipoa.investigator"))
    ipoa.click("nav.mainnav >> text=Complaints against police")
    ipoa.click(f"text={reference.group(0)}")
    complaint_url = ipoa.url
    for stage in ("admissibility", "preliminary", "investigation"):
        ipoa.select_option("#to_stage", stage)
        ipoa.click("#stage-submit")
        ipoa.wait_for_url(complaint_url)
    ipoa.select_option("#to_stage", "recommendation")
    ipoa.select_option("#id_recommendation", "disciplinary_iau")
    ipoa.click("#stage-submit")
    ipoa.wait_for_url(complaint_url)
    assert ipoa.inner_text("#stage") == "Recommendation"
    assert "Internal Affairs Unit" in ipoa.inner_text("#recommendation")
    ipoa.screenshot(path=str(SCREENSHOTS / "oversight-ipoa-recommendation.png"), full_page=True)

    # the investigator names the officer, records the finding and summons them
    ipoa.fill(".allegation-form input[name=officer]", "NPS-10005")
    ipoa.select_option(".allegation-form select[name=finding]", "sustained")
    ipoa.select_option(".allegation-form select[name=penalty]", "reprimand")
    ipoa.click(".allegation-form button")
    ipoa.wait_for_url(complaint_url)
    allegations = ipoa.inner_text("#allegations")
    assert "Sustained" in allegations and "Reprimand" in allegations and "NPS-10005" in allegations
    ipoa.fill("#summons-form input[name=officer]", "NPS-10005")
    ipoa.fill("#summons-form input[name=due]", "2030-01-15")
    ipoa.click("#summons-form button")
    ipoa.wait_for_url(complaint_url)
    assert "pending" in ipoa.inner_text("#summonses")
    ipoa.screenshot(path=str(SCREENSHOTS / "oversight-ipoa-findings.png"), full_page=True)
    ipoa.click("#summonses form button")
    ipoa.wait_for_url(complaint_url)
    assert "attended" in ipoa.inner_text("#summonses")

    citizen.goto(base + "/oversight/complain/follow-up/")
    citizen.fill("#id_code", code)
    citizen.click("button[type=submit].primary")
    assert "Recommendation" in citizen.inner_text("#follow-up-status")

    commander = _signed_in(chromium, base, "nps.commander", demo_server.secret("nps.commander"))
    commander.click("nav.mainnav >> text=Early intervention")
    assert "never a sanction" in commander.inner_text("#never-a-sanction")
    rows = commander.locator("#flags tbody tr")
    assert rows.count() >= 3
    assert "use-of-force reports" in commander.inner_text("#flags").lower()
    commander.screenshot(path=str(SCREENSHOTS / "oversight-early-intervention.png"), full_page=True)
    commander.click("#models a")
    assert commander.locator("table.fairness").count() >= 1
    commander.screenshot(path=str(SCREENSHOTS / "oversight-model-fairness.png"), full_page=True)

    counsellor = _signed_in(chromium, base, "nps.wellness", demo_server.secret("nps.wellness"))
    counsellor.click("nav.mainnav >> text=Wellness referrals")
    counsellor.click("#referrals a >> nth=0")
    referral_url = counsellor.url
    assert "/wellness/referrals/" in referral_url
    counsellor.screenshot(path=str(SCREENSHOTS / "wellness-referral.png"), full_page=True)

    iau = _signed_in(chromium, base, "nps.iau", demo_server.secret("nps.iau"))
    for page in (commander, iau, ipoa):
        response = page.goto(referral_url)
        assert response is not None and response.status == 404
        response = page.goto(base + "/wellness/")
        assert response is not None and response.status == 404
    iau.goto(base + "/oversight/complaints/")
    assert "IPOA-DEMO-000001" in iau.content()  # IPOA shared its disciplinary recommendation
