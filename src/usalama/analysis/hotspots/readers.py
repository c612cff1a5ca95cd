"""Read incident files (CSV, XLSX) into one Polars frame with ``x``, ``y`` and ``time``.

Every column is read as text first so a stray value never changes a column's type silently;
coordinates and times are then parsed with errors that name the file, row and column.
Rows without coordinates, or with (0, 0) coordinates (the "null island" an ungeocoded
address gets in many exports), are dropped and counted rather than mapped off the coast of
Africa. Rows with an empty time are dropped and counted; a time that is present but cannot
be read is an error, because it usually means the wrong column or format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from usalama.core.archives import xlsx_rows
from usalama.core.errors import InvalidInput

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
_ROW_NUMBER = "__row__"
_SOURCE = "__source__"
# Formats tried when Polars cannot infer one format for the whole column.
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S%#z",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


@dataclass(frozen=True)
class IncidentTable:
    """Incidents read from files: ``x``, ``y`` (Float64), ``time`` (naive UTC Datetime).

    The original columns are kept (as text) so a caller can filter or label by them.
    """

    frame: pl.DataFrame
    rows_read: int
    dropped_no_coordinates: int
    dropped_no_time: int
    dropped_by_filter: int


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _read_spreadsheet(path: Path) -> pl.DataFrame:
    rows: Iterator[Sequence[Any]]
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        rows = xlsx_rows(path)  # archive guard, then streamed under the memory cap
    else:
        from python_calamine import CalamineWorkbook

        try:
            rows = iter(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
        except Exception as error:  # calamine raises its own types for every broken file
            raise InvalidInput(f"{path}: not a readable spreadsheet ({error})") from error
    first = next(rows, None)
    if first is None:
        raise InvalidInput(f"{path}: the first sheet is empty")
    header = [str(name).strip() if name is not None else "" for name in first]
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    for row in rows:
        padded = list(row) + [None] * (width - len(row))
        for name, value in zip(header, padded, strict=False):
            columns[name].append(_cell_text(value))
    return pl.DataFrame(columns, schema={name: pl.String for name in header})


def _read_csv(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as error:
        raise InvalidInput(f"{path}: not a readable CSV file ({error})") from error
    return frame.rename({name: name.strip() for name in frame.columns})


def _read_one(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    frame = _read_spreadsheet(path) if path.suffix.lower() in XLSX_SUFFIXES else _read_csv(path)
    # Row numbers as a person opening the file sees them: the header is row 1.
    return frame.with_columns(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(_ROW_NUMBER),
        pl.lit(str(path)).alias(_SOURCE),
    )


def _require_columns(frame: pl.DataFrame, path: str, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in frame.columns:
            shown = ", ".join(c for c in frame.columns if not c.startswith("__"))
            raise InvalidInput(f"{path}: no column {column!r} (columns are: {shown})")


def _first_bad_row(frame: pl.DataFrame, raw: str, parsed: pl.Series) -> tuple[str, int, str]:
    bad = frame.filter(pl.col(raw).is_not_null() & parsed.is_null())
    first = bad.row(0, named=True)
    return str(first[_SOURCE]), int(first[_ROW_NUMBER]), str(first[raw])


def _parse_number(frame: pl.DataFrame, column: str) -> pl.Series:
    text = frame[column].str.strip_chars()
    parsed = text.cast(pl.Float64, strict=False)
    if (parsed.is_null() & text.is_not_null() & (text != "")).any():
        source, row, value = _first_bad_row(
            frame.with_columns(text.replace("", None).alias(column)), column, parsed
        )
        raise InvalidInput(f"{source}: row {row}, column {column!r}: {value!r} is not a number")
    return parsed


def _to_naive_utc(series: pl.Series) -> pl.Series:
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return series


def _parse_times(frame: pl.DataFrame, column: str) -> pl.Series:
    text = frame[column].str.strip_chars().replace("", None)
    present = text.is_not_null()
    best: pl.Series | None = None
    try:
        best = _to_naive_utc(text.str.to_datetime(time_unit="us", strict=False))
    except pl.exceptions.PolarsError:
        best = None
    if best is None or (best.is_null() & present).any():
        for fmt in _TIME_FORMATS:
            try:
                candidate = _to_naive_utc(text.str.to_datetime(fmt, time_unit="us", strict=False))
            except pl.exceptions.PolarsError:
                continue
            if best is None or candidate.null_count() < best.null_count():
                best = candidate
            if not (candidate.is_null() & present).any():
                break
    if best is None:
        best = pl.Series(column, [None] * frame.height, dtype=pl.Datetime("us"))
    if (best.is_null() & present).any():
        source, row, value = _first_bad_row(frame.with_columns(text.alias(column)), column, best)
        raise InvalidInput(
            f"{source}: row {row}, column {column!r}: cannot read {value!r} as a date/time"
        )
    return best


def parse_where(conditions: Sequence[str]) -> list[tuple[str, str]]:
    """``COLUMN=VALUE`` filters from the command line."""
    parsed = []
    for condition in conditions:
        column, sep, value = condition.partition("=")
        if not sep or not column.strip():
            raise InvalidInput(f"filter {condition!r} is not of the form COLUMN=VALUE")
        parsed.append((column.strip(), value.strip()))
    return parsed


def read_incidents(
    paths: Sequence[str | Path],
    *,
    x_col: str,
    y_col: str,
    time_col: str,
    hour_col: str | None = None,
    where: Sequence[tuple[str, str]] = (),
) -> IncidentTable:
    """Read and concatenate incident files; keep rows matching every ``where`` (column, value).

    Filter values are compared after trimming spaces (exports pad category names). An
    ``hour_col`` holding the hour of day (0-23) is added to the time column when given.
    """
    if not paths:
        raise InvalidInput("no incident files given")
    frames = []
    for raw_path in paths:
        path = Path(raw_path)
        frame = _read_one(path)
        needed = [x_col, y_col, time_col, *(c for c, _ in where)]
        _require_columns(frame, str(path), needed + ([hour_col] if hour_col else []))
        frames.append(frame)
    frame = pl.concat(frames, how="diagonal_relaxed")
    rows_read = frame.height
    for column, value in where:
        frame = frame.filter(pl.col(column).str.strip_chars() == value)
    dropped_by_filter = rows_read - frame.height

    x = _parse_number(frame, x_col)
    y = _parse_number(frame, y_col)
    times = _parse_times(frame, time_col)
    if hour_col:
        hours = _parse_number(frame, hour_col)
        if ((hours < 0) | (hours >= 24)).any():
            bad = frame.filter((hours < 0) | (hours >= 24)).row(0, named=True)
            raise InvalidInput(
                f"{bad[_SOURCE]}: row {bad[_ROW_NUMBER]}, column {hour_col!r}: "
                f"{bad[hour_col]!r} is not an hour of day (0-23)"
            )
        times = pl.DataFrame({"time": times, "hour": hours}).select(
            pl.col("time")
            + (pl.col("hour").fill_null(0) * 3_600_000_000).cast(pl.Int64).cast(pl.Duration("us"))
        )["time"]
    frame = frame.with_columns(x.alias("x"), y.alias("y"), times.alias("time"))

    has_coordinates = (
        pl.col("x").is_not_null()
        & pl.col("y").is_not_null()
        & ~((pl.col("x") == 0) & (pl.col("y") == 0))
        & pl.col("x").is_finite()
        & pl.col("y").is_finite()
    )
    before = frame.height
    frame = frame.filter(has_coordinates)
    dropped_no_coordinates = before - frame.height
    before = frame.height
    frame = frame.filter(pl.col("time").is_not_null())
    dropped_no_time = before - frame.height
    return IncidentTable(
        frame=frame.drop(_SOURCE),
        rows_read=rows_read,
        dropped_no_coordinates=dropped_no_coordinates,
        dropped_no_time=dropped_no_time,
        dropped_by_filter=dropped_by_filter,
    )
