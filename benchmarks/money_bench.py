"""Money engine benchmark: typology scan, 5-hop haircut trace, address clustering.

    .venv/bin/python benchmarks/money_bench.py                 # 10 M transfers / 10 M inputs
    .venv/bin/python benchmarks/money_bench.py --quick         # 200 k, for a smoke run

Each figure is printed next to a peer (pandas / networkx) doing the same job in the
same run; peers that would take too long run on a stated subsample and the ratio is
taken on that subsample (our engine re-run on it too). Synthetic data, fixed seed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import polars as pl

from usalama.analysis.money import cluster_addresses, scan_typologies, trace

DAY = 86_400.0


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_transfers(n: int, seed: int = 7) -> pl.DataFrame:
    """n transfers among n/5 accounts over 180 days; a few busy hubs; log-normal amounts."""
    rng = np.random.default_rng(seed)
    accounts = max(n // 5, 10)
    # 5 % of transfers touch one of 100 hubs (salaries, merchants)
    source = rng.integers(0, accounts, n)
    target = rng.integers(0, accounts, n)
    hub_rows = rng.random(n) < 0.05
    target[hub_rows] = rng.integers(0, 100, int(hub_rows.sum()))
    return pl.DataFrame(
        {
            "source": pl.Series(source).cast(pl.Utf8),
            "target": pl.Series(target).cast(pl.Utf8),
            "amount": np.round(rng.lognormal(5.5, 1.0, n), 2),
            "currency": pl.Series(["KES"]).extend_constant("KES", n - 1),
            "time": np.sort(rng.uniform(0, 180 * DAY, n)),
            "channel": pl.Series(["bank"]).extend_constant("bank", n - 1),
            "reference": pl.Series([""]).extend_constant("", n - 1),
        }
    )


def pandas_typologies(frame: pd.DataFrame) -> int:
    """Peer: split payments and fan-in with pandas group-bys, cycles (≤ 5) with networkx."""
    frame = frame.assign(day=(frame["time"] // DAY).astype("int64"))
    split = frame.groupby(["source", "target", "day"])["amount"].agg(["count", "min", "max"])
    split = split[(split["count"] >= 3) & (split["max"] / split["min"] <= 1.5)]
    fan = frame.groupby(["target", "day"])["source"].nunique()
    usual = fan.groupby(level=0).transform("median")
    fan_in = fan[(fan >= 10) & (fan >= 3 * usual)]
    graph = nx.DiGraph()
    graph.add_edges_from(zip(frame["source"], frame["target"], strict=True))
    cycles = sum(1 for _ in nx.simple_cycles(graph, length_bound=5))
    return len(split) + len(fan_in) + cycles


def python_haircut(frame: pd.DataFrame, seed: str, hops: int) -> float:
    """Peer: the haircut model replayed over every transfer in time order (no pruning)."""
    balance: dict[str, float] = {}
    tainted: dict[str, float] = {}
    hop: dict[str, int] = {seed: 0}
    total = 0.0
    rows = zip(frame["source"], frame["target"], frame["amount"], strict=True)
    for source, target, amount in rows:
        if source == seed:
            out = amount
        elif source in hop and hop[source] < hops:
            bal, dirty = balance.get(source, 0.0), tainted.get(source, 0.0)
            out = min(dirty, amount * dirty / max(bal, amount)) if bal > 0 else 0.0
            tainted[source] = dirty - out
            balance[source] = max(0.0, bal - amount)
        else:
            balance[source] = max(0.0, balance.get(source, 0.0) - amount)
            out = 0.0
        if out > 0:
            hop[target] = min(hop.get(target, hops), hop.get(source, 0) + 1)
            total += out
        balance[target] = balance.get(target, 0.0) + amount
        tainted[target] = tainted.get(target, 0.0) + out
    return total


def synthetic_inputs(n_inputs: int, seed: int = 11) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n_inputs spends in n_inputs/2.5 transactions over a pool of n_inputs/2 addresses."""
    rng = np.random.default_rng(seed)
    transactions = max(int(n_inputs / 2.5), 1)
    pool = max(n_inputs // 2, 2)
    txid = np.sort(rng.integers(0, transactions, n_inputs))
    address = rng.integers(0, pool, n_inputs)
    inputs = pl.DataFrame(
        {
            "txid": pl.Series(txid).cast(pl.Utf8),
            "vin": np.zeros(n_inputs, dtype=np.int64),
            "prev_txid": pl.Series([""]).extend_constant("", n_inputs - 1),
            "prev_vout": np.zeros(n_inputs, dtype=np.int64),
            "value": rng.integers(10_000, 10_000_000, n_inputs),
            "script_type": pl.Series(["p2pkh"]).extend_constant("p2pkh", n_inputs - 1),
            "address": ("a" + pl.Series(address).cast(pl.Utf8)),
        }
    )
    n_outputs = transactions * 2
    outputs = pl.DataFrame(
        {
            "txid": pl.Series(np.repeat(np.arange(transactions), 2)).cast(pl.Utf8),
            "vout": np.tile([0, 1], transactions),
            "value": rng.integers(10_000, 10_000_000, n_outputs),
            "script_type": pl.Series(["p2pkh"]).extend_constant("p2pkh", n_outputs - 1),
            "address": ("a" + pl.Series(rng.integers(0, pool, n_outputs)).cast(pl.Utf8)),
        }
    )
    return inputs, outputs


def networkx_clusters(inputs: pl.DataFrame) -> int:
    graph = nx.Graph()
    for _, group in inputs.group_by("txid"):
        addresses = group["address"].to_list()
        graph.add_nodes_from(addresses)
        graph.add_edges_from(itertools.pairwise(addresses))
    return nx.number_connected_components(graph)


def bench_transfers(transfers: pl.DataFrame, peer_sample: int) -> None:
    seconds, report = timed(lambda: scan_typologies(transfers))
    flagged = report.accounts.height
    print(f"typology scan ({transfers.height:,}): {seconds:.1f} s, {flagged:,} flagged")
    # networkx's bounded cycle enumeration is the slow part of the peer: a tenth of the sample
    small = transfers.head(peer_sample // 10)
    ours, _ = timed(lambda: scan_typologies(small))
    small_pd = small.to_pandas()
    peer, _ = timed(lambda: pandas_typologies(small_pd))
    print(
        f"  on {small.height:,}: usalama {ours:.2f} s, pandas+networkx {peer:.2f} s "
        f"(ratio {peer / ours:.1f}x)"
    )

    sample = transfers.head(peer_sample)
    sample_pd = sample.to_pandas()
    seed = transfers["source"][0]
    seconds, result = timed(lambda: trace(transfers, [seed], model="haircut", hops=5))
    print(
        f"5-hop haircut trace ({transfers.height:,}): {seconds:.2f} s, "
        f"{result.accounts.height:,} accounts, {result.edges.height:,} tainted transfers"
    )
    ours, _ = timed(lambda: trace(sample, [seed], model="haircut", hops=5))
    peer, _ = timed(lambda: python_haircut(sample_pd, seed, 5))
    print(
        f"  on {sample.height:,}: usalama {ours:.3f} s, pandas replay {peer:.3f} s "
        f"(ratio {peer / ours:.1f}x)"
    )


def bench_clustering(n_inputs: int, peer_sample: int) -> None:
    seconds, (inputs, outputs) = timed(lambda: synthetic_inputs(n_inputs))
    print(f"generate inputs: {seconds:.1f} s")
    seconds, clusters = timed(lambda: cluster_addresses(inputs, outputs))
    print(
        f"clustering ({inputs.height:,} inputs): {seconds:.1f} s, "
        f"{clusters['cluster_id'].n_unique():,} clusters of {clusters.height:,} addresses"
    )
    small_in = inputs.head(peer_sample * 5)
    small_out = outputs.filter(pl.col("txid").is_in(small_in["txid"].unique().implode()))
    ours, _ = timed(lambda: cluster_addresses(small_in, small_out))
    peer, _ = timed(lambda: networkx_clusters(small_in))
    print(
        f"  on {small_in.height:,}: usalama {ours:.2f} s, networkx {peer:.2f} s "
        f"(ratio {peer / ours:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transfers", type=int, default=10_000_000)
    parser.add_argument("--inputs", type=int, default=10_000_000)
    parser.add_argument("--peer-sample", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="200 k transfers and inputs")
    args = parser.parse_args()
    if args.quick:
        args.transfers = args.inputs = 200_000
        args.peer_sample = 50_000

    print(f"# money benchmark: {args.transfers:,} transfers, {args.inputs:,} inputs")
    print(f"load average before: {_load()}")
    seconds, transfers = timed(lambda: synthetic_transfers(args.transfers))
    print(f"generate transfers: {seconds:.1f} s")

    bench_transfers(transfers, args.peer_sample)
    del transfers

    bench_clustering(args.inputs, args.peer_sample)
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
