"""The public portal in headless Chromium with JavaScript switched off, in Swahili: the demo's
published months, drill-down from county to ward, the month picker and the language switch
(plain links and a GET form), every page under 150 KB with a cold cache (all same-host bytes
transferred, stylesheet included). Screenshots in docs/screenshots/public_*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, SLOW_MS, wait_until_served

pytestmark = pytest.mark.browser

LIMIT = 150 * 1024


def _cold_page(chromium: Any) -> tuple[Any, Any, list[Any]]:
    """A fresh context (empty cache) with JavaScript disabled, keeping every response."""
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 1000, "height": 1200}
    )
    context.set_default_timeout(SLOW_MS)
    context.set_default_navigation_timeout(SLOW_MS)
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    return context, page, responses


def _weigh(chromium: Any, base: str, url: str) -> tuple[int, str]:
    """All bytes the page pulled from this host (the page, its stylesheet, any image)."""
    context, page, responses = _cold_page(chromium)
    try:
        page.goto(url)
        page.wait_for_load_state("load")
        content = page.content()
        same_host = [r for r in responses if r.url.startswith(base)]
        assert any(r.url.endswith(".css") for r in same_host), [r.url for r in same_host]
        total = sum(len(r.body()) for r in same_host if r.status < 300)
        return total, content
    finally:
        context.close()


def test_public_portal_in_swahili_without_javascript(demo_server: Any, chromium: Any) -> None:
    base = demo_server.base
    wait_until_served(base)
    context, page, _sizes = _cold_page(chromium)
    page.goto(base + "/public/?lang=sw")
    html = page.content()
    assert "<script" not in html.lower()
    assert "Takwimu za umma" in html and 'lang="sw"' in html
    months = page.locator("#month option").all_inner_texts()
    assert len(months) >= 3, months  # the demo publishes its three complete months
    page.screenshot(path=str(SCREENSHOTS / "public_overview_sw.png"), full_page=True)

    # the month picker is a GET form: works without script
    page.select_option("#month", months[-1])
    page.locator("form.month button").click()
    page.wait_for_load_state("load")
    assert f"month={months[-1]}" in page.url and "lang=sw" in page.url

    # drill down: Nairobi -> a sub-county -> a ward, all by plain links
    page.locator("table a", has_text="Nairobi").first.click()
    page.wait_for_load_state("load")
    assert "/public/area/county/47/" in page.url
    page.locator("section table a").first.click()
    page.wait_for_load_state("load")
    assert "/public/area/subcounty/" in page.url
    page.locator("section table a").first.click()
    page.wait_for_load_state("load")
    assert "/public/area/ward/" in page.url
    ward_html = page.content()
    assert "Kwa aina" in ward_html  # "By category"
    page.screenshot(path=str(SCREENSHOTS / "public_ward_sw.png"), full_page=True)
    ward_url = page.url

    # the language switch is a link: English, same page and month
    page.locator("#lang-switch").click()
    page.wait_for_load_state("load")
    assert "lang=en" in page.url and "By category" in page.content()
    context.close()

    measured = {}
    for path in (
        "/public/?lang=sw",
        ward_url.removeprefix(base),
        "/public/response-times/?lang=sw",
        "/public/complaints/?lang=sw",
        "/public/courts/?lang=sw",
        "/public/downloads/?lang=sw",
        "/public/privacy/?lang=sw",
    ):
        weight, content = _weigh(chromium, base, base + path)
        measured[path] = weight
        assert 2000 < weight < LIMIT, (path, weight)
        assert "<script" not in content.lower(), path
    print("public portal bytes (cold cache, same host):", measured)

    context, page, _sizes = _cold_page(chromium)
    page.goto(base + "/public/privacy/?lang=sw")
    page.screenshot(path=str(SCREENSHOTS / "public_privacy_sw.png"), full_page=True)
    page.goto(base + "/public/response-times/?lang=sw")
    page.screenshot(path=str(SCREENSHOTS / "public_response_sw.png"), full_page=True)
    context.close()
