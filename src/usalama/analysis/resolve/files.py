"""Read plain CSV files into the standard frame, refusing bad input with a clear message."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from usalama.analysis.resolve.schema import ADDRESS_PARTS, FIELD_ALIASES, squash
from usalama.core.errors import InvalidInput


def parse_column_overrides(spec: str | None) -> dict[str, list[str]]:
    """``given_name=fname,address=street+town`` -> field -> raw columns (joined by ``+``)."""
    overrides: dict[str, list[str]] = {}
    if not spec:
        return overrides
    for item in spec.split(","):
        if not item.strip():
            continue
        field, sep, columns = item.partition("=")
        if not sep or not field.strip() or not columns.strip():
            raise InvalidInput(f"--columns entry {item!r} is not field=column")
        field = field.strip()
        if field not in FIELD_ALIASES and field != "address":
            raise InvalidInput(f"--columns names unknown field {field!r}")
        overrides[field] = [c.strip() for c in columns.split("+") if c.strip()]
    return overrides


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: file not found") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read ({error.strerror})") from None
    if not data.strip():
        raise InvalidInput(f"{path}: file is empty")
    if b"\x00" in data[:65536]:
        raise InvalidInput(f"{path}: looks like a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path}: not UTF-8 text (bad byte at offset {error.start}); convert it to UTF-8"
        ) from None


def read_table(path: Path) -> pl.DataFrame:
    """All columns as strings, exactly as written."""
    text = _read_text(path)
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        first_line = str(error).splitlines()[0] if str(error) else "unreadable"
        raise InvalidInput(f"{path}: not a readable CSV file ({first_line})") from None
    if frame.height == 0:
        raise InvalidInput(f"{path}: has a header but no rows")
    return frame


def _resolve_columns(
    path: Path, raw_columns: list[str], overrides: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    by_squashed = {squash(c): c for c in raw_columns}
    chosen: dict[str, list[str]] = {}
    for field, columns in overrides.items():
        missing = [c for c in columns if c not in raw_columns]
        if missing:
            raise InvalidInput(f"{path}: --columns refers to missing column {missing[0]!r}")
        chosen[field] = columns
    for field, aliases in FIELD_ALIASES.items():
        if field in chosen:
            continue
        for alias in aliases:
            if squash(alias) in by_squashed:
                chosen[field] = [by_squashed[squash(alias)]]
                break
    if "address" not in chosen:
        parts = [by_squashed[squash(p)] for p in ADDRESS_PARTS if squash(p) in by_squashed]
        if parts:
            chosen["address"] = parts
    return chosen


def read_standard_frame(
    path: Path,
    id_column: str,
    *,
    source: str = "",
    overrides: Mapping[str, list[str]] | None = None,
) -> pl.DataFrame:
    """A CSV file as the standard input frame (see ``schema.STANDARD_FIELDS``)."""
    raw = read_table(path)
    if id_column not in raw.columns:
        raise InvalidInput(
            f"{path}: no id column {id_column!r} (columns: {', '.join(raw.columns)})"
        )
    ids = raw.get_column(id_column).str.strip_chars()
    if ids.is_null().any() or (ids == "").any():
        row = int((ids.is_null() | (ids == "")).arg_max() or 0) + 2  # +1 header, +1 one-based
        raise InvalidInput(f"{path}: row {row} has an empty {id_column!r}")
    duplicated = ids.filter(ids.is_duplicated())
    if duplicated.len():
        raise InvalidInput(f"{path}: duplicate {id_column!r} value {duplicated[0]!r}")
    columns = _resolve_columns(path, [c for c in raw.columns if c != id_column], overrides or {})
    if not columns:
        raise InvalidInput(f"{path}: no recognisable name, date, identifier or address columns")
    expressions: list[pl.Expr | pl.Series] = [ids.alias("record_id")]
    for field, raw_columns in columns.items():
        if field == "source":
            continue
        expressions.append(
            pl.concat_str([pl.col(c) for c in raw_columns], separator=" ", ignore_nulls=True).alias(
                field
            )
        )
    expressions.append(pl.lit(source).alias("source"))
    return raw.select(expressions)
