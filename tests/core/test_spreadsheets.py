"""Finding 8 (issue #20): no CSV or XLSX the project writes can carry a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import usalama
from usalama.core.spreadsheets import TRIGGERS, defuse, defuse_frame, writer

DANGEROUS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_each_trigger_is_defused_and_numbers_are_not() -> None:
    for value in DANGEROUS:
        assert defuse(value) == "'" + value
    for number in ("-250", "+3.5", "-0.75", "1e5", "-1.5E-3"):
        assert defuse(number) == number
    assert defuse(-250) == -250 and defuse(None) is None
    assert defuse("Juma Kariuki") == "Juma Kariuki"


@settings(max_examples=50)
@given(st.sampled_from(TRIGGERS), st.text(max_size=20))
def test_nothing_that_starts_with_a_trigger_survives(trigger: str, rest: str) -> None:
    value = defuse(trigger + rest)
    assert not value.startswith(TRIGGERS) or re.fullmatch(r"[+-][\d.eE+-]+", value)


def test_the_writer_and_the_frame_agree() -> None:
    buffer = io.StringIO()
    writer(buffer).writerows([[v, 1] for v in DANGEROUS])
    written = [row[0] for row in csv.reader(io.StringIO(buffer.getvalue(), newline=""))]
    frame = defuse_frame(pl.DataFrame({"name": DANGEROUS, "n": list(range(len(DANGEROUS)))}))
    assert written == frame["name"].to_list() == ["'" + v for v in DANGEROUS]


def test_every_csv_writer_in_the_project_goes_through_the_helper() -> None:
    """A new ``csv.writer`` or ``.write_csv`` outside the helper fails this test."""
    source = Path(usalama.__file__).parent
    offenders = []
    for path in source.rglob("*.py"):
        if path.name == "spreadsheets.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "csv.writer(" in line or "csv.DictWriter(" in line:
                offenders.append(f"{path}:{number}")
            if ".write_csv(" in line and "defuse_frame(" not in line:
                offenders.append(f"{path}:{number}")
            if ".write_excel(" in line or "openpyxl.Workbook(" in line:
                offenders.append(f"{path}:{number}")
    assert offenders == []
