"""Typologies that follow money across accounts: cycles, scatter-gather, gather-scatter,
rapid pass-through and peel chains.

All are joins of the transfer frame with itself, always restricted by time order
(money leaves an account only after it arrived) and by a window, and with busy
hub accounts left out: a payment processor with thousands of counterparties is not
a mule, and including it would make the joins quadratic.
"""

from __future__ import annotations

import polars as pl

from usalama.analysis.money.typology_config import TypologyConfig

EVIDENCE_COLUMNS = ["typology", "account", "transfer"]
_EMPTY = {"typology": pl.Utf8, "account": pl.UInt32, "transfer": pl.Int64}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_EMPTY)


def _quiet_accounts(frame: pl.DataFrame, max_degree: int) -> pl.Series:
    """Accounts with at most ``max_degree`` transfers in or out.

    Counting transfers rather than distinct counterparties is cheaper and errs the
    safe way: an account can only look busier than it is, never quieter.
    """
    ends = pl.concat([frame["source"], frame["target"]]).alias("account")
    counts = ends.value_counts(name="transfers")
    return counts.filter(pl.col("transfers") <= max_degree)["account"]


def windowed_join(
    left: pl.LazyFrame,
    right: pl.LazyFrame,
    key: str,
    left_time: str,
    right_time: str,
    window: float,
) -> pl.LazyFrame:
    """Join on ``key`` keeping pairs with ``0 ≤ right_time - left_time ≤ window``.

    Both sides are bucketed by ``window``; the right row can only sit in the left row's
    bucket or the next one, so the join never builds the full degree × degree product
    of a busy account (which at 10 M transfers would not fit in memory).
    """
    bucket_left = (pl.col(left_time) / window).floor().cast(pl.Int64)
    left = left.with_columns(pl.concat_list(bucket_left, bucket_left + 1).alias("_bucket")).explode(
        "_bucket"
    )
    right = right.with_columns(
        (pl.col(right_time) / window).floor().cast(pl.Int64).alias("_bucket")
    )
    return (
        left.join(right, on=[key, "_bucket"], how="inner")
        .filter(
            (pl.col(right_time) >= pl.col(left_time))
            & (pl.col(right_time) - pl.col(left_time) <= window)
        )
        .drop("_bucket")
    )


def _members(
    paths: pl.DataFrame, typology: str, length: int, prefix_node: str, prefix_tx: str
) -> pl.DataFrame:
    """Every node of every path gets every transfer of that path as evidence."""
    rows = []
    transfers = pl.concat_list([pl.col(f"{prefix_tx}{i}") for i in range(length)]).alias("transfer")
    for i in range(length):
        rows.append(
            paths.select(
                pl.lit(typology).alias("typology"),
                pl.col(f"{prefix_node}{i}").alias("account"),
                transfers,
            )
        )
    return pl.concat(rows).explode("transfer")


