"""Read incident files (CSV, XLSX) through a column mapping into one checked Polars frame.

Nothing here writes: the frame goes to ``services.import_incidents``, which stores it in
one transaction. Every problem is reported with its file, row (as a spreadsheet shows it:
the header is row 1) and column, so a whole file is either accepted or refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pyproj import Transformer

from usalama.analysis.hotspots import parse_crs
from usalama.core.archives import xlsx_rows
from usalama.core.errors import InvalidInput
from usalama.policing.mappings import TEXT_FIELDS, TIME_FIELDS, Mapping

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
MAX_REPORTED_ERRORS = 20
# Tried after Polars' own inference; US exports use 12-hour clocks with AM/PM.
TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, column {self.column!r}: {self.message}"


@dataclass
class ParsedFile:
    """Incidents from one file, ready to store (times naive UTC, coordinates WGS84)."""

    path: Path
    frame: pl.DataFrame
    rows_read: int = 0
    skipped_no_time: int = 0
    no_coordinates: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _spreadsheet_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """XLSX streamed under the archive guard and memory cap (``core.archives.xlsx_rows``);
    the older .xls and .ods formats through calamine."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        yield from xlsx_rows(path)
        return
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as error:  # calamine has its own error types for broken files
        raise InvalidInput(f"{path}: not a readable spreadsheet ({error})") from error
    yield from (tuple(row) for row in rows)


