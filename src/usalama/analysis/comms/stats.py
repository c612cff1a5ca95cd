"""Contact statistics, SIM/handset changes and timelines over the canonical CDR frame."""

from __future__ import annotations

from datetime import datetime

import polars as pl


def contact_edges(
    cdr: pl.DataFrame, start: datetime | None = None, end: datetime | None = None
) -> pl.DataFrame:
    """Undirected edges between numbers weighted by calls and SMS, optionally time-sliced.

    A record seen from both ends (each party's operator returned it) counts once: records
    are keyed by the pair, the minute and the type before counting.
    """
    frame = cdr.lazy()
    if start is not None:
        frame = frame.filter(pl.col("start") >= start)
    if end is not None:
        frame = frame.filter(pl.col("start") < end)
    low = pl.min_horizontal("a", "b")
    high = pl.max_horizontal("a", "b")
    return (
        frame.filter(pl.col("b").is_not_null() & (pl.col("type") != "data"))
        .select(
            low.alias("source"),
            high.alias("target"),
            pl.col("start").dt.truncate("1m").alias("minute"),
            "type",
            "start",
        )
        .unique(["source", "target", "minute", "type"])
        .group_by("source", "target")
        .agg(
            (pl.col("type") == "voice").sum().alias("calls"),
            (pl.col("type") == "sms").sum().alias("messages"),
            pl.col("start").min().alias("first"),
            pl.col("start").max().alias("last"),
        )
        .with_columns((pl.col("calls") + pl.col("messages")).alias("weight"))
        .sort(["weight", "source", "target"], descending=[True, False, False])
        .collect()
    )


def top_contacts(cdr: pl.DataFrame, number: str, limit: int = 10) -> pl.DataFrame:
    """The numbers ``number`` was in touch with most (calls + SMS), with counts."""
    edges = contact_edges(cdr)
    mine = edges.filter((pl.col("source") == number) | (pl.col("target") == number))
    other = pl.when(pl.col("source") == number).then("target").otherwise("source")
    return mine.select(other.alias("contact"), "calls", "messages", "weight", "first", "last").head(
        limit
    )


def common_contacts(cdr: pl.DataFrame, targets: list[str]) -> pl.DataFrame:
    """Numbers in touch with at least two of ``targets``, with which ones."""
    edges = contact_edges(cdr)
    pairs = pl.concat(
        [
            edges.select(pl.col("source").alias("target"), pl.col("target").alias("contact")),
            edges.select(pl.col("target").alias("target"), pl.col("source").alias("contact")),
        ]
    )
    return (
        pairs.filter(pl.col("target").is_in(targets) & ~pl.col("contact").is_in(targets))
        .group_by("contact")
        .agg(pl.col("target").unique().sort().alias("targets"))
        .filter(pl.col("targets").list.len() >= 2)
        .with_columns(pl.col("targets").list.len().alias("shared"))
        .sort(["shared", "contact"], descending=[True, False])
    )


def new_contacts(cdr: pl.DataFrame, number: str, after: datetime) -> pl.DataFrame:
    """Contacts of ``number`` first seen on or after ``after`` (never before it)."""
    top = top_contacts(cdr, number, limit=1_000_000)
    return top.filter(pl.col("first") >= after).sort("first")


def sim_changes(cdr: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(handsets with several SIMs or numbers, numbers used in several handsets)."""
    located = cdr.filter(pl.col("imei").is_not_null())
    handsets = (
        located.group_by("imei")
        .agg(
            pl.col("a").unique().sort().alias("numbers"),
            pl.col("imsi").drop_nulls().unique().sort().alias("imsis"),
            pl.col("start").min().alias("first"),
            pl.col("start").max().alias("last"),
        )
        .filter((pl.col("numbers").list.len() > 1) | (pl.col("imsis").list.len() > 1))
        .sort("imei")
    )
    numbers = (
        located.group_by("a")
        .agg(
            pl.col("imei").unique().sort().alias("imeis"),
            pl.col("start").min().alias("first"),
            pl.col("start").max().alias("last"),
        )
        .filter(pl.col("imeis").list.len() > 1)
        .rename({"a": "number"})
        .sort("number")
    )
    return handsets, numbers


def handset_switches(cdr: pl.DataFrame, number: str) -> list[dict[str, object]]:
    """When ``number`` moved from one handset (IMEI) to another, in time order."""
    rows = (
        cdr.filter((pl.col("a") == number) & pl.col("imei").is_not_null())
        .sort("start")
        .select("start", "imei", "imsi")
        .iter_rows(named=True)
    )
    changes: list[dict[str, object]] = []
    previous: str | None = None
    for row in rows:
        if previous is not None and row["imei"] != previous:
            changes.append({"at": row["start"], "from": previous, "to": row["imei"]})
        previous = row["imei"]
    return changes


def timeline(
    cdr: pl.DataFrame, numbers: list[str], cells: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Calls, SMS, data sessions and positions of ``numbers`` on one time axis."""
    frame = cdr.filter(pl.col("a").is_in(numbers) | pl.col("b").is_in(numbers))
    if cells is not None:
        frame = frame.join(cells.select("cell", "lat", "lon"), on="cell", how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("lat"), pl.lit(None, dtype=pl.Float64).alias("lon")
        )
    return frame.select(
        "start", "a", "b", "type", "direction", "duration", "cell", "lat", "lon", "row"
    ).sort("start", "row")
