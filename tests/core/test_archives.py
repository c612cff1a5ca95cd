"""Finding 4 (issue #20): an XLSX compression bomb is refused before any reader opens it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from usalama.core.archives import XlsxLimits, check_xlsx, xlsx_rows
from usalama.core.errors import InvalidInput, TooLarge

_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="x">'


def _workbook(path: Path, rows: int = 3) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "phone"])
    for i in range(rows):
        sheet.append([f"Person {i}", f"07{i:08d}"])
    book.save(path)
    return path


def _with_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    """``source`` with one part replaced (or added)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != name:
                new.writestr(item, old.read(item))
        new.writestr(name, data)
    return target


def test_an_ordinary_workbook_passes(tmp_path: Path) -> None:
    check_xlsx(_workbook(tmp_path / "ok.xlsx", rows=500))


def test_a_compression_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    # 24 MB of identical cells in a part of a few tens of KB: the shape of the 22 KB → 419 MB
    # workbook of the finding, smaller so that the test stays quick.
    cells = b"<row><c><v>1</v></c></row>" * 900_000
    bomb = _with_part(
        _workbook(tmp_path / "base.xlsx"),
        tmp_path / "bomb.xlsx",
        "xl/worksheets/sheet1.xml",
        _HEAD + b"<sheetData>" + cells + b"</sheetData></worksheet>",
    )
    assert bomb.stat().st_size < 200_000
    with pytest.raises(TooLarge, match=r"expands .* times; the limit is 200"):
        check_xlsx(bomb)


def test_the_declared_total_is_limited(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "many.xlsx", rows=20_000)
    with pytest.raises(TooLarge, match="USALAMA_XLSX_MAX_EXPANDED_BYTES"):
        check_xlsx(path, XlsxLimits(max_expanded_bytes=200_000))


def test_a_declared_dimension_beyond_the_limits(tmp_path: Path) -> None:
    sheet = _HEAD + b'<dimension ref="A1:ZZ2000000"/><sheetData/></worksheet>'
    path = _with_part(
        _workbook(tmp_path / "b.xlsx"), tmp_path / "dim.xlsx", "xl/worksheets/sheet1.xml", sheet
    )
    with pytest.raises(TooLarge, match="2,000,000 rows"):
        check_xlsx(path)
    with pytest.raises(TooLarge, match="cells; the limit is 1,000"):
        check_xlsx(path, XlsxLimits(max_rows=10**7, max_cells=1000))


def test_too_many_shared_strings_and_sheets(tmp_path: Path) -> None:
    strings = b'<sst xmlns="x" count="9000000" uniqueCount="9000000"><si><t>a</t></si></sst>'
    path = _with_part(
        _workbook(tmp_path / "b.xlsx"), tmp_path / "sst.xlsx", "xl/sharedStrings.xml", strings
    )
    with pytest.raises(TooLarge, match="9,000,000 shared strings"):
        check_xlsx(path)
    with pytest.raises(TooLarge, match="sheets; the limit is 0"):
        check_xlsx(path, XlsxLimits(max_sheets=0))


def test_a_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    """A directory that lies: the part's declared size is patched smaller than its data."""
    data = _HEAD + b"<sheetData>" + b"<row/>" * 50_000 + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", data)
    raw = bytearray(buffer.getvalue())
    real = len(data).to_bytes(4, "little")
    lie = (1000).to_bytes(4, "little")
    assert raw.count(real) == 2  # local header and central directory
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(raw).replace(real, lie))
    with pytest.raises(InvalidInput, match=r"lies about its size|not the size it declares"):
        check_xlsx(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InvalidInput, match="not an XLSX workbook"):
        check_xlsx(path)


def _large_workbook(path: Path, rows: int) -> Path:
    """A large but legal workbook, written row by row (openpyxl's write-only mode)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id", "station", "lon", "lat", "received", "priority"])
    stations = ["Central", "Kilimani", "Parklands", "Kasarani"]
    for i in range(rows):
        sheet.append([i, stations[i % 4], 36.8 + i * 1e-6, -1.28 - i * 1e-6,
                      f"2024-01-{1 + i % 28:02d} 10:00", i % 5])  # fmt: skip
    book.save(path)
    return path


def test_rows_are_streamed_with_bounded_memory(tmp_path: Path) -> None:
    """Once the workbook is open, reading its 6,000 rows allocates a small fraction of the
    sheet's XML at its peak: one row at a time, never the whole sheet (tracemalloc)."""
    import tracemalloc

    path = _large_workbook(tmp_path / "large.xlsx", rows=6_000)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = max(p.file_size for p in archive.infolist())
    assert sheet_xml > 1_500_000
    rows = xlsx_rows(path)
    tracemalloc.start()
    try:
        assert next(rows)[0] == "id"  # guard passed, workbook open
        tracemalloc.reset_peak()
        base, _peak = tracemalloc.get_traced_memory()
        count = 0
        last: tuple[object, ...] = ()
        for row in rows:
            count += 1
            last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 6_000 and last[0] == 5_999
    grown = peak - base
    assert grown < sheet_xml / 2, f"grew {grown:,} bytes for a {sheet_xml:,}-byte sheet"


def test_the_rows_read_are_capped(tmp_path: Path) -> None:
    path = _large_workbook(tmp_path / "capped.xlsx", rows=2_000)
    with pytest.raises(TooLarge, match="more than 1,000 rows"):
        list(xlsx_rows(path, XlsxLimits(max_rows=1_000)))
    with pytest.raises(TooLarge, match="USALAMA_XLSX_MAX_HELD_BYTES"):
        list(xlsx_rows(path, XlsxLimits(max_held_bytes=100_000)))
    assert len(list(xlsx_rows(path))) == 2_001


def test_every_xlsx_reader_goes_through_the_streaming_guard() -> None:
    """No module opens a workbook itself: ``core.archives.xlsx_rows`` is the one way in."""
    import usalama

    source = Path(usalama.__file__).parent
    offenders = [
        f"{path}:{number}"
        for path in source.rglob("*.py")
        if path.name != "archives.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "load_workbook(" in line or "check_xlsx(" in line
    ]
    assert offenders == []
