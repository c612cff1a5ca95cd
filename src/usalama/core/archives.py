"""Checking an XLSX workbook (a ZIP of XML parts) before any reader opens it.

A 22 KB workbook once expanded to 419 MB and took 1.2 GB of memory in the reader. A ZIP
declares every part's size in its central directory, so a bomb can be refused from the
directory alone, before a byte is decompressed: too many parts, too many sheets, parts that
expand too far in total or by too high a ratio, a shared-strings table or a sheet
dimension (rows × columns) beyond the limits. Because a directory can lie, each part is then
streamed through in bounded chunks and counted: a part that grows past its declared size
(or past the total) is refused as soon as it does, and memory stays at one chunk.

Then :func:`xlsx_rows` reads the first sheet with openpyxl in read-only mode: rows are
parsed from the XML as they are asked for, so memory holds one row (plus the shared-strings
table, bounded above), never the whole sheet. The values handed out are counted too (their
size as Python objects), and a reader that would hold more than ``max_held_bytes`` of them is
stopped: the per-import memory cap, even for a caller that keeps every row. Every XLSX
reader of the project goes through it. Pure Python, no Django.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usalama.core.errors import InvalidInput, TooLarge

_MIB = 1024 * 1024
_CHUNK = 1024 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SST_COUNT = re.compile(rb'uniqueCount="(\d+)"')
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


@dataclass(frozen=True)
class XlsxLimits:
    max_parts: int = 10_000
    max_sheets: int = 256
    max_expanded_bytes: int = int(
        os.environ.get("USALAMA_XLSX_MAX_EXPANDED_BYTES", str(256 * _MIB))
    )
    max_ratio: int = 200  # expanded/compressed, for parts over 1 MiB expanded
    max_shared_strings: int = 5_000_000
    max_rows: int = 1_048_576  # Excel's own limit
    max_cells: int = 50_000_000
    # the memory cap per import: Python objects handed out by ``xlsx_rows`` (sys.getsizeof)
    max_held_bytes: int = int(os.environ.get("USALAMA_XLSX_MAX_HELD_BYTES", str(512 * _MIB)))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def check_xlsx(path: Path, limits: XlsxLimits | None = None) -> None:
    """Refuse ``path`` (``InvalidInput``/``TooLarge`` naming the limit) unless it is safe."""
    limits = limits or XlsxLimits()
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InvalidInput(
            f"{name}: not a readable spreadsheet (not an XLSX workbook: not a ZIP archive)"
        ) from error
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise TooLarge(f"{name}: {len(parts):,} parts; the limit is {limits.max_parts:,}")
        sheets = [p for p in parts if _SHEET_PART.match(p.filename)]
        if len(sheets) > limits.max_sheets:
            raise TooLarge(f"{name}: {len(sheets)} sheets; the limit is {limits.max_sheets}")
        declared = sum(p.file_size for p in parts)
        if declared > limits.max_expanded_bytes:
            raise TooLarge(
                f"{name}: expands to {declared:,} bytes; the limit is "
                f"{limits.max_expanded_bytes:,} (USALAMA_XLSX_MAX_EXPANDED_BYTES)"
            )
        for part in parts:
            if part.file_size > _MIB:
                ratio = part.file_size / max(part.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise TooLarge(
                        f"{name}: {part.filename} expands {ratio:,.0f} times; "
                        f"the limit is {limits.max_ratio} (a compression bomb?)"
                    )
        for part in sheets:
            _check_dimension(archive, part, limits, name)
        for part in parts:
            if part.filename == "xl/sharedStrings.xml":
                _check_shared_strings(archive, part, limits, name)
        _stream_all(archive, parts, limits, name)


def _head(archive: zipfile.ZipFile, part: zipfile.ZipInfo, size: int = 4096) -> bytes:
    try:
        with archive.open(part) as stream:
            return stream.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        return b""  # a damaged part is named by the full pass (_stream_all)


def _check_dimension(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: XlsxLimits, name: str
) -> None:
    match = _DIMENSION.search(_head(archive, part))
    if not match:
        return  # no declared dimension: the expanded-size limit still bounds the sheet
    rows = int(match[4] or match[2])
    columns = _column_number(match[3] or match[1])
    if rows > limits.max_rows:
        raise TooLarge(f"{name}: a sheet declares {rows:,} rows; the limit is {limits.max_rows:,}")
    if rows * columns > limits.max_cells:
        raise TooLarge(
            f"{name}: a sheet declares {rows * columns:,} cells; the limit is {limits.max_cells:,}"
        )


def _check_shared_strings(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: XlsxLimits, name: str
) -> None:
    match = _SST_COUNT.search(_head(archive, part, 1024))
    if match and int(match[1]) > limits.max_shared_strings:
        raise TooLarge(
            f"{name}: {int(match[1]):,} shared strings; the limit is {limits.max_shared_strings:,}"
        )


def _stream_all(
    archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: XlsxLimits, name: str
) -> None:
    """Decompress every part in bounded chunks, counting what really comes out."""
    total = 0
    for part in parts:
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InvalidInput(f"{name}: {part.filename} uses an unsupported compression")
        produced = 0
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    produced += len(chunk)
                    total += len(chunk)
                    if total > limits.max_expanded_bytes:
                        raise TooLarge(
                            f"{name}: expands past {limits.max_expanded_bytes:,} bytes "
                            "(USALAMA_XLSX_MAX_EXPANDED_BYTES)"
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            # zipfile stops at the declared size and then checks the CRC: a part that
            # holds more than it declares fails here.
            raise InvalidInput(
                f"{name}: {part.filename} is damaged or lies about its size"
            ) from error
        if produced != part.file_size:
            raise InvalidInput(f"{name}: {part.filename} is not the size it declares")


def xlsx_rows(path: Path, limits: XlsxLimits | None = None) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows (header included) as tuples of values, streamed.

    ``check_xlsx`` runs first; then openpyxl's read-only reader parses one row at a time.
    The size of the rows handed out is counted (``sys.getsizeof`` of each tuple and value),
    and past ``max_held_bytes`` the reader stops with ``TooLarge``: a caller that keeps every
    row cannot hold more than that. Broken workbooks are ``InvalidInput``.
    """
    import openpyxl

    limits = limits or XlsxLimits()
    check_xlsx(path, limits)
    name = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many unrelated types for broken files
        raise InvalidInput(f"{name}: not a readable XLSX workbook ({error})") from error
    try:
        if not book.worksheets:
            raise InvalidInput(f"{name}: the workbook has no sheets")
        held = 0
        try:
            for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
                if number > limits.max_rows:
                    raise TooLarge(f"{name}: more than {limits.max_rows:,} rows")
                held += sys.getsizeof(row) + sum(sys.getsizeof(v) for v in row)
                if held > limits.max_held_bytes:
                    raise TooLarge(
                        f"{name}: the rows read hold more than {limits.max_held_bytes:,} "
                        "bytes (USALAMA_XLSX_MAX_HELD_BYTES, the memory cap per import)"
                    )
                yield row
        except (InvalidInput, TooLarge):
            raise
        except Exception as error:  # a damaged sheet is found while it is parsed
            raise InvalidInput(f"{name}: not a readable XLSX workbook ({error})") from error
    finally:
        book.close()
