"""Address clustering: multi-input, CoinJoin exclusion, change heuristic."""

from __future__ import annotations

import polars as pl

from tests.shared_data import SHARED_DATA
from usalama.analysis.money import cluster_addresses, coinjoin_transactions, read_block_file


def frames(
    inputs: list[tuple[str, str, str]], outputs: list[tuple[str, int, str, str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """inputs: (txid, address, type); outputs: (txid, value, address, type)."""
    ins = pl.DataFrame(
        {
            "txid": [i[0] for i in inputs],
            "vin": list(range(len(inputs))),
            "prev_txid": ["p"] * len(inputs),
            "prev_vout": [0] * len(inputs),
            "value": [None] * len(inputs),
            "script_type": [i[2] for i in inputs],
            "address": [i[1] for i in inputs],
        },
        schema_overrides={"value": pl.Int64},
    )
    outs = pl.DataFrame(
        {
            "txid": [o[0] for o in outputs],
            "vout": list(range(len(outputs))),
            "value": [o[1] for o in outputs],
            "script_type": [o[3] for o in outputs],
            "address": [o[2] for o in outputs],
        }
    )
    return ins, outs


def clusters_of(result: pl.DataFrame) -> dict[str, str]:
    return dict(zip(result["address"], result["cluster_id"], strict=True))


def test_multi_input_joins_and_coinjoin_is_skipped() -> None:
    ins, outs = frames(
        [
            ("t1", "A", "p2pkh"),
            ("t1", "B", "p2pkh"),
            ("t2", "B", "p2pkh"),
            ("t2", "C", "p2pkh"),
            # a CoinJoin: three payers, three equal outputs
            ("cj", "D", "p2wpkh"),
            ("cj", "E", "p2wpkh"),
            ("cj", "F", "p2wpkh"),
        ],
        [
            ("t1", 5000, "X", "p2pkh"),
            ("t2", 7000, "Y", "p2pkh"),
            ("cj", 100_000, "P", "p2wpkh"),
            ("cj", 100_000, "Q", "p2wpkh"),
            ("cj", 100_000, "R", "p2wpkh"),
        ],
    )
    assert coinjoin_transactions(ins, outs).to_list() == ["cj"]
    got = clusters_of(cluster_addresses(ins, outs))
    assert got["A"] == got["B"] == got["C"] == "A"
    assert len({got["D"], got["E"], got["F"]}) == 3
    assert got["X"] == "X"


def test_change_heuristic_links_the_one_fresh_same_type_odd_output() -> None:
    ins, outs = frames(
        [("t0", "Z", "p2pkh"), ("t1", "A", "p2pkh")],
        [
            ("t0", 300_000, "PAY", "p2sh"),
            # t1 pays a round 0.01 BTC to a reused P2SH address and 0.0123457 back to a fresh P2PKH
            ("t1", 1_000_000, "PAY", "p2sh"),
            ("t1", 1_234_567, "CHANGE", "p2pkh"),
        ],
    )
    without = clusters_of(cluster_addresses(ins, outs))
    assert without["CHANGE"] == "CHANGE"
    with_change = clusters_of(cluster_addresses(ins, outs, use_change=True))
    assert with_change["CHANGE"] == with_change["A"]
    assert with_change["PAY"] == "PAY"


def test_clusters_on_block_277647() -> None:
    chain = read_block_file(SHARED_DATA / "money" / "bitcoin" / "277647.dat.bz2")
    result = cluster_addresses(chain.inputs, chain.outputs)
    assert result["address"].n_unique() == result.height
    # every multi-input transaction's addresses end up in one cluster
    joined = chain.inputs.join(result, on="address")
    spread = joined.group_by("txid").agg(pl.col("cluster_id").n_unique().alias("clusters"))
    assert spread["clusters"].max() == 1
    assert result["cluster_id"].n_unique() < result.height