def detect_cycles(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Time-ordered cycles a→b→…→a, at most ``cycle_max_length`` hops, inside ``cycle_window``,
    each hop carrying between ``cycle_min_kept`` and 100 % (plus rounding) of the previous hop."""
    quiet = _quiet_accounts(frame, config.cycle_max_degree)
    edges = frame.filter(
        pl.col("source").is_in(quiet.implode())
        & pl.col("target").is_in(quiet.implode())
        & (pl.col("source") != pl.col("target"))
        & (pl.col("amount") > 0)
    ).select("source", "target", "amount", "time", "transfer")
    window = config.cycle_window.total_seconds()
    paths = edges.select(
        pl.col("source").alias("n0"),
        pl.col("target").alias("n1"),
        pl.col("amount").alias("last_amount"),
        pl.col("time").alias("start"),
        pl.col("time").alias("last_time"),
        pl.col("transfer").alias("t0"),
    )
    found = []
    for hop in range(1, config.cycle_max_length):
        step = edges.rename(
            {
                "source": f"n{hop}",
                "target": "next",
                "amount": "amount",
                "time": "time",
                "transfer": f"t{hop}",
            }
        )
        paths = (
            windowed_join(paths.lazy(), step.lazy(), f"n{hop}", "start", "time", window)
            .filter(
                (pl.col("time") >= pl.col("last_time"))
                & (pl.col("amount") <= pl.col("last_amount") * 1.01)
                & (pl.col("amount") >= pl.col("last_amount") * config.cycle_min_kept)
            )
            .collect()
        )
        if paths.is_empty():
            break
        closed = paths.filter(pl.col("next") == pl.col("n0"))
        if not closed.is_empty():
            found.append(_members(closed, "cycle", hop + 1, "n", "t"))
        # keep only simple paths open: the next node must be new
        seen = pl.concat_list([pl.col(f"n{i}") for i in range(hop + 1)])
        paths = (
            paths.filter(~seen.list.contains(pl.col("next")))
            .rename({"next": f"n{hop + 1}"})
            .with_columns(last_amount=pl.col("amount"), last_time=pl.col("time"))
            .drop("amount", "time")
        )
    return pl.concat(found) if found else _empty()


def _two_hop_paths(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """s → m → t with m a quiet intermediary, the second hop after the first, within the window."""
    quiet = _quiet_accounts(frame, config.intermediary_max_degree)
    first = frame.filter(pl.col("target").is_in(quiet.implode())).select(
        pl.col("source").alias("s"),
        pl.col("target").alias("m"),
        pl.col("time").alias("t1"),
        pl.col("transfer").alias("x1"),
    )
    second = frame.select(
        pl.col("source").alias("m"),
        pl.col("target").alias("t"),
        pl.col("time").alias("t2"),
        pl.col("transfer").alias("x2"),
    )
    window = config.scatter_window.total_seconds()
    return (
        windowed_join(first.lazy(), second.lazy(), "m", "t1", "t2", window)
        .filter(pl.col("s") != pl.col("t"))
        .collect()
    )


def detect_scatter_gather(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """One account pays several intermediaries who each pay on to the same final account."""
    paths = _two_hop_paths(frame, config)
    groups = (
        paths.group_by("s", "t")
        .agg(pl.col("m").n_unique().alias("intermediaries"))
        .filter(pl.col("intermediaries") >= config.scatter_min_intermediaries)
    )
    if groups.is_empty():
        return _empty()
    hits = paths.join(groups.select("s", "t"), on=["s", "t"], how="inner")
    return _members(
        hits.rename({"s": "n0", "m": "n1", "t": "n2"}).with_columns(
            pl.col("x1").alias("x0"), pl.col("x2").alias("x1")
        ),
        "scatter_gather",
        2,
        "n",
        "x",
    ).vstack(
        hits.select(
            pl.lit("scatter_gather").alias("typology"),
            pl.col("t").alias("account"),
            pl.col("x2").alias("transfer"),
        )
    )


def detect_gather_scatter(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """A quiet account collects from many and soon pays out to many (a collection mule)."""
    window = config.scatter_window.total_seconds()
    bucket = (pl.col("time") / window).floor().cast(pl.Int64)
    incoming = frame.group_by(pl.col("target").alias("account"), bucket.alias("bucket")).agg(
        pl.col("source").n_unique().alias("senders"), pl.col("transfer").alias("in_tx")
    )
    outgoing = frame.group_by(pl.col("source").alias("account"), bucket.alias("bucket")).agg(
        pl.col("target").n_unique().alias("receivers"), pl.col("transfer").alias("out_tx")
    )
    both = incoming.join(outgoing, on=["account", "bucket"], how="inner").with_columns(
        pl.col("senders").median().over("account").alias("usual_in"),
        pl.col("receivers").median().over("account").alias("usual_out"),
    )
    minimum = config.gather_scatter_min_each_side
    factor = config.fan_baseline_factor
    hits = both.filter(
        (pl.col("senders") >= minimum)
        & (pl.col("receivers") >= minimum)
        & (pl.col("senders") >= factor * pl.col("usual_in"))
        & (pl.col("receivers") >= factor * pl.col("usual_out"))
    )
    return hits.select(
        pl.lit("gather_scatter").alias("typology"),
        "account",
        pl.concat_list("in_tx", "out_tx").alias("transfer"),
    ).explode("transfer")


def detect_rapid_pass_through(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Money arrives and (nearly) all of it leaves again within hours, repeatedly."""
    window = config.pass_through_window.total_seconds()
    retention = config.pass_through_max_retention
    quiet = _quiet_accounts(frame, config.intermediary_max_degree)
    inflows = frame.filter(pl.col("target").is_in(quiet.implode())).select(
        pl.col("target").alias("account"),
        pl.col("amount").alias("in_amount"),
        pl.col("time").alias("in_time"),
        pl.col("transfer").alias("in_tx"),
    )
    outflows = frame.select(
        pl.col("source").alias("account"),
        pl.col("amount").alias("out_amount"),
        pl.col("time").alias("out_time"),
        pl.col("transfer").alias("out_tx"),
    )
    events = (
        windowed_join(inflows.lazy(), outflows.lazy(), "account", "in_time", "out_time", window)
        .group_by("account", "in_tx", "in_amount")
        .agg(pl.col("out_amount").sum().alias("passed"), pl.col("out_tx"))
        .filter(
            (pl.col("passed") >= (1.0 - retention) * pl.col("in_amount"))
            & (pl.col("passed") <= (1.0 + retention) * pl.col("in_amount"))
        )
        .with_columns(pl.len().over("account").alias("events"))
        .filter(pl.col("events") >= config.pass_through_min_events)
        .collect()
    )
    return events.select(
        pl.lit("rapid_pass_through").alias("typology"),
        "account",
        pl.concat_list(pl.col("in_tx"), "out_tx").alias("transfer"),
    ).explode("transfer")


def detect_peel_chains(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Crypto peel chains: each hop sends most of its coins to one fresh address and peels a
    small part off to another, and the big part does the same again, ``peel_min_hops`` times."""
    crypto = frame.filter(pl.col("channel") == "crypto")
    if crypto.is_empty():
        return _empty()
    # one spend = the transfers leaving an account at one instant (one on-chain transaction)
    spends = (
        crypto.group_by("source", "time")
        .agg(
            pl.len().alias("outputs"),
            pl.col("amount").sum().alias("total"),
            pl.col("target").sort_by("amount", descending=True).first().alias("main"),
            pl.col("amount").max().alias("main_amount"),
            pl.col("transfer"),
        )
        .filter(
            (pl.col("outputs") == 2)
            & ((pl.col("total") - pl.col("main_amount")) <= config.peel_max_share * pl.col("total"))
        )
    )
    window = config.peel_window.total_seconds()
    steps = spends.select(
        pl.col("source").alias("n0"),
        pl.col("main").alias("n1"),
        pl.col("time").alias("last_time"),
        pl.col("transfer").alias("x0"),
    )
    chains = steps
    for hop in range(1, config.peel_min_hops):
        nxt = spends.select(
            pl.col("source").alias(f"n{hop}"),
            pl.col("main").alias(f"n{hop + 1}"),
            pl.col("time").alias("time"),
            pl.col("transfer").alias(f"x{hop}"),
        )
        chains = (
            chains.join(nxt, on=f"n{hop}", how="inner")
            .filter(
                (pl.col("time") >= pl.col("last_time"))
                & (pl.col("time") - pl.col("last_time") <= window)
            )
            .drop("last_time")
            .rename({"time": "last_time"})
        )
        if chains.is_empty():
            return _empty()
    transfers = pl.concat_list([pl.col(f"x{i}") for i in range(config.peel_min_hops)]).list.eval(
        pl.element().explode()
    )
    rows = [
        chains.select(
            pl.lit("peel_chain").alias("typology"),
            pl.col(f"n{i}").alias("account"),
            transfers.alias("transfer"),
        )
        for i in range(config.peel_min_hops + 1)
    ]
    return pl.concat(rows).explode("transfer")
