"""Web import and export in headless Chromium, with the background worker `serve` starts.

On the shared demo server (`usalama serve`, which also runs `usalama worker`): logs in as
the DCI analyst, uploads a CSV with a mapping into a new collection (one row has a bad
date), watches the job page poll to "Done", downloads the error report, screenshots the job
page, and exports the new collection as CSV from the records page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DemoServer
from tests.browser.support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

SUSPECTS_CSV = (
    "ref,full_name,born,phone\n"
    "S-1,Achieng Otieno,1990-01-02,+254712000001\n"
    "S-2,Brian Kiprop,31/02/1988,+254712000002\n"
    "S-3,Chebet Mutai,1985-05-05,+254712000003\n"
    "S-4,Daudi Mwangi,1970-07-07,+254712000004\n"
)
MAPPING = """entities:
  suspect:
    schema: Person
    keys: [ref]
    properties:
      name: {column: full_name}
      birthDate: {column: born}
      phone: {column: phone}
"""


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> dict[str, str]:
    """The shared demo (its new collection's key is this module's own)."""
    return {"base": demo_server.base, "secret": demo_server.secret("dci.analyst")}


def test_upload_watch_the_job_download_errors_and_export(
    chromium: Any, server: dict[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = server["base"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(base + "/")
    log_in(page, base, "dci.analyst", server["secret"])
    page.click("nav.mainnav >> text=Records")
    page.wait_for_url("**/records/")
    page.click("text=Import a file")
    page.wait_for_url("**/records/imports/")

    page.select_option("#id_collection", "new")
    page.fill("#id_new_key", "dci-browser-suspects")
    page.fill("#id_new_label", "Suspects list (browser test)")
    page.select_option("#id_reliability", "B")
    page.select_option("#id_assessment", "2")
    page.select_option("#id_handling", "H1")
    csv_file = {"name": "suspects.csv", "mimeType": "text/csv", "buffer": SUSPECTS_CSV.encode()}
    page.set_input_files("#id_file", csv_file)
    yml = {"name": "suspects.yml", "mimeType": "application/yaml", "buffer": MAPPING.encode()}
    page.set_input_files("#id_mapping", yml)
    page.click("#start-import")

    page.wait_for_url("**/records/imports/*/", timeout=30_000)
    # The worker beside `serve` runs the job; htmx polls the status into the page.
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "done", timeout=90_000)
    expect(page.locator("#count-entities")).to_have_text("3")
    expect(page.locator("#count-rejected")).to_have_text("1")

    with page.expect_download() as errors_download:
        page.click("#error-report")
    errors_path = tmp_path / "errors.csv"
    errors_download.value.save_as(errors_path)
    rows = list(csv.DictReader(io.StringIO(errors_path.read_text(encoding="utf-8"))))
    assert [(r["row"], r["field"]) for r in rows] == [("row 3", "born")], rows
    page.screenshot(path=str(SCREENSHOTS / "records_import.png"), full_page=True)

    page.click("text=Go to the collection")
    page.wait_for_url("**/records/*")
    row = page.locator("#collection-dci-browser-suspects")
    expect(row).to_contain_text("B2")
    expect(row).to_contain_text("H1")
    with page.expect_download() as export_download:
        row.locator("a", has_text="CSV").click()
    exported = tmp_path / "export.csv"
    export_download.value.save_as(exported)
    table = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert sorted(r["caption"] for r in table) == [
        "Achieng Otieno",
        "Chebet Mutai",
        "Daudi Mwangi",
    ]
    page.context.close()
