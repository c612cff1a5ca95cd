"""Reading the four early-intervention inputs and reconstructing what was known at a date.

Columns are those of the Chicago complaint data (``docs/oversight.md``): officers, allegations,
use-of-force reports and unit postings, each keyed by ``officer_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from usalama.core.errors import InvalidInput

OFFICER_COLUMNS = ("officer_id", "birth_year", "gender", "race", "appointed_date", "resigned_date")
COMPLAINT_COLUMNS = (
    "complaint_id",
    "allegation_id",
    "officer_id",
    "complaint_date",
    "category_code",
    "use_of_force",
    "finding",
    "closed_date",
)
FORCE_COLUMNS = ("event_id", "officer_id", "date", "firearm_used", "taser_used", "officer_injured")
UNIT_COLUMNS = ("officer_id", "unit", "start_date", "end_date")

SUSTAINED = "SUSTAINED"
# A finding is treated as known at T when it closed before T, or, with no closing date, when the
# complaint is older than this (the data's own reconstruction rule).
UNDATED_FINDING_LAG_DAYS = 730


@dataclass(frozen=True)
class EisData:
    """The four inputs as typed Polars frames."""

    officers: pl.DataFrame
    complaints: pl.DataFrame
    force: pl.DataFrame
    units: pl.DataFrame


def _read(path: str | Path, required: tuple[str, ...], what: str) -> pl.DataFrame:
    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except FileNotFoundError as error:
        raise InvalidInput(f"{what} file not found: {path}") from error
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as error:
        raise InvalidInput(f"{what} file {path} is not a readable CSV: {error}") from error
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{what} file {path} lacks column(s): {', '.join(missing)}")
    return frame


def _dates(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> pl.DataFrame:
    out = frame.with_columns(
        pl.col(c).str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias(c)
        for c in columns
    )
    for column in columns:
        bad = out.filter(
            pl.col(column).is_null() & frame[column].str.strip_chars().str.len_chars().gt(0)
        )
        if bad.height:
            raise InvalidInput(f"{what}: column {column} has a value that is not a YYYY-MM-DD date")
    return out


def _ints(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> pl.DataFrame:
    try:
        return frame.with_columns(
            pl.col(c).str.strip_chars().cast(pl.Int64, strict=True).fill_null(0).alias(c)
            for c in columns
        )
    except pl.exceptions.InvalidOperationError as error:
        raise InvalidInput(f"{what}: columns {', '.join(columns)} must be whole numbers") from error


def prepare_officers(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _dates(frame, ("appointed_date", "resigned_date"), "officers")
    return frame.with_columns(
        pl.col("officer_id").str.strip_chars(),
        pl.col("birth_year").str.strip_chars().cast(pl.Int64, strict=False),
        pl.col("gender").fill_null(""),
        pl.col("race").fill_null(""),
    )


def prepare_complaints(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _dates(frame, ("complaint_date", "closed_date"), "complaints")
    frame = _ints(frame, ("use_of_force",), "complaints")
    return frame.filter(pl.col("complaint_date").is_not_null()).with_columns(
        pl.col("officer_id").str.strip_chars(),
        pl.col("category_code").fill_null("").str.strip_chars(),
        pl.col("finding").str.strip_chars().str.to_uppercase(),
    )


def prepare_force(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _dates(frame, ("date",), "force")
    frame = _ints(frame, ("firearm_used", "taser_used", "officer_injured"), "force")
    return frame.filter(pl.col("date").is_not_null()).with_columns(
        pl.col("officer_id").str.strip_chars()
    )


def prepare_units(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _dates(frame, ("start_date", "end_date"), "units")
    return frame.filter(pl.col("start_date").is_not_null()).with_columns(
        pl.col("officer_id").str.strip_chars(), pl.col("unit").fill_null("").str.strip_chars()
    )


def load(
    officers: str | Path, complaints: str | Path, force: str | Path, units: str | Path
) -> EisData:
    """Read the four CSV files (``.csv`` or ``.csv.gz``), checking columns and dates."""
    return EisData(
        officers=prepare_officers(_read(officers, OFFICER_COLUMNS, "officers")),
        complaints=prepare_complaints(_read(complaints, COMPLAINT_COLUMNS, "complaints")),
        force=prepare_force(_read(force, FORCE_COLUMNS, "force")),
        units=prepare_units(_read(units, UNIT_COLUMNS, "units")),
    )


def finding_known(as_of: dt.date) -> pl.Expr:
    """True where an allegation's finding was known at ``as_of`` (the reconstruction rule)."""
    lag = as_of - dt.timedelta(days=UNDATED_FINDING_LAG_DAYS)
    return (
        pl.when(pl.col("closed_date").is_not_null())
        .then(pl.col("closed_date") < as_of)
        .otherwise(pl.col("complaint_date") < lag)
    )


def known_at(data: EisData, as_of: dt.date) -> EisData:
    """The inputs as they stood at ``as_of``: later rows dropped, findings not yet known blanked."""
    complaints = data.complaints.filter(pl.col("complaint_date") < as_of).with_columns(
        pl.when(finding_known(as_of)).then(pl.col("finding")).otherwise(None).alias("finding"),
        pl.when(pl.col("closed_date") < as_of)
        .then(pl.col("closed_date"))
        .otherwise(None)
        .alias("closed_date"),
    )
    return EisData(
        officers=data.officers.with_columns(
            pl.when(pl.col("resigned_date") < as_of)
            .then(pl.col("resigned_date"))
            .otherwise(None)
            .alias("resigned_date")
        ),
        complaints=complaints,
        force=data.force.filter(pl.col("date") < as_of),
        units=data.units.filter(pl.col("start_date") < as_of).with_columns(
            pl.when(pl.col("end_date") < as_of)
            .then(pl.col("end_date"))
            .otherwise(None)
            .alias("end_date")
        ),
    )


def active_officers(officers: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Officers appointed before ``as_of`` and not resigned before it."""
    return officers.filter(
        (pl.col("appointed_date") < as_of)
        & (pl.col("resigned_date").is_null() | (pl.col("resigned_date") >= as_of))
    )


def adverse_events(complaints: pl.DataFrame, start: dt.date, days: int = 365) -> pl.DataFrame:
    """Per officer, the adverse events (excessive-force allegations, or allegations sustained as
    the input gives it) with a complaint date in ``[start, start + days)``."""
    end = start + dt.timedelta(days=days)
    return (
        complaints.filter(
            (pl.col("complaint_date") >= start)
            & (pl.col("complaint_date") < end)
            & ((pl.col("use_of_force") == 1) | (pl.col("finding") == SUSTAINED))
        )
        .group_by("officer_id")
        .agg(pl.len().alias("adverse_events"))
    )
