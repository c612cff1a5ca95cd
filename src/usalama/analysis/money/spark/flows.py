"""Typologies that follow money across accounts, on Spark (``typology_flows`` in memory).

Every path join is keyed on the account and restricted by time order and window, with
busy hub accounts left out, exactly as in memory; Spark spreads the joins over executors.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as sf

from usalama.analysis.money.typology_config import TypologyConfig


def empty_evidence(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame([], "typology string, account string, transfer long")


def _evidence(typology: str, account: Column | str, transfer: Column | str) -> list[Column]:

    return [
        sf.lit(typology).alias("typology"),
        (sf.col(account) if isinstance(account, str) else account).alias("account"),
        (sf.col(transfer) if isinstance(transfer, str) else transfer).alias("transfer"),
    ]


def quiet_accounts(frame: DataFrame, max_degree: int) -> DataFrame:
    """``account`` with at most ``max_degree`` transfers in or out (a self-transfer twice)."""

    ends = frame.select(sf.col("source").alias("account")).unionAll(
        frame.select(sf.col("target").alias("account"))
    )
    return ends.groupBy("account").count().where(sf.col("count") <= max_degree).select("account")


def _within(later: str, earlier: str, window: float) -> Column:

    return (sf.col(later) >= sf.col(earlier)) & (sf.col(later) - sf.col(earlier) <= window)


def _members(paths: DataFrame, typology: str, nodes: list[str], transfers: Column) -> DataFrame:
    """Every node of every path gets every transfer of that path."""

    found = None
    for node in nodes:
        part = paths.select(*_evidence(typology, node, sf.explode(transfers)))
        found = part if found is None else found.unionByName(part)
    assert found is not None
    return found


def detect_cycles(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    quiet = quiet_accounts(frame, config.cycle_max_degree)
    edges = (
        frame.join(quiet.withColumnRenamed("account", "source"), "source", "left_semi")
        .join(quiet.withColumnRenamed("account", "target"), "target", "left_semi")
        .where((sf.col("source") != sf.col("target")) & (sf.col("amount") > 0))
        .select("source", "target", "amount", "time", "transfer")
        .persist()
    )
    window = config.cycle_window.total_seconds()
    paths = edges.select(
        sf.col("source").alias("n0"),
        sf.col("target").alias("n1"),
        sf.col("amount").alias("last_amount"),
        sf.col("time").alias("start"),
        sf.col("time").alias("last_time"),
        sf.col("transfer").alias("t0"),
    )
    found = empty_evidence(frame.sparkSession)
    for hop in range(1, config.cycle_max_length):
        step = edges.select(
            sf.col("source").alias(f"n{hop}"),
            sf.col("target").alias("next"),
            "amount",
            "time",
            sf.col("transfer").alias(f"t{hop}"),
        )
        paths = (
            paths.join(step, f"n{hop}")
            .where(
                _within("time", "start", window)
                & (sf.col("time") >= sf.col("last_time"))
                & (sf.col("amount") <= sf.col("last_amount") * 1.01)
                & (sf.col("amount") >= sf.col("last_amount") * config.cycle_min_kept)
            )
            .localCheckpoint()
        )
        if paths.isEmpty():
            break
        closed = paths.where(sf.col("next") == sf.col("n0"))
        transfers = sf.array(*[sf.col(f"t{i}") for i in range(hop + 1)])
        nodes = [f"n{i}" for i in range(hop + 1)]
        found = found.unionByName(_members(closed, "cycle", nodes, transfers))
        # only simple paths stay open: the next account must be new on the path
        seen = sf.array(*[sf.col(name) for name in nodes])
        paths = (
            paths.where(~sf.array_contains(seen, sf.col("next")))
            .withColumnRenamed("next", f"n{hop + 1}")
            .withColumn("last_amount", sf.col("amount"))
            .withColumn("last_time", sf.col("time"))
            .drop("amount", "time")
        )
    return found


def _two_hop_paths(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    quiet = quiet_accounts(frame, config.intermediary_max_degree)
    first = frame.join(quiet.withColumnRenamed("account", "target"), "target", "left_semi").select(
        sf.col("source").alias("s"),
        sf.col("target").alias("m"),
        sf.col("time").alias("t1"),
        sf.col("transfer").alias("x1"),
    )
    second = frame.select(
        sf.col("source").alias("m"),
        sf.col("target").alias("t"),
        sf.col("time").alias("t2"),
        sf.col("transfer").alias("x2"),
    )
    window = config.scatter_window.total_seconds()
    return first.join(second, "m").where(_within("t2", "t1", window) & (sf.col("s") != sf.col("t")))


def detect_scatter_gather(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    paths = _two_hop_paths(frame, config).persist()
    groups = (
        paths.groupBy("s", "t")
        .agg(sf.countDistinct("m").alias("intermediaries"))
        .where(sf.col("intermediaries") >= config.scatter_min_intermediaries)
        .select("s", "t")
    )
    hits = paths.join(groups, ["s", "t"])
    both = sf.array(sf.col("x1"), sf.col("x2"))
    return _members(hits, "scatter_gather", ["s", "m"], both).unionByName(
        hits.select(*_evidence("scatter_gather", "t", "x2"))
    )


def detect_gather_scatter(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    window = config.scatter_window.total_seconds()
    bucket = sf.floor(sf.col("time") / window).cast("long").alias("bucket")
    incoming = frame.groupBy(sf.col("target").alias("account"), bucket).agg(
        sf.countDistinct("source").alias("senders"), sf.collect_list("transfer").alias("in_tx")
    )
    outgoing = frame.groupBy(sf.col("source").alias("account"), bucket).agg(
        sf.countDistinct("target").alias("receivers"), sf.collect_list("transfer").alias("out_tx")
    )
    per_account = Window.partitionBy("account")
    both = (
        incoming.join(outgoing, ["account", "bucket"])
        .withColumn("usual_in", sf.percentile(sf.col("senders"), 0.5).over(per_account))
        .withColumn("usual_out", sf.percentile(sf.col("receivers"), 0.5).over(per_account))
    )
    minimum = config.gather_scatter_min_each_side
    factor = config.fan_baseline_factor
    hits = both.where(
        (sf.col("senders") >= minimum)
        & (sf.col("receivers") >= minimum)
        & (sf.col("senders") >= factor * sf.col("usual_in"))
        & (sf.col("receivers") >= factor * sf.col("usual_out"))
    )
    return hits.select(
        *_evidence("gather_scatter", "account", sf.explode(sf.concat("in_tx", "out_tx")))
    )


def detect_rapid_pass_through(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    window = config.pass_through_window.total_seconds()
    retention = config.pass_through_max_retention
    quiet = quiet_accounts(frame, config.intermediary_max_degree)
    inflows = frame.join(
        quiet.withColumnRenamed("account", "target"), "target", "left_semi"
    ).select(
        sf.col("target").alias("account"),
        sf.col("amount").alias("in_amount"),
        sf.col("time").alias("in_time"),
        sf.col("transfer").alias("in_tx"),
    )
    outflows = frame.select(
        sf.col("source").alias("account"),
        sf.col("amount").alias("out_amount"),
        sf.col("time").alias("out_time"),
        sf.col("transfer").alias("out_tx"),
    )
    events = (
        inflows.join(outflows, "account")
        .where(_within("out_time", "in_time", window))
        .groupBy("account", "in_tx", "in_amount")
        .agg(sf.sum("out_amount").alias("passed"), sf.collect_list("out_tx").alias("out_tx"))
        .where(
            (sf.col("passed") >= (1.0 - retention) * sf.col("in_amount"))
            & (sf.col("passed") <= (1.0 + retention) * sf.col("in_amount"))
        )
        .withColumn("events", sf.count("*").over(Window.partitionBy("account")))
        .where(sf.col("events") >= config.pass_through_min_events)
    )
    return events.select(
        *_evidence(
            "rapid_pass_through",
            "account",
            sf.explode(sf.concat(sf.array(sf.col("in_tx")), sf.col("out_tx"))),
        )
    )


def detect_peel_chains(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    spends = (
        frame.where(sf.col("channel") == "crypto")
        .groupBy("source", "time")
        .agg(
            sf.count("*").alias("outputs"),
            sf.sum("amount").alias("total"),
            sf.max_by("target", "amount").alias("main"),
            sf.max("amount").alias("main_amount"),
            sf.collect_list("transfer").alias("transfers"),
        )
        .where(
            (sf.col("outputs") == 2)
            & ((sf.col("total") - sf.col("main_amount")) <= config.peel_max_share * sf.col("total"))
        )
        .persist()
    )
    window = config.peel_window.total_seconds()
    chains = spends.select(
        sf.col("source").alias("n0"),
        sf.col("main").alias("n1"),
        sf.col("time").alias("last_time"),
        sf.col("transfers").alias("x0"),
    )
    for hop in range(1, config.peel_min_hops):
        step = spends.select(
            sf.col("source").alias(f"n{hop}"),
            sf.col("main").alias(f"n{hop + 1}"),
            "time",
            sf.col("transfers").alias(f"x{hop}"),
        )
        chains = (
            chains.join(step, f"n{hop}")
            .where(_within("time", "last_time", window))
            .drop("last_time")
            .withColumnRenamed("time", "last_time")
        )
    transfers = sf.flatten(sf.array(*[sf.col(f"x{i}") for i in range(config.peel_min_hops)]))
    nodes = [f"n{i}" for i in range(config.peel_min_hops + 1)]
    return _members(chains, "peel_chain", nodes, transfers)
