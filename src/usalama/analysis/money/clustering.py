"""Bitcoin address clustering: multi-input heuristic, CoinJoin excluded, optional change heuristic.

Multi-input (common-input-ownership): all input addresses of one transaction are
controlled by one wallet — except in CoinJoins, where several wallets sign one
transaction on purpose. A transaction is treated as **CoinJoin-like** and skipped when
its most frequent output value occurs at least ``coinjoin_min_equal_outputs`` (3) times
and it has at least that many distinct input addresses: equal-value outputs for
several distinct payers are the CoinJoin signature (Wasabi, Whirlpool, JoinMarket).

Change (optional, off by default because it is the less reliable heuristic): in a
non-CoinJoin, non-coinbase transaction, an output is the payer's change when it is
the **only** output that (a) pays an address seen for the first time in this data,
(b) has the same script type as all the inputs, and (c) has a non-round value (not a
multiple of 100,000 sat = 0.001 BTC), while at least one other output exists. It joins
the inputs' cluster.

Union-find runs vectorised: every link is an edge in a sparse matrix over integer
address ids and ``scipy.sparse.csgraph.connected_components`` labels the clusters,
so 10 M inputs never go through a Python loop.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

ROUND_VALUE_SATS = 100_000
UNUSABLE_ADDRESSES = ("unknown", "nulldata")


def coinjoin_transactions(
    inputs: pl.DataFrame, outputs: pl.DataFrame, min_equal_outputs: int = 3
) -> pl.Series:
    """txids that look like CoinJoins (see module docstring)."""
    # cheap pre-filter: only transactions with enough inputs and outputs can qualify, and
    # the heavier per-value and distinct-payer counts then run on those alone
    many_outputs = outputs.group_by("txid").len().filter(pl.col("len") >= min_equal_outputs)
    many_inputs = inputs.group_by("txid").len().filter(pl.col("len") >= min_equal_outputs)
    candidates = many_outputs.join(many_inputs, on="txid", how="semi").select("txid")
    outputs = outputs.join(candidates, on="txid", how="semi")
    inputs = inputs.join(candidates, on="txid", how="semi")
    equal_outputs = (
        outputs.filter(pl.col("value") > 0)
        .group_by("txid", "value")
        .len()
        .group_by("txid")
        .agg(pl.col("len").max().alias("equal"))
    )
    payers = inputs.group_by("txid").agg(pl.col("address").n_unique().alias("payers"))
    return equal_outputs.join(payers, on="txid", how="inner").filter(
        (pl.col("equal") >= min_equal_outputs) & (pl.col("payers") >= min_equal_outputs)
    )["txid"]


def change_links(inputs: pl.DataFrame, outputs: pl.DataFrame, skip: pl.Series) -> pl.DataFrame:
    """(txid, address) of outputs judged to be change, per the module docstring."""
    usable = outputs.filter(~pl.col("address").is_in(list(UNUSABLE_ADDRESSES)))
    # first appearance of each address as an output, in file order
    first_seen = (
        usable.with_row_index("order").group_by("address").agg(pl.col("order").min().alias("first"))
    )
    candidates = (
        usable.with_row_index("order")
        .join(first_seen, on="address")
        .with_columns(fresh=pl.col("order") == pl.col("first"))
    )
    input_types = (
        inputs.group_by("txid")
        .agg(
            pl.col("script_type").n_unique().alias("types"),
            pl.col("script_type").first().alias("input_type"),
        )
        .filter(pl.col("types") == 1)
    )
    outputs_per_tx = outputs.group_by("txid").len().rename({"len": "n_outputs"})
    scored = (
        candidates.join(input_types, on="txid", how="inner")
        .join(outputs_per_tx, on="txid")
        .filter(~pl.col("txid").is_in(skip.implode()) & (pl.col("n_outputs") >= 2))
        .with_columns(
            is_change=pl.col("fresh")
            & (pl.col("script_type") == pl.col("input_type"))
            & (pl.col("value") % ROUND_VALUE_SATS != 0)
        )
        .with_columns(pl.col("is_change").sum().over("txid").alias("changes"))
    )
    return scored.filter(pl.col("is_change") & (pl.col("changes") == 1)).select("txid", "address")


def cluster_addresses(
    inputs: pl.DataFrame,
    outputs: pl.DataFrame,
    *,
    use_change: bool = False,
    coinjoin_min_equal_outputs: int = 3,
) -> pl.DataFrame:
    """``address, cluster_id`` for every address seen, clusters of one included.

    ``cluster_id`` is the smallest member address: stable across runs and readable."""
    skip = coinjoin_transactions(inputs, outputs, coinjoin_min_equal_outputs)
    spending = inputs.filter(
        ~pl.col("address").is_in(list(UNUSABLE_ADDRESSES)) & ~pl.col("txid").is_in(skip.implode())
    ).select("txid", "address")
    if use_change:
        spending = pl.concat([spending, change_links(inputs, outputs, skip)])
    addresses = (
        pl.concat([inputs.select("address"), outputs.select("address"), spending.select("address")])
        .filter(~pl.col("address").is_in(list(UNUSABLE_ADDRESSES)))
        .unique()
        .with_row_index("id")
    )
    links = spending.join(addresses, on="address").with_columns(
        pl.col("id").first().over("txid").alias("anchor")
    )
    return label_components(addresses, links["id"].to_numpy(), links["anchor"].to_numpy())


def label_components(nodes: pl.DataFrame, left: np.ndarray, right: np.ndarray) -> pl.DataFrame:
    """Union-find by connected components of the link graph; nodes: ``id`` (0..n-1), ``address``."""
    size = nodes.height
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    labelled = nodes.with_columns(pl.Series("component", labels))
    return (
        labelled.with_columns(pl.col("address").min().over("component").alias("cluster_id"))
        .select("address", "cluster_id")
        .sort("cluster_id", "address")
    )
