"""Call detail records: a mapping (YAML presets), reading CSV/XLSX into one columnar frame.

The canonical frame has one row per record: ``row`` (line in the file), ``a`` (the served
subscriber, E.164), ``b`` (the other party: E.164, or the raw text of a short code or
alphanumeric sender), ``start`` (UTC), ``duration`` (seconds), ``type`` (voice, sms, data),
``direction`` (out, in), ``cell`` (``MCC-MNC-LAC-CI`` with each part as a plain integer, so
``639-02-...`` and OpenCelliD's ``639,2,...`` meet), ``imei`` and ``imsi``.

Rows that cannot be read (no served number, a time that is not a time, an unknown type or
direction, a malformed cell id, a negative duration) are returned as errors naming the line
and the field, never dropped silently. Reading is Polars end to end; phone numbers are
parsed once per distinct value.

``read_cdr`` reads the whole file into one frame (what the analyses want). ``read_cdr_batches``
streams a CSV file in batches of a bounded number of records (the standard ``csv`` module
reads the records, each batch goes through the same ``canonical`` step), so importing a file
of millions of records into a collection takes memory in proportion to the batch, not the
file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from usalama.analysis.comms.phones import DEFAULT_REGION, check_region, normalise_many

FIELDS = (
    "a_number",
    "b_number",
    "start_time",
    "duration_s",
    "type",
    "direction",
    "cell_id",
    "imei",
    "imsi",
)
PLAIN_HEADER = ",".join(FIELDS)
TYPES = ("voice", "sms", "data")
DIRECTIONS = ("out", "in")
CELL_PARTS = ("mcc", "mnc", "lac", "ci")
DEFAULT_TIMEZONE = "Africa/Nairobi"
_PRESETS_FILE = Path(__file__).with_name("presets.yaml")
_TYPE_WORDS = {
    "voice": "voice", "call": "voice", "moc": "voice", "mtc": "voice",
    "sms": "sms", "text": "sms", "data": "data", "gprs": "data",
}  # fmt: skip
_DIRECTION_WORDS = {
    "out": "out", "outgoing": "out", "mo": "out", "o": "out",
    "in": "in", "incoming": "in", "mt": "in", "i": "in",
}  # fmt: skip


class CdrError(ValueError):
    """The file or the mapping cannot be used at all (nothing is read)."""


@dataclass(frozen=True)
class RowProblem:
    """One record that could not be read: its line in the file, the field and why."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class CdrMapping:
    columns: dict[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    cell_parts: dict[str, str] | None = None
    time_format: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    region: str = DEFAULT_REGION
    type_values: dict[str, str] = field(default_factory=dict)
    direction_values: dict[str, str] = field(default_factory=dict)


@dataclass
class CdrTable:
    frame: pl.DataFrame
    problems: list[RowProblem]
    rows_read: int


def presets() -> dict[str, Any]:
    loaded = yaml.safe_load(_PRESETS_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def mapping_from_dict(data: Any, region: str | None = None) -> CdrMapping:
    """A mapping from its YAML shape (see presets.yaml); CdrError naming what is wrong."""
    if not isinstance(data, dict):
        raise CdrError("a CDR mapping is a YAML mapping with 'columns'")
    if "preset" in data:
        chosen = presets().get(str(data["preset"]))
        if chosen is None:
            raise CdrError(f"unknown preset {data['preset']!r}; presets: {', '.join(presets())}")
        data = {**chosen, **{k: v for k, v in data.items() if k != "preset"}}
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise CdrError("the mapping has no 'columns' section")
    unknown = sorted(set(columns) - set(FIELDS) - {"cell"})
    if unknown:
        raise CdrError(f"unknown field(s) in columns: {', '.join(unknown)}; fields: {PLAIN_HEADER}")
    cell = columns.get("cell")
    cell_parts = None
    if cell is not None:
        if not isinstance(cell, dict) or set(cell) != set(CELL_PARTS):
            raise CdrError("columns.cell needs exactly mcc, mnc, lac and ci")
        cell_parts = {k: str(v) for k, v in cell.items()}
    for required in ("a_number", "start_time"):
        if required not in columns:
            raise CdrError(f"the mapping must name the column of {required}")
    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise CdrError("'values' must map type/direction codes")
    type_values = {str(k): str(v) for k, v in (values.get("type") or {}).items()}
    direction_values = {str(k): str(v) for k, v in (values.get("direction") or {}).items()}
    for code, kind in type_values.items():
        if kind not in TYPES:
            raise CdrError(f"values.type maps {code!r} to {kind!r}; types are {', '.join(TYPES)}")
    for code, way in direction_values.items():
        if way not in DIRECTIONS:
            raise CdrError(f"values.direction maps {code!r} to {way!r}; use out or in")
    timezone = str(data.get("timezone") or DEFAULT_TIMEZONE)
    try:
        pl.Series([0]).cast(pl.Datetime("us")).dt.replace_time_zone(timezone)
    except Exception as error:
        raise CdrError(f"unknown time zone {timezone!r}") from error
    try:
        region_code = check_region(region or str(data.get("region") or DEFAULT_REGION))
    except ValueError as error:
        raise CdrError(str(error)) from error
    return CdrMapping(
        columns={k: str(v) for k, v in columns.items() if k != "cell"},
        cell_parts=cell_parts,
        time_format=str(data["time_format"]) if data.get("time_format") else None,
        timezone=timezone,
        region=region_code,
        type_values=type_values,
        direction_values=direction_values,
    )


def load_mapping(path: Path | None, region: str | None = None) -> CdrMapping:
    """The mapping in ``path`` (YAML), or the plain layout when None."""
    if path is None:
        return mapping_from_dict(presets()["plain"], region)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CdrError(f"cannot read the mapping {path.name}: {error}") from error
    return mapping_from_dict(data, region)


def _raw_frame(path: Path) -> pl.DataFrame:
    """Every cell as text, with the line number of each record."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_frame(path)
    try:
        frame = pl.read_csv(
            path,
            infer_schema=False,
            encoding="utf8-lossy",
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as error:
        raise CdrError(f"{path.name}: not a readable CSV file ({error})") from error
    return frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))


def _xlsx_frame(path: Path) -> pl.DataFrame:
    from usalama.core.archives import xlsx_rows
    from usalama.core.errors import UsalamaError

    try:  # the archive guard, then one row at a time (core.archives)
        rows = list(xlsx_rows(path))
    except UsalamaError as error:
        raise CdrError(error.message) from error
    if not rows:
        raise CdrError(f"{path.name}: the workbook is empty")
    header = [str(h).strip() for h in rows[0]]
    columns: dict[str, list[str | None]] = {h: [] for h in header}
    for cells in rows[1:]:
        for index, name in enumerate(header):
            value = cells[index] if index < len(cells) else None
            columns[name].append(_xlsx_text(value))
    frame = pl.DataFrame(columns, schema={h: pl.String for h in header})
    return frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))


def _xlsx_text(value: Any) -> str | None:
    from datetime import datetime

    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _column(frame: pl.DataFrame, mapping: CdrMapping, name: str) -> pl.Expr:
    source = mapping.columns.get(name)
    if source is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(source).str.strip_chars()


def _parse_times(text: pl.Expr, mapping: CdrMapping) -> pl.Expr:
    utc = "UTC"
    if mapping.time_format:
        fmt = mapping.time_format
        if "%z" in fmt or "%Z" in fmt:
            return text.str.to_datetime(fmt, strict=False, time_unit="us").dt.convert_time_zone(utc)
        return (
            text.str.to_datetime(fmt, strict=False, time_unit="us")
            .dt.replace_time_zone(mapping.timezone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone(utc)
        )
    iso = text.str.replace(r"[Zz]$", "+00:00").str.replace(" ", "T", literal=True)
    with_offset = iso.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us"
    ).dt.convert_time_zone(utc)
    with_offset_short = iso.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="us"
    ).dt.convert_time_zone(utc)
    naive = (
        iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
        .dt.replace_time_zone(mapping.timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone(utc)
    )
    return pl.coalesce(with_offset, with_offset_short, naive)


_FAST_ISO = "%Y-%m-%dT%H:%M:%S%:z"


def _times(frame: pl.DataFrame, mapping: CdrMapping) -> pl.Series:
    """Start times in UTC. The common case (ISO 8601 with a ``+03:00`` offset) is parsed in
    one pass; only the rows it cannot read go through the slower list of layouts."""
    text = _column(frame, mapping, "start_time")
    if mapping.time_format:
        return frame.select(_parse_times(text, mapping).alias("start"))["start"]
    fast = frame.select(
        "row",
        text.alias("raw"),
        text.str.to_datetime(_FAST_ISO, strict=False, time_unit="us")
        .dt.convert_time_zone("UTC")
        .alias("start"),
    )
    missing = fast.filter(pl.col("start").is_null() & pl.col("raw").is_not_null())
    if missing.height == 0:
        return fast["start"]
    slow = missing.select("row", _parse_times(pl.col("raw"), mapping).alias("slow"))
    joined = fast.join(slow, on="row", how="left", maintain_order="left")
    return joined.select(pl.coalesce("start", "slow").alias("start"))["start"]


def _coded(text: pl.Expr, values: dict[str, str], words: dict[str, str]) -> pl.Expr:
    if values:
        return text.replace_strict(values, default=None, return_dtype=pl.String)
    return text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.String)


def _cell(frame: pl.DataFrame, mapping: CdrMapping) -> tuple[pl.Expr, pl.Expr]:
    """The canonical cell key and the raw text (for the error message).

    A CDR repeats a few thousand cells millions of times, so the key is worked out once per
    distinct raw id and mapped back.
    """
    if mapping.cell_parts is not None:
        parts = [pl.col(mapping.cell_parts[p]).str.strip_chars() for p in CELL_PARTS]
        raw = pl.concat_str(parts, separator="-")
    else:
        raw = _column(frame, mapping, "cell_id")
    distinct = frame.select(raw.unique().drop_nulls().alias("raw"))
    pieces = pl.col("raw").str.split("-")
    ints = [pieces.list.get(i, null_on_oob=True).cast(pl.Int64, strict=False) for i in range(4)]
    keys = distinct.select(
        "raw",
        pl.when(pieces.list.len() == 4)
        .then(pl.concat_str([p.cast(pl.String) for p in ints], separator="-"))
        .alias("key"),
    ).drop_nulls()
    table = dict(zip(keys["raw"].to_list(), keys["key"].to_list(), strict=True))
    return raw.replace_strict(table, default=None, return_dtype=pl.String), raw


def canonical(
    frame: pl.DataFrame, mapping: CdrMapping, known: dict[str, str | None] | None = None
) -> CdrTable:
    """The raw text frame turned into the canonical one, plus the rows that failed.

    ``known`` (raw number to E.164, None when it is no number) carries the numbers parsed in
    earlier batches of the same file; the new ones are added to it.
    """
    missing = [c for c in mapping.columns.values() if c not in frame.columns]
    if mapping.cell_parts:
        missing += [c for c in mapping.cell_parts.values() if c not in frame.columns]
    if missing:
        raise CdrError(
            f"the file has no column(s) {', '.join(sorted(set(missing)))}; "
            f"its header is: {', '.join(c for c in frame.columns if c != 'row')}"
        )
    a_raw = _column(frame, mapping, "a_number")
    b_raw = _column(frame, mapping, "b_number")
    numbers = pl.concat([frame.select(a_raw.alias("n")), frame.select(b_raw.alias("n"))]).unique()[
        "n"
    ]
    if known is None:
        table = normalise_many(numbers.to_list(), mapping.region)
    else:
        fresh = [n for n in numbers.to_list() if n is not None and n not in known]
        parsed = normalise_many(fresh, mapping.region)
        if len(known) + len(fresh) > _KNOWN_NUMBERS:
            known.clear()  # bounded: a file with more distinct numbers parses some twice
        known.update({n: parsed.get(n) for n in fresh})
        wanted = numbers.drop_nulls().to_list()
        table = {n: e164 for n in wanted if (e164 := known.get(n)) is not None}
    cell_key, cell_raw = _cell(frame, mapping)
    duration_raw = _column(frame, mapping, "duration_s")
    type_raw = _column(frame, mapping, "type")
    direction_raw = _column(frame, mapping, "direction")
    time_raw = _column(frame, mapping, "start_time")
    starts = _times(frame, mapping)
    out = frame.select(
        pl.col("row"),
        a_raw.replace_strict(table, default=None, return_dtype=pl.String).alias("a"),
        a_raw.alias("_a"),
        pl.coalesce(b_raw.replace_strict(table, default=None, return_dtype=pl.String), b_raw).alias(
            "b"
        ),
        starts.alias("start"),
        time_raw.alias("_start"),
        duration_raw.cast(pl.Float64, strict=False).round(0).cast(pl.Int64).alias("duration"),
        duration_raw.alias("_duration"),
        _coded(type_raw, mapping.type_values, _TYPE_WORDS)
        .fill_null(pl.when(type_raw.is_null()).then(pl.lit("voice")))
        .alias("type"),
        type_raw.alias("_type"),
        _coded(direction_raw, mapping.direction_values, _DIRECTION_WORDS).alias("direction"),
        direction_raw.alias("_direction"),
        cell_key.alias("cell"),
        cell_raw.alias("_cell"),
        _column(frame, mapping, "imei").alias("imei"),
        _column(frame, mapping, "imsi").alias("imsi"),
    )
    checks = [
        ("a_number", pl.col("a").is_null(), "_a", "is not a phone number"),
        ("start_time", pl.col("start").is_null(), "_start", "is not a time"),
        (
            "duration_s",
            pl.col("_duration").is_not_null()
            & (pl.col("duration").is_null() | (pl.col("duration") < 0)),
            "_duration",
            "is not a duration in seconds",
        ),
        ("type", pl.col("type").is_null(), "_type", "is not a type (voice, sms, data)"),
        ("direction", pl.col("direction").is_null(), "_direction", "is not a direction (out, in)"),
        (
            "cell_id",
            pl.col("_cell").is_not_null() & pl.col("cell").is_null(),
            "_cell",
            "is not a cell id MCC-MNC-LAC-CI",
        ),
    ]
    bad = pl.lit(False)
    problems: list[RowProblem] = []
    for name, condition, raw_column, reason in checks:
        bad = bad | condition
        failing = out.filter(condition).select("row", raw_column)
        for row, raw in failing.iter_rows():
            shown = "empty" if raw is None else repr(raw)
            problems.append(RowProblem(int(row), name, f"{shown} {reason}"))
    problems.sort(key=lambda p: (p.row, FIELDS.index(p.field)))
    good = out.filter(~bad).select(
        "row", "a", "b", "start", pl.col("duration").fill_null(0), "type", "direction", "cell",
        "imei", "imsi",
    )  # fmt: skip
    return CdrTable(frame=good, problems=problems, rows_read=frame.height)


def read_cdr(path: Path, mapping: CdrMapping | None = None) -> CdrTable:
    """Read a CDR file (CSV or XLSX) with ``mapping`` (the plain layout by default)."""
    return canonical(_raw_frame(path), mapping or load_mapping(None))


BATCH_ROWS = 50_000
_KNOWN_NUMBERS = 200_000


def _csv_batches(path: Path, batch_rows: int) -> Iterator[pl.DataFrame]:
    """The records of a CSV file as text frames of at most ``batch_rows`` rows, each with the
    record's line (``row``, counted like ``_raw_frame``: the header is line 1). Empty fields
    are null, as in ``_raw_frame``; a record with more fields than the header is refused
    (CdrError naming it), one with fewer has the missing ones null."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as error:
        raise CdrError(f"{path.name}: not a readable CSV file ({error})") from error
    with handle:
        records = csv.reader(handle)
        try:
            header = next(records)
        except StopIteration:
            raise CdrError(f"{path.name}: not a readable CSV file (it is empty)") from None
        except csv.Error as error:
            raise CdrError(f"{path.name}: not a readable CSV file ({error})") from error
        names = _unique_names(header)
        width = len(names)
        schema = {"row": pl.Int64, **{name: pl.String for name in names}}
        row = 1
        batch: list[list[Any]] = []
        try:
            for values in records:
                row += 1
                if not values:
                    continue  # a blank line is no record, but it is a line
                if len(values) > width:
                    raise CdrError(
                        f"{path.name}: row {row} has {len(values)} fields, the header {width}"
                    )
                cells: list[Any] = [v if v != "" else None for v in values]
                cells += [None] * (width - len(cells))
                batch.append([row, *cells])
                if len(batch) >= batch_rows:
                    yield pl.DataFrame(batch, schema=schema, orient="row")
                    batch = []
        except csv.Error as error:
            problem = f"{path.name}: not a readable CSV file near row {row} ({error})"
            raise CdrError(problem) from error
        if batch or row == 1:
            yield pl.DataFrame(batch, schema=schema, orient="row")


def _unique_names(header: list[str]) -> list[str]:
    """The header's names, a repeated one suffixed like Polars does (``x``, ``x_duplicated_0``)."""
    out: list[str] = []
    for index, name in enumerate(header):
        name = name or f"column_{index + 1}"
        base, n = name, 0
        while name in out or name == "row":
            name = f"{base}_duplicated_{n}"
            n += 1
        out.append(name)
    return out


def read_cdr_batches(
    path: Path, mapping: CdrMapping | None = None, batch_rows: int | None = None
) -> Iterator[CdrTable]:
    """``read_cdr`` in batches of at most ``batch_rows`` records, in file order. A CSV file is
    streamed; an XLSX workbook (at most a million rows, behind the upload limit) is read
    whole and cut. A mapping naming a missing column fails on the first batch, before
    anything is returned."""
    rules = mapping or load_mapping(None)
    batch_rows = batch_rows or BATCH_ROWS
    known: dict[str, str | None] = {}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        whole = _xlsx_frame(path)
        frames: Iterator[pl.DataFrame] = (
            whole.slice(start, batch_rows) for start in range(0, max(whole.height, 1), batch_rows)
        )
    else:
        frames = _csv_batches(path, batch_rows)
    for frame in frames:
        yield canonical(frame, rules, known)


def write_parquet(table: CdrTable, out: Path) -> None:
    """The canonical frame as Parquet: what the analyses read back quickly."""
    table.frame.write_parquet(out, compression="zstd")


def read_parquet(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path)
