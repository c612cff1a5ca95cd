"""Communications in headless Chromium on the shared demo.

The DCI analyst imports a CDR file and a WhatsApp export into a new collection through the
web import (background jobs), then opens the demo's Operation Likoni call records: the
planted meeting (principal and collector, three times at the Likoni ferry) tops the
co-location table and is drawn on the map; the link chart opens on the principal's number,
and its path finder joins him to the second suspect, Hassan Mwinyi Bakari, through his calls
to the middle-woman "Mama Njeri" and the M-Pesa wallet of hers that both paid into.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

CDR = (
    "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi\n"
    "0711000001,0711000002,2026-03-01T10:02:00+03:00,60,voice,out,639-02-1-1,35001,63902001\n"
    "0711000002,0711000001,2026-03-01T10:03:00+03:00,60,voice,in,639-02-1-2,35002,63902002\n"
)
CHAT = "12/03/2026, 09:05 - Kamau: Habari\n12/03/2026, 09:06 - +254 711 000 002: Poa\nsana\n"


# The relation and drawn size of each link of the found path (Cytoscape's own instance).
DRAWN_PATH_LINKS = """() => document.getElementById("lc-cy")._cyreg.cy.edges(".onpath").map(
    e => [e.data("relation"), e.renderedBoundingBox().w + e.renderedBoundingBox().h])"""


def _import(page: Any, base: str, name: str, data: bytes, fmt: str, new: bool) -> None:

    page.goto(base + "/records/imports/")
    if new:
        page.select_option("#id_collection", "new")
        page.fill("#id_new_key", "dci-browser-comms")
        page.fill("#id_new_label", "Comms browser test")
    else:
        page.select_option("#id_collection", label="Comms browser test (dci-browser-comms)")
    page.set_input_files("#id_file", {"name": name, "mimeType": "text/plain", "buffer": data})
    page.select_option("#id_format", fmt)
    page.fill("#id_court_order", "MCCR/E1/2026")
    page.click("#start-import")
    page.wait_for_url("**/records/imports/*/", timeout=30_000)
    status = page.locator("#job-status")
    deadline = time.monotonic() + 120
    while status.get_attribute("data-status") in ("queued", "running") and (
        time.monotonic() < deadline
    ):
        time.sleep(1)
    assert status.get_attribute("data-status") == "done", status.inner_text()


def test_import_calls_and_chat_then_see_the_planted_meeting(demo_server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    base = demo_server.base
    page.goto(base + "/")
    log_in(page, base, "dci.analyst", demo_server.secret("dci.analyst"))
    _import(page, base, "cdr.csv", CDR.encode(), "cdr", new=True)
    _import(page, base, "WhatsApp Chat with Kamau.txt", CHAT.encode(), "whatsapp", new=False)

    page.goto(base + "/comms/")
    expect(page.locator("body")).to_contain_text("dci-browser-comms")
    page.click("tr:has-text('dci-op-likoni-comms') >> text=Analyse")
    meetings = page.locator("#comms-meetings tbody tr")
    expect(meetings.first).to_contain_text("3")
    principal = meetings.first.locator("td").first.inner_text().strip()
    assert principal.startswith("+254")
    page.locator("#comms-meetings tbody tr").first.locator("text=On the map").click()
    holder = page.locator("#comms-map")
    deadline = time.monotonic() + 20
    while holder.get_attribute("data-meetings") is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert holder.get_attribute("data-meetings") == "3"
    assert page.locator("path.comms-meeting").count() == 3
    page.screenshot(path=str(SCREENSHOTS / "comms_colocation_map.png"), full_page=True)
    page.locator("#comms-meetings tbody tr").first.locator("text=Link chart").click()
    page.wait_for_url("**/network/**", timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "comms_link_chart.png"), full_page=True)

    # the path between the two targets: calls to a middle-woman, then the shared M-Pesa wallet
    _pick(page, "from", principal)
    _pick(page, "to", "Hassan Mwinyi Bakari")
    page.click("#lc-findpath")
    page.locator("#lc-path-result .found").wait_for(timeout=30_000)
    hops = page.locator("#lc-path-result ol > li")
    texts = [hops.nth(i).inner_text() for i in range(hops.count())]
    relations = [set(hops.nth(i).locator(".rel").all_inner_texts()) for i in range(len(texts))]
    assert 2 <= len(texts) <= 4, texts
    assert principal in texts[0] and "Hassan Mwinyi Bakari" in texts[-1], texts
    called = [i for i, r in enumerate(relations) if "Call" in r]
    paid = [i for i, r in enumerate(relations) if "Payment" in r]
    assert called and paid, relations
    # the call reaches the middle-woman's line, whose wallet the suspect paid into
    assert max(paid) > min(called), relations
    # provenance: the operator's call records and its M-Pesa return under the same order
    assert "safaricom_return_MCCR-E512-2024.csv" in texts[0], texts
    assert "safaricom_mpesa_return_MCCR-E512-2024.ftm.json" in texts[-1], texts
    # every link of the path is drawn on the chart, the payments beside the calls
    page.wait_for_timeout(300)
    drawn = page.evaluate(DRAWN_PATH_LINKS)
    assert {"Call", "Payment"} <= {relation for relation, _ in drawn}, drawn
    assert all(size > 0 for _, size in drawn), drawn
    # the tools panel is at most the window's height: a taller window shows every hop
    size = page.viewport_size
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / "comms_path.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def _pick(page: Any, box: str, text: str) -> None:
    page.fill(f"#lc-{box}", text)
    item = page.locator(f"#lc-{box}-list li", has_text=text).first
    item.wait_for(timeout=15_000)
    item.click()
