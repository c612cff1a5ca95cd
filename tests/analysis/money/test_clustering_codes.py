"""Clustering on hash-sorted codes gives what the string joins gave; codes are exact.

``reference_clusters`` is the former implementation (string unique, join, window, string
sort), kept here as the oracle on random chains with CoinJoins, unusable and missing
addresses, and transactions whose rows are not next to each other.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from usalama.analysis.money import cluster_addresses, coinjoin_transactions
from usalama.analysis.money.clustering import UNUSABLE_ADDRESSES, change_links
from usalama.analysis.money.codes import group_codes, sorted_codes


def reference_clusters(
    inputs: pl.DataFrame, outputs: pl.DataFrame, use_change: bool = False
) -> pl.DataFrame:
    skip = coinjoin_transactions(inputs, outputs)
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
    size = addresses.height
    ends = (links["id"].to_numpy(), links["anchor"].to_numpy())
    graph = coo_matrix((np.ones(links.height, dtype=np.int8), ends), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return (
        addresses.with_columns(pl.Series("component", labels))
        .with_columns(pl.col("address").min().over("component").alias("cluster_id"))
        .select("address", "cluster_id")
        .sort("cluster_id", "address")
    )


def chain(seed: int, transactions: int, shuffle: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    pool = [f"1Addr{i:05d}" for i in range(transactions)] + ["unknown", "nulldata"]
    n_in = rng.integers(1, 6, transactions)
    n_out = rng.integers(1, 6, transactions)
    in_tx = np.repeat(np.arange(transactions), n_in)
    out_tx = np.repeat(np.arange(transactions), n_out)
    in_address: list[str | None] = [pool[i] for i in rng.integers(0, len(pool), len(in_tx))]
    in_address[3] = None  # an input whose address could not be read
    values = rng.choice([100_000, 250_000, 123_456, 777], len(out_tx))  # equal values: CoinJoins
    inputs = pl.DataFrame(
        {
            "txid": [f"tx{t}" for t in in_tx],
            "vin": np.zeros(len(in_tx), dtype=np.int64),
            "prev_txid": [""] * len(in_tx),
            "prev_vout": np.zeros(len(in_tx), dtype=np.int64),
            "value": rng.integers(1, 10**6, len(in_tx)),
            "script_type": rng.choice(["p2pkh", "p2wpkh"], len(in_tx)),
            "address": in_address,
        }
    )
    outputs = pl.DataFrame(
        {
            "txid": [f"tx{t}" for t in out_tx],
            "vout": np.zeros(len(out_tx), dtype=np.int64),
            "value": values,
            "script_type": rng.choice(["p2pkh", "p2wpkh"], len(out_tx)),
            "address": [pool[i] for i in rng.integers(0, len(pool), len(out_tx))],
        }
    )
    if shuffle:
        inputs = inputs.sample(fraction=1.0, shuffle=True, seed=seed)
        outputs = outputs.sample(fraction=1.0, shuffle=True, seed=seed + 1)
    return inputs, outputs


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("use_change", [False, True])
def test_clusters_equal_the_string_reference(shuffle: bool, use_change: bool) -> None:
    inputs, outputs = chain(seed=5, transactions=3000, shuffle=shuffle)
    assert coinjoin_transactions(inputs, outputs).len() > 10  # the check has work to do
    got = cluster_addresses(inputs, outputs, use_change=use_change)
    expected = reference_clusters(inputs, outputs, use_change=use_change)
    assert got.equals(expected)
    assert got["cluster_id"].n_unique() < got.height / 2  # real merging happened


def test_sorted_codes_are_byte_order_ranks() -> None:
    values = pl.Series(["b", "é", "a", "B", "b", "ab", "a"])
    codes, distinct = sorted_codes(values)
    assert distinct.to_list() == sorted(set(values.to_list()), key=str.encode)
    assert distinct.gather(codes).to_list() == values.to_list()


def test_a_hash_collision_falls_back_to_the_exact_path(monkeypatch: pytest.MonkeyPatch) -> None:
    values = pl.Series(["x", "y", "x", "z"])

    def one_hash_for_all(self: pl.Series, *args: object, **kwargs: object) -> pl.Series:
        return pl.Series(np.zeros(self.len(), dtype=np.uint64))

    monkeypatch.setattr(pl.Series, "hash", one_hash_for_all)
    codes, distinct = sorted_codes(values)
    assert distinct.to_list() == ["x", "y", "z"]
    assert codes.tolist() == [0, 1, 0, 2]
    # grouping: run heads share a hash, so the runs cannot be proved distinct either
    assert len(set(group_codes(pl.Series(["p", "q", "p"])).tolist())) == 2


def test_group_codes_group_equal_values_wherever_they_are() -> None:
    grouped = group_codes(pl.Series(["t1", "t1", "t2", "t3", "t3"]))
    assert grouped.tolist() == [0, 0, 1, 2, 2]
    scattered = group_codes(pl.Series(["t1", "t2", "t1", "t3", "t2"]))
    assert scattered[0] == scattered[2] and scattered[1] == scattered[4]
    assert len({scattered[0], scattered[1], scattered[3]}) == 3
