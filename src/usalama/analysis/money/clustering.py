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

Union-find runs vectorised: addresses and transactions get integer codes from their
hashes (``codes``: exact, checked), each input links its address to one address of its
transaction, and ``scipy.sparse.csgraph.connected_components`` labels the clusters, so
10 M inputs never go through a Python loop nor a string join.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from usalama.analysis.money.codes import group_codes, member_of_group, sorted_codes

ROUND_VALUE_SATS = 100_000
UNUSABLE_ADDRESSES = ("unknown", "nulldata")


def coinjoin_transactions(
    inputs: pl.DataFrame, outputs: pl.DataFrame, min_equal_outputs: int = 3
) -> pl.Series:
    """txids that look like CoinJoins (see module docstring)."""
    return _coinjoin(inputs, outputs, min_equal_outputs, _TxGroups.of(inputs, outputs))


class _TxGroups:
    """Transaction codes of each input and output row, shared by the CoinJoin check and the
    multi-input links so the transaction ids are grouped once."""

    def __init__(self, inputs: np.ndarray, outputs: np.ndarray) -> None:
        self.inputs, self.outputs = inputs, outputs

    @classmethod
    def of(cls, inputs: pl.DataFrame, outputs: pl.DataFrame) -> _TxGroups:
        return cls(_tx_codes(inputs), _tx_codes(outputs))


def _tx_codes(frame: pl.DataFrame) -> np.ndarray:
    # a null txid gets a code of its own; such rows never link (see cluster_addresses)
    return group_codes(frame["txid"].fill_null(""))


def _coinjoin(
    inputs: pl.DataFrame, outputs: pl.DataFrame, min_equal_outputs: int, groups: _TxGroups
) -> pl.Series:
    # cheap pre-filter: only transactions with enough inputs and outputs can qualify, and
    # the heavier per-value and distinct-payer counts then run on those alone
    outputs = outputs.filter(_rows_in_groups_of_at_least(groups.outputs, min_equal_outputs))
    inputs = inputs.filter(_rows_in_groups_of_at_least(groups.inputs, min_equal_outputs))
    inputs = inputs.filter(pl.col("txid").is_in(outputs["txid"].unique().implode()))
    outputs = outputs.filter(pl.col("txid").is_in(inputs["txid"].unique().implode()))
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


def _rows_in_groups_of_at_least(groups: np.ndarray, size: int) -> pl.Series:
    return pl.Series(np.bincount(groups)[groups] >= size if len(groups) else [], dtype=pl.Boolean)


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
    groups = _TxGroups.of(inputs, outputs)
    skip = _coinjoin(inputs, outputs, coinjoin_min_equal_outputs, groups)
    input_usable = _usable(inputs)
    output_usable = _usable(outputs)
    spending = input_usable & inputs["txid"].is_not_null()
    if skip.len():
        spending &= ~inputs["txid"].is_in(skip.implode())
    # one code per distinct address, in byte order, so the smallest member is the smallest code
    codes, addresses = sorted_codes(
        pl.concat(
            [inputs["address"].filter(input_usable), outputs["address"].filter(output_usable)]
        )
    )
    input_codes = np.full(inputs.height, -1, dtype=np.int64)
    input_codes[input_usable.to_numpy()] = codes[: int(input_usable.sum())]
    spent = spending.to_numpy()
    member_codes, member_tx = input_codes[spent], groups.inputs[spent]
    if use_change:
        change = change_links(inputs, outputs, skip)
        change_codes = addresses.search_sorted(change["address"]).to_numpy().astype(np.int64)
        change_tx = _input_tx_codes(inputs, groups.inputs, change["txid"])
        known = change_tx >= 0
        member_codes = np.concatenate([member_codes, change_codes[known]])
        member_tx = np.concatenate([member_tx, change_tx[known]])
    n_tx = int(groups.inputs.max()) + 1 if len(groups.inputs) else 0
    anchor = member_of_group(member_tx, member_codes, n_tx)[member_tx]
    return label_components(addresses, member_codes, anchor)


def _usable(frame: pl.DataFrame) -> pl.Series:
    # comparisons, not ``is_in``: Polars' string is_in is several times slower on 10 M rows
    address = frame["address"]
    usable = address.is_not_null()
    for unusable in UNUSABLE_ADDRESSES:
        usable &= (address != unusable).fill_null(False)
    return usable


def _input_tx_codes(inputs: pl.DataFrame, input_tx: np.ndarray, txids: pl.Series) -> np.ndarray:
    """The input-side transaction code of each txid (``-1`` when it has no input row)."""
    table = pl.DataFrame({"txid": inputs["txid"], "code": input_tx}).unique("txid")
    found = txids.to_frame("txid").join(table, on="txid", how="left", maintain_order="left")
    return found["code"].fill_null(-1).to_numpy().astype(np.int64)


def label_components(addresses: pl.Series, left: np.ndarray, right: np.ndarray) -> pl.DataFrame:
    """Union-find by connected components of the link graph over address codes (indices into
    ``addresses``, which is sorted): each address with its smallest fellow member, sorted by
    cluster then address."""
    size = addresses.len()
    if size == 0:
        return pl.DataFrame({"address": addresses, "cluster_id": addresses})
    keep = left != right  # a self-link joins nothing
    graph = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (left[keep], right[keep])), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(int(labels.max()) + 1, size, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(size, dtype=np.int64))
    cluster = smallest[labels]
    # codes are already in address order: a stable sort on the cluster keeps it within one
    order = np.argsort(cluster, kind="stable")
    return pl.DataFrame(
        {
            "address": addresses.gather(order),
            "cluster_id": addresses.gather(cluster[order]),
        }
    )
