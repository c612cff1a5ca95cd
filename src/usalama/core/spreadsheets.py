"""Defusing values that a spreadsheet would run as a formula (CSV/formula injection).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula: a name like ``=HYPERLINK("http://…")``
imported from a suspect's phone book would become a live link — or worse, a DDE command — in
the analyst's export. As OWASP recommends, such a text value is written with a leading
apostrophe, which every spreadsheet shows as text. Plain numbers (``-250``, ``+3.5``) are left
as they are: they cannot run. Every CSV and XLSX the project writes goes through here:
:func:`writer` for ``csv``, :func:`defuse_frame` for Polars, :func:`defuse` for one value.
Pure Python and Polars; no Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRIGGER_PATTERN = r"^[=+\-@\t\r]"
_NUMBER_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def defuse(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell (only text can carry a formula)."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def defuse_row(row: Iterable[Any]) -> list[Any]:
    return [defuse(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every cell is defused."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(defuse_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def defuse_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` defused, the same rule as :func:`defuse`."""
    import polars as pl  # lazily: the CLI's --help stays fast

    columns = [
        pl.when(
            pl.col(name).str.contains(_TRIGGER_PATTERN)
            & ~pl.col(name).str.contains(_NUMBER_PATTERN)
        )
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    ]
    return frame.with_columns(columns) if columns else frame
