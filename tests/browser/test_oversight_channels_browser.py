"""Police referrals and the public channels in headless Chromium on the shared demo: NPS
internal affairs refers a complaint to IPOA on the web form (officers, allegations, a statement
attached); IPOA's receipt stage shows it marked as a police referral next to the complaint that
came by SMS; the counsellor sees the self-referral made by USSD. Screenshots in
docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, wait_until_served
from tests.browser.test_oversight_browser import _signed_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n%browser test statement\n%%EOF\n"


def test_police_referral_sms_complaint_and_ussd_self_referral(
    demo_server: Any, chromium: Any
) -> None:
    base = demo_server.base
    wait_until_served(base)
    iau = _signed_in(chromium, base, "nps.iau", demo_server.secret("nps.iau"))
    iau.click("nav.mainnav >> text=Refer a complaint to IPOA")
    iau.fill("#id_officers", "NPS-10005")
    iau.fill("#id_description", "A suspect was slapped in the Central cells (browser test)")
    iau.check("input[name=categories][value=excessive_force]")
    iau.check("input[name=categories][value=harassment]")
    iau.fill("#id_place", "Central police station")
    iau.fill("#id_station", "Central")
    iau.set_input_files(
        "#id_attachments",
        files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    iau.screenshot(path=str(SCREENSHOTS / "oversight-police-referral-form.png"), full_page=True)
    iau.click("#referral-submit")
    iau.wait_for_url(re.compile(r".*/oversight/complaints/\d+/$"))
    text = iau.content()
    assert "Police referral" in text and "statement.pdf" in text
    reference = re.search(r"IPOA-\d{4}-\d{6}", text)
    assert reference is not None

    ipoa = _signed_in(chromium, base, "ipoa.investigator", demo_server.secret("ipoa.investigator"))
    ipoa.goto(base + "/oversight/complaints/?stage=receipt")
    inbox = ipoa.content()
    assert reference.group(0) in inbox and "Police referral" in inbox and "SMS" in inbox
    ipoa.screenshot(path=str(SCREENSHOTS / "oversight-ipoa-receipt-inbox.png"), full_page=True)

    counsellor = _signed_in(chromium, base, "nps.wellness", demo_server.secret("nps.wellness"))
    counsellor.click("nav.mainnav >> text=Wellness referrals")
    assert "Self-referral (USSD)" in counsellor.content()
    counsellor.screenshot(path=str(SCREENSHOTS / "wellness-ussd-self-referral.png"), full_page=True)
