"""Response-time statistics over a Polars frame of calls. Pure: no Django, no database.

Input columns (any time column may be missing or null): ``priority``, ``station``, ``beat``
(text) and ``received``, ``answered``, ``dispatched``, ``arrived``, ``cleared`` (naive
datetimes in the *local* time of the calls, so hour of day and weekday mean what a
commander expects).

Intervals, in minutes:

* ``answer``   received → answered (call-taker picks up)
* ``dispatch`` received → dispatched (first unit assigned)
* ``travel``   dispatched → arrived
* ``response`` received → arrived (what a caller waits for; the usual standard)
* ``on_scene`` arrived → cleared

An interval is measured only where both ends are present; a negative interval is a
recording error and is left out (and counted). Percentiles interpolate linearly between
order statistics (the NumPy default, ``statistics.quantiles(method="inclusive")``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from usalama.core.errors import InvalidInput

INTERVALS: dict[str, tuple[str, str]] = {
    "answer": ("received", "answered"),
    "dispatch": ("received", "dispatched"),
    "travel": ("dispatched", "arrived"),
    "response": ("received", "arrived"),
    "on_scene": ("arrived", "cleared"),
}
DIMENSIONS = ("priority", "station", "beat", "hour", "weekday")
TIME_COLUMNS = ("received", "answered", "dispatched", "arrived", "cleared")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_standards(items: Sequence[str]) -> dict[str, float]:
    """``["P1=15", "2=30"]`` → ``{"1": 15.0, "2": 30.0}`` (priority → minutes)."""
    standards: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().upper().removeprefix("P")
        try:
            minutes = float(value)
        except ValueError:
            minutes = -1.0
        if not sep or not key or minutes <= 0:
            raise InvalidInput(
                f"standard {item!r} is not PRIORITY=MINUTES with minutes > 0, e.g. P1=15"
            )
        standards[key] = minutes
    return standards


def with_intervals(calls: pl.DataFrame) -> pl.DataFrame:
    """Add one Float64 minutes column per interval (null where not measurable or negative)."""
    frame = calls
    for column in TIME_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias(column))
    for column in ("priority", "station", "beat"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("", dtype=pl.String).alias(column))
    minutes = [
        ((pl.col(end) - pl.col(start)).dt.total_microseconds() / 60_000_000).alias(name)
        for name, (start, end) in INTERVALS.items()
    ]
    frame = frame.with_columns(minutes)
    return frame.with_columns(
        *[pl.when(pl.col(n) >= 0).then(pl.col(n)).otherwise(None).alias(n) for n in INTERVALS],
        pl.col("received").dt.hour().cast(pl.Int32).alias("hour"),
        pl.col("received").dt.weekday().cast(pl.Int32).alias("weekday"),
    )


def negative_counts(calls: pl.DataFrame) -> dict[str, int]:
    """How many intervals were negative (end recorded before start) and so left out."""
    out = {}
    for name, (start, end) in INTERVALS.items():
        if start in calls.columns and end in calls.columns:
            out[name] = int(calls.filter(pl.col(end) < pl.col(start)).height)
    return out


def summarise(frame: pl.DataFrame, interval: str, by: str | None = None) -> pl.DataFrame:
    """Calls, measured count, median and 90th percentile (minutes) of ``interval`` per group."""
    if interval not in INTERVALS:
        raise InvalidInput(f"unknown interval {interval!r}; use one of {', '.join(INTERVALS)}")
    aggregations = [
        pl.len().alias("calls"),
        pl.col(interval).count().alias("measured"),
        pl.col(interval).median().alias("median"),
        pl.col(interval).quantile(0.9, interpolation="linear").alias("p90"),
    ]
    if by is None:
        return frame.select(aggregations)
    if by not in DIMENSIONS:
        raise InvalidInput(f"unknown grouping {by!r}; use one of {', '.join(DIMENSIONS)}")
    table = frame.group_by(by).agg(aggregations)
    return table.sort(by, nulls_last=True)


def standard_shares(frame: pl.DataFrame, standards: Mapping[str, float]) -> pl.DataFrame:
    """Per priority with a standard: calls measured, how many met it, and the share."""
    rows = []
    for priority, minutes in standards.items():
        measured = frame.filter(
            (pl.col("priority") == priority) & pl.col("response").is_not_null()
        )["response"]
        total = frame.filter(pl.col("priority") == priority).height
        met = int((measured <= minutes).sum())
        rows.append(
            {
                "priority": priority,
                "standard_minutes": float(minutes),
                "calls": total,
                "measured": measured.len(),
                "met": met,
                "share": met / measured.len() if measured.len() else None,
            }
        )
    schema = {
        "priority": pl.String,
        "standard_minutes": pl.Float64,
        "calls": pl.Int64,
        "measured": pl.Int64,
        "met": pl.Int64,
        "share": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


@dataclass
class ResponseReport:
    calls: int
    available: list[str]
    overall: pl.DataFrame
    by: dict[str, pl.DataFrame]
    standards: pl.DataFrame
    negative: dict[str, int] = field(default_factory=dict)
    first_received: object = None
    last_received: object = None


def response_report(
    calls: pl.DataFrame,
    *,
    standards: Mapping[str, float] | None = None,
    interval: str = "response",
) -> ResponseReport:
    """Everything the dashboard shows: which intervals exist, overall and grouped tables."""
    frame = with_intervals(calls)
    available = [name for name in INTERVALS if frame[name].count() > 0]
    overall = pl.concat(
        [summarise(frame, name).with_columns(pl.lit(name).alias("interval")) for name in INTERVALS]
    ).select("interval", "calls", "measured", "median", "p90")
    by = {dim: summarise(frame, interval, dim) for dim in DIMENSIONS}
    return ResponseReport(
        calls=frame.height,
        available=available,
        overall=overall,
        by=by,
        standards=standard_shares(frame, standards or {}),
        negative=negative_counts(calls),
        first_received=frame["received"].min() if frame.height else None,
        last_received=frame["received"].max() if frame.height else None,
    )
