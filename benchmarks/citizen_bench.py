"""What the citizen-side guards cost, beside the work they guard (same run, same machine).

    .venv/bin/python benchmarks/citizen_bench.py [--rows 50000]

- ``check_xlsx`` on an ordinary workbook vs. the peer figure: python-calamine opening and
  reading the same workbook (what every import does anyway);
- refusing a compression bomb (a ~100 KB workbook declaring ~45 MB of cells): the guard alone,
  and the peer: calamine reading it (what happened before the guard);
- ``defuse_frame`` on a text column vs. the peer: Polars writing the same frame as CSV.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
from python_calamine import CalamineWorkbook

from usalama.core.archives import check_xlsx
from usalama.core.errors import TooLarge
from usalama.core.spreadsheets import defuse_frame


def _timed(function: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def _workbook(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["name", "phone", "county", "amount"])
    for i in range(rows):
        sheet.append([f"Person {i}", f"07{i:08d}", "Mombasa", i * 3.5])
    book.save(path)
    return path


def _bomb(base: Path, path: Path) -> Path:
    cells = b"<row><c t='inlineStr'><is><t>a</t></is></c></row>" * 900_000
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                new.writestr(item, old.read(item))
        new.writestr(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + cells + b"</sheetData></worksheet>",
        )
    return path


def _calamine(path: Path) -> None:
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _peak_mib(function: object) -> float:
    tracemalloc.start()
    function()  # type: ignore[operator]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        book = _workbook(work / "people.xlsx", rows)
        guard, read = _timed(lambda: check_xlsx(book)), _timed(lambda: _calamine(book))
        print(f"workbook: {rows:,} rows, {book.stat().st_size / 2**20:.1f} MiB on disk")
        print(f"  check_xlsx           {guard * 1000:8.1f} ms")
        print(f"  peer: calamine read  {read * 1000:8.1f} ms   (guard = {guard / read:.0%} of it)")
        bomb = _bomb(_workbook(work / "base.xlsx", 1), work / "bomb.xlsx")
        with zipfile.ZipFile(bomb) as archive:
            declared = sum(i.file_size for i in archive.infolist())

        def refuse() -> None:
            try:
                check_xlsx(bomb)
            except TooLarge:
                return
            raise AssertionError("the bomb was not refused")

        print(f"bomb: {bomb.stat().st_size / 1024:.0f} KiB declaring {declared / 2**20:.0f} MiB")
        print(
            f"  check_xlsx refuses   {_timed(refuse) * 1000:8.1f} ms, "
            f"peak {_peak_mib(refuse):.1f} MiB (traced)"
        )
        print(
            f"  peer: calamine read  {_timed(lambda: _calamine(bomb), 1) * 1000:8.1f} ms, "
            f"peak {_peak_mib(lambda: _calamine(bomb)):.1f} MiB (traced, Python side)"
        )
        names = [f"=cmd|{i}" if i % 10 == 0 else f"Person {i}" for i in range(1_000_000)]
        frame = pl.DataFrame({"name": names, "n": list(range(1_000_000))})
        defuse = _timed(lambda: defuse_frame(frame))
        write = _timed(lambda: frame.write_csv(io.StringIO()))
        print("frame: 1,000,000 rows, one text column")
        print(f"  defuse_frame         {defuse * 1000:8.1f} ms")
        print(f"  peer: write_csv      {write * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
