"""Multi-input address clustering on Spark: the in-memory rules, connected components by
label propagation.

Each address starts labelled with itself. One round: a transaction takes the smallest label
among its spending addresses, each address takes the smallest label among its
transactions, and then jumps to its label's label (pointer jumping, which halves long
chains of transactions each round instead of walking them one hop at a time). Labels only
fall and stay inside a component, so at the fixed point every address carries the
smallest address of its component: the in-memory engine's ``cluster_id``.
"""

from __future__ import annotations

import logging

from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from usalama.analysis.money.clustering import UNUSABLE_ADDRESSES

log = logging.getLogger(__name__)
MAX_ROUNDS = 64  # pointer jumping converges in about log2(longest chain) rounds


def coinjoin_transactions_spark(
    inputs: DataFrame, outputs: DataFrame, min_equal_outputs: int = 3
) -> DataFrame:
    """``txid`` of CoinJoin-like transactions (the in-memory engine's rule)."""

    equal_outputs = (
        outputs.where(sf.col("value") > 0)
        .groupBy("txid", "value")
        .count()
        .groupBy("txid")
        .agg(sf.max("count").alias("equal"))
    )
    payers = inputs.groupBy("txid").agg(sf.countDistinct("address").alias("payers"))
    return (
        equal_outputs.join(payers, "txid")
        .where((sf.col("equal") >= min_equal_outputs) & (sf.col("payers") >= min_equal_outputs))
        .select("txid")
    )


def cluster_addresses_spark(
    inputs: DataFrame, outputs: DataFrame, *, coinjoin_min_equal_outputs: int = 3
) -> DataFrame:
    """``address, cluster_id`` for every usable address seen (clusters of one included).

    ``inputs``: ``txid, address`` (spending addresses); ``outputs``: ``txid, address,
    value``. The change heuristic of the in-memory engine is not offered here: it needs
    the file order of outputs, which a distributed table does not keep.
    """

    unusable = list(UNUSABLE_ADDRESSES)
    skip = coinjoin_transactions_spark(inputs, outputs, coinjoin_min_equal_outputs)
    spending = (
        inputs.where(~sf.col("address").isin(unusable))
        .join(skip, "txid", "left_anti")
        .select("txid", "address")
        .distinct()
        .localCheckpoint()
    )
    labels = _components(spending)
    addresses = (
        inputs.select("address")
        .unionByName(outputs.select("address"))
        .where(~sf.col("address").isin(unusable))
        .distinct()
    )
    return addresses.join(labels, "address", "left").select(
        "address", sf.coalesce(sf.col("label"), sf.col("address")).alias("cluster_id")
    )


def _components(links: DataFrame) -> DataFrame:
    """``address, label`` (smallest address of its component) for addresses in ``links``."""
    labels = links.select("address").distinct().withColumn("label", sf.col("address"))
    labels = labels.localCheckpoint()
    for round_number in range(1, MAX_ROUNDS + 1):
        per_tx = (
            links.join(labels, "address").groupBy("txid").agg(sf.min("label").alias("tx_label"))
        )
        offered = (
            links.join(per_tx, "txid").groupBy("address").agg(sf.min("tx_label").alias("offer"))
        )
        lowered = labels.join(offered, "address").select(
            "address",
            sf.col("label").alias("before"),
            sf.least("label", "offer").alias("label"),
        )
        # pointer jumping: my label's own label is in my component and no larger
        jumped = (
            lowered.alias("me")
            .join(
                lowered.select("address", "label").alias("it"),
                sf.col("me.label") == sf.col("it.address"),
                "left",
            )
            .select(
                sf.col("me.address").alias("address"),
                sf.col("me.before").alias("before"),
                sf.least(
                    sf.col("me.label"), sf.coalesce(sf.col("it.label"), sf.col("me.label"))
                ).alias("label"),
            )
            .localCheckpoint()
        )
        # the old label travels along, so spotting a change is a scan, not another join
        changed = jumped.where(sf.col("label") != sf.col("before")).limit(1).count()
        labels = jumped.drop("before")
        if not changed:
            log.info("address labels settled after %d rounds", round_number)
            return labels
    raise RuntimeError(f"address labels did not settle in {MAX_ROUNDS} rounds")