def read_table(path: Path) -> pl.DataFrame:
    """Every column as text, trimmed header names, plus ``__row__``."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        rows = _spreadsheet_rows(path)
        first = next(rows, None)
        if first is None:
            raise InvalidInput(f"{path}: the first sheet is empty")
        header = [str(name).strip() if name is not None else "" for name in first]
        columns: dict[str, list[str | None]] = {name: [] for name in header}
        for row in rows:
            padded = list(row) + [None] * (len(header) - len(row))
            for name, value in zip(header, padded, strict=False):
                columns[name].append(_cell_text(value))
        frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    else:
        try:
            frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
        except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as error:
            raise InvalidInput(f"{path}: not a readable CSV file ({error})") from error
        frame = frame.rename({name: name.strip() for name in frame.columns})
    frame = frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))
    return frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("__row__"))


def parse_times(text: pl.Series) -> pl.Series:
    """Best-fitting format for the whole column; unreadable values become null."""
    best: pl.Series | None = None
    try:
        best = text.str.to_datetime(time_unit="us", strict=False)
    except pl.exceptions.PolarsError:
        best = None
    present = text.is_not_null()
    if best is None or (best.is_null() & present).any():
        for fmt in TIME_FORMATS:
            try:
                candidate = text.str.to_datetime(fmt, time_unit="us", strict=False)
            except pl.exceptions.PolarsError:
                continue
            if best is None or candidate.null_count() < best.null_count():
                best = candidate
            if not (candidate.is_null() & present).any():
                break
    if best is None:
        return pl.Series(text.name, [None] * text.len(), dtype=pl.Datetime("us"))
    return best


def to_utc(times: pl.Series, time_zone: str) -> pl.Series:
    """Local wall-clock times (or offset-aware ones) → naive UTC."""
    dtype = times.dtype
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        aware = times.dt.convert_time_zone("UTC")
    else:
        aware = times.dt.replace_time_zone(
            time_zone, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone("UTC")
    return aware.dt.replace_time_zone(None)


def _errors_where(
    frame: pl.DataFrame, bad: pl.Series, path: Path, column: str, message: str
) -> list[RowError]:
    rows = frame.filter(bad).select("__row__", column).head(MAX_REPORTED_ERRORS)
    return [
        RowError(path.name, int(r), column, message.format(value=v)) for r, v in rows.iter_rows()
    ]


def read_incident_file(path: Path, mapping: Mapping) -> ParsedFile:
    """Parse one file; problems are collected in ``errors`` rather than raised one by one."""
    raw = read_table(path)
    columns = mapping.columns()
    missing = [c for c in columns.values() if c not in raw.columns]
    if missing:
        shown = ", ".join(c for c in raw.columns if not c.startswith("__"))
        raise InvalidInput(
            f"{path}: mapping {mapping.name!r} needs column(s) "
            f"{', '.join(repr(m) for m in missing)}; the file has: {shown}"
        )
    result = ParsedFile(path=path, frame=pl.DataFrame(), rows_read=raw.height)
    out: dict[str, pl.Series] = {}
    for name in TEXT_FIELDS:
        source = columns.get(name)
        out[name] = (
            raw[source] if source else pl.Series([None] * raw.height, dtype=pl.String)
        ).fill_null("")
    if mapping.external_id:
        ids = raw[mapping.external_id]
        result.errors += _errors_where(
            raw, ids.is_null(), path, mapping.external_id, "empty event id"
        )
        out["external_id"] = ids.fill_null("")
    else:
        out["external_id"] = pl.Series([f"{path.name}:{r}" for r in raw["__row__"].to_list()])
    for name in TIME_FIELDS:
        source = columns.get(name)
        if not source:
            out[name] = pl.Series([None] * raw.height, dtype=pl.Datetime("us"))
            continue
        parsed = parse_times(raw[source])
        unreadable = parsed.is_null() & raw[source].is_not_null()
        result.errors += _errors_where(
            raw, unreadable, path, source, "cannot read {value!r} as a date/time"
        )
        out[name] = to_utc(parsed, mapping.time_zone)

    xs: list[pl.Series] = []
    ys: list[pl.Series] = []
    for axis in ("x", "y"):
        source = columns[axis]
        numbers = raw[source].cast(pl.Float64, strict=False)
        bad = numbers.is_null() & raw[source].is_not_null()
        result.errors += _errors_where(raw, bad, path, source, "{value!r} is not a number")
        (xs if axis == "x" else ys).append(numbers)
    x = xs[0].to_numpy().astype(np.float64)
    y = ys[0].to_numpy().astype(np.float64)
    located = np.isfinite(x) & np.isfinite(y) & ~((x == 0) & (y == 0))
    lon = np.full(raw.height, np.nan)
    lat = np.full(raw.height, np.nan)
    if located.any():
        transformer = Transformer.from_crs(parse_crs(mapping.crs), "EPSG:4326", always_xy=True)
        lon[located], lat[located] = transformer.transform(x[located], y[located])
    outside = located & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if outside.any():
        result.errors += _errors_where(
            raw,
            pl.Series(outside),
            path,
            columns["x"],
            "{value!r} is not a coordinate in " + mapping.crs,
        )
    result.no_coordinates = int((~located).sum())
    out["latitude"] = pl.Series(np.where(located, lat, np.nan)).fill_nan(None)
    out["longitude"] = pl.Series(np.where(located, lon, np.nan)).fill_nan(None)
    out["source_row"] = raw["__row__"]
    frame = pl.DataFrame(out)
    before = frame.height
    frame = frame.filter(pl.col("received").is_not_null())
    result.skipped_no_time = before - frame.height
    deduplicated = frame.unique(subset="external_id", keep="last", maintain_order=True)
    result.duplicates = frame.height - deduplicated.height
    result.frame = deduplicated.with_columns(pl.lit(path.name).alias("source_file"))
    return result


def read_incident_files(paths: Sequence[str | Path], mapping: Mapping) -> list[ParsedFile]:
    """Parse every file; refuse them all, naming rows, if any has a bad value."""
    if not paths:
        raise InvalidInput("no incident files given")
    parsed = [read_incident_file(Path(p), mapping) for p in paths]
    errors = [e for p in parsed for e in p.errors]
    if errors:
        shown = "; ".join(str(e) for e in errors[:MAX_REPORTED_ERRORS])
        more = (
            f" (and {len(errors) - MAX_REPORTED_ERRORS} more)"
            if len(errors) > MAX_REPORTED_ERRORS
            else ""
        )
        raise InvalidInput(f"nothing imported: {len(errors)} bad value(s): {shown}{more}")
    return parsed
