"""Transfers as a Polars frame, and readers that build one from CSV files.

Every money engine function takes the same frame shape (``TRANSFER_SCHEMA``):

========  ========  =========================================================
column    dtype     meaning
========  ========  =========================================================
source    Utf8      paying account (bank account, wallet, address)
target    Utf8      receiving account
amount    Float64   amount, > 0
currency  Utf8      ISO code or ticker; ``""`` when the file has none
time      Float64   seconds since the Unix epoch (datetimes) or
                    ``step × seconds_per_step`` for step-numbered files
channel   Utf8      ``bank``, ``mobile_money``, ``crypto`` (or ``""``)
reference Utf8      free text (transaction id, narrative)
========  ========  =========================================================

Time is kept as float seconds so every window in the engine is a ``timedelta``,
whatever the file used: simulators such as AMLSim count integer steps (one step
is one day), real bank exports carry timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from usalama.core.errors import InvalidInput

CHANNELS = ("bank", "mobile_money", "crypto", "")

TRANSFER_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.Utf8(),
    "target": pl.Utf8(),
    "amount": pl.Float64(),
    "currency": pl.Utf8(),
    "time": pl.Float64(),
    "channel": pl.Utf8(),
    "reference": pl.Utf8(),
}

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class TransferColumns:
    """Which column of the input file holds which transfer field (``None``: absent)."""

    source: str = "source"
    target: str = "target"
    amount: str = "amount"
    time: str | None = "time"
    currency: str | None = None
    channel: str | None = None
    reference: str | None = None


AMLSIM_COLUMNS = TransferColumns(
    source="sourceNodeId", target="targetNodeId", amount="value", time="time"
)


def read_transfers_csv(
    path: str | Path,
    columns: TransferColumns | None = None,
    *,
    default_currency: str = "",
    default_channel: str = "",
    seconds_per_step: float = SECONDS_PER_DAY,
) -> pl.DataFrame:
    """Read a CSV of transfers into the standard frame.

    A numeric time column is read as a step count and multiplied by
    ``seconds_per_step``; a text column is parsed as ISO-8601 datetimes.
    Raises ``InvalidInput`` naming the file, column and first bad row.
    """
    columns = columns or _guess_columns(path)
    source_path = Path(path)
    if not source_path.is_file():
        raise InvalidInput(f"{source_path}: no such file")
    try:
        raw = pl.read_csv(source_path, infer_schema_length=10_000, try_parse_dates=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{source_path}: not a readable CSV file ({error})") from error
    return transfers_from_frame(
        raw,
        columns,
        origin=str(source_path),
        default_currency=default_currency,
        default_channel=default_channel,
        seconds_per_step=seconds_per_step,
    )


def _guess_columns(path: str | Path) -> TransferColumns:
    """AMLSim files are common enough to recognise by their header."""
    try:
        with open(path, encoding="utf-8") as handle:
            header = handle.readline()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read ({error})") from error
    if "sourceNodeId" in header and "targetNodeId" in header:
        return AMLSIM_COLUMNS
    return TransferColumns()


def transfers_from_frame(
    raw: pl.DataFrame,
    columns: TransferColumns,
    *,
    origin: str = "transfers",
    default_currency: str = "",
    default_channel: str = "",
    seconds_per_step: float = SECONDS_PER_DAY,
) -> pl.DataFrame:
    """Map an arbitrary frame onto the standard transfer frame, validating as it goes."""
    required = {"source": columns.source, "target": columns.target, "amount": columns.amount}
    for field, name in required.items():
        if name not in raw.columns:
            raise InvalidInput(
                f"{origin}: missing {field} column {name!r} (columns are {', '.join(raw.columns)})"
            )
    out: dict[str, pl.Series] = {
        "source": _text(raw, columns.source, origin),
        "target": _text(raw, columns.target, origin),
        "amount": _amount(raw, columns.amount, origin),
        "currency": _optional_text(raw, columns.currency, default_currency, origin),
        "time": _time(raw, columns.time, origin, seconds_per_step),
        "channel": _optional_text(raw, columns.channel, default_channel, origin),
        "reference": _optional_text(raw, columns.reference, "", origin),
    }
    bad_channel = ~out["channel"].is_in(CHANNELS)
    if bad_channel.any():
        row = int(bad_channel.arg_true()[0])
        raise InvalidInput(
            f"{origin}: row {row + 2}, column {columns.channel!r}: channel "
            f"{out['channel'][row]!r} is not one of bank, mobile_money, crypto"
        )
    return pl.DataFrame(out)


def empty_transfers() -> pl.DataFrame:
    return pl.DataFrame(schema=TRANSFER_SCHEMA)


def validate_transfers(frame: pl.DataFrame, origin: str = "transfers") -> pl.DataFrame:
    """Check a frame already in the standard shape (used by API callers)."""
    missing = [name for name in TRANSFER_SCHEMA if name not in frame.columns]
    if missing:
        raise InvalidInput(f"{origin}: missing column(s) {', '.join(missing)}")
    try:
        frame = frame.select([pl.col(name).cast(dtype) for name, dtype in TRANSFER_SCHEMA.items()])
    except pl.exceptions.InvalidOperationError as error:
        raise InvalidInput(f"{origin}: {error}") from error
    nulls = frame.select(["source", "target", "amount", "time"]).null_count()
    for name in nulls.columns:
        if nulls[name][0]:
            raise InvalidInput(f"{origin}: column {name!r} has empty values")
    if (frame["amount"] < 0).any():
        row = int((frame["amount"] < 0).arg_true()[0])
        raise InvalidInput(f"{origin}: row {row}: negative amount")
    return frame


def _row_of_first(mask: pl.Series) -> int:
    # +2: one for the header line, one because CSV rows are 1-based
    return int(mask.arg_true()[0]) + 2


def _text(raw: pl.DataFrame, name: str, origin: str) -> pl.Series:
    series = raw[name].cast(pl.Utf8)
    if series.null_count():
        raise InvalidInput(
            f"{origin}: row {_row_of_first(series.is_null())}, column {name!r} is empty"
        )
    return series


def _optional_text(raw: pl.DataFrame, name: str | None, default: str, origin: str) -> pl.Series:
    if name is None:
        return pl.Series([default] * raw.height, dtype=pl.Utf8)
    if name not in raw.columns:
        raise InvalidInput(f"{origin}: no column {name!r}")
    return raw[name].cast(pl.Utf8).fill_null(default)


def _amount(raw: pl.DataFrame, name: str, origin: str) -> pl.Series:
    original = raw[name]
    amounts = original.cast(pl.Float64, strict=False)
    bad = amounts.is_null() | amounts.is_nan() | (amounts < 0)
    if bad.any():
        row = _row_of_first(bad)
        value = original[row - 2]
        raise InvalidInput(f"{origin}: row {row}, column {name!r}: {value!r} is not an amount ≥ 0")
    return amounts


def _time(raw: pl.DataFrame, name: str | None, origin: str, seconds_per_step: float) -> pl.Series:
    if name is None:
        return pl.Series([0.0] * raw.height, dtype=pl.Float64)
    if name not in raw.columns:
        raise InvalidInput(f"{origin}: no time column {name!r}")
    original = raw[name]
    if original.dtype.is_numeric():
        times = original.cast(pl.Float64) * seconds_per_step
    elif original.dtype in (pl.Datetime, pl.Date):
        times = original.cast(pl.Datetime("us")).dt.epoch("us").cast(pl.Float64) / 1e6
    else:
        try:
            parsed = original.cast(pl.Utf8).str.to_datetime(strict=False, time_unit="us")
        except pl.exceptions.ComputeError as error:
            raise InvalidInput(
                f"{origin}: row 2, column {name!r}: {original[0]!r} is not a time ({error})"
            ) from error
        times = parsed.dt.epoch("us").cast(pl.Float64) / 1e6
    if times.null_count():
        row = _row_of_first(times.is_null())
        raise InvalidInput(
            f"{origin}: row {row}, column {name!r}: {original[row - 2]!r} is not a time"
        )
    return times


def read_holders_csv(path: str | Path) -> dict[str, str]:
    """Read ``account,holder`` rows (resolved holders: one person's bank account and wallet)."""
    source_path = Path(path)
    try:
        raw = pl.read_csv(source_path, infer_schema_length=0)
    except (OSError, pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        raise InvalidInput(f"{source_path}: not a readable CSV file ({error})") from error
    for name in ("account", "holder"):
        if name not in raw.columns:
            raise InvalidInput(f"{source_path}: missing column {name!r}")
    bad = raw["account"].is_null() | raw["holder"].is_null()
    if bad.any():
        raise InvalidInput(f"{source_path}: row {_row_of_first(bad)}: empty account or holder")
    return dict(zip(raw["account"].to_list(), raw["holder"].to_list(), strict=True))
