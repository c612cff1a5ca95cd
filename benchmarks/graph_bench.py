"""Benchmark the network engine (usalama.analysis.graph) against networkx in the same run.

    .venv/bin/python benchmarks/graph_bench.py                 # 1M nodes, 5M edges
    .venv/bin/python benchmarks/graph_bench.py --quick         # 20k nodes, 100k edges
    .venv/bin/python benchmarks/graph_bench.py --accuracy-only  # sampled vs exact betweenness

Edges carry a relation and provenance (one or two statement ids), as real collections do,
and are loaded through ``network_from_frame``; networkx gets the same relation and
provenance as edge data. Absolute figures (build, 2-hop expand, shortest path, approximate
betweenness) are taken on the main graph. networkx on 1M/5M needs about 5 GB and several
minutes, so it runs on the main graph only with --networkx-main; unless the main graph has
at most --compare-edges edges, both engines are *also* run on a comparison graph of
--compare-nodes/--compare-edges from the same generator (said so in the output). --accuracy
compares sampled betweenness with exact betweenness on an --accuracy-nodes graph (exact is
O(n m)). The header gives the commit and the load average; each table the load after it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import polars as pl
import psutil

from usalama.analysis import graph
from usalama.analysis.graph.expand import expand_indices
from usalama.analysis.graph.kernels import warm_up
from usalama.analysis.graph.search import bidirectional_bfs
from usalama.core import errors as graph_errors


def power_law_edges(nodes: int, edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Chung-Lu style: endpoint chosen with probability ~ rank^-0.6 (degree exponent ~2.7)."""
    rng = np.random.default_rng(seed)
    weights = (np.arange(1, nodes + 1, dtype=np.float64)) ** -0.6
    weights /= weights.sum()
    ends = rng.choice(nodes, size=(edges, 2), p=weights)
    # Shuffle ids so hubs are not simply the small numbers.
    relabel = rng.permutation(nodes)
    return relabel[ends[:, 0]], relabel[ends[:, 1]]


RELATIONS = ["Ownership", "Directorship", "Family", "Associate", "Membership", "Employment"]


def edge_frame(sources: np.ndarray, targets: np.ndarray, seed: int) -> pl.DataFrame:
    """The edges as a collection has them: string ids, a relation, who said so (provenance).

    About half the edges are said by two statements (e.g. both parties' records).
    """
    rng = np.random.default_rng(seed + 2)
    m = len(sources)
    relation = pl.Series("relation", RELATIONS).gather(rng.integers(0, len(RELATIONS), m))
    row = pl.int_range(0, m, eager=True)
    second = pl.Series(rng.random(m) < 0.5)
    provenance = pl.select(
        pl.when(second)
        .then(pl.format("stmt-{}|stmt-{}", row, row + m))
        .otherwise(pl.format("stmt-{}", row))
    ).to_series()
    return pl.DataFrame(
        {
            "source": pl.Series(sources).cast(pl.Utf8),
            "target": pl.Series(targets).cast(pl.Utf8),
            "relation": relation,
            "provenance": provenance,
        }
    )


def query_nodes(
    sources: np.ndarray, targets: np.ndarray, queries: int, seed: int
) -> tuple[list[int], list[tuple[int, int]]]:
    """Expansion seeds and path pairs, drawn from nodes that have an edge (both engines)."""
    rng = np.random.default_rng(seed + 1)
    linked = np.unique(np.concatenate([sources, targets]))
    seeds = linked[rng.integers(0, len(linked), size=queries)].tolist()
    pairs = linked[rng.integers(0, len(linked), size=(queries, 2))].tolist()
    return seeds, [(a, b) for a, b in pairs]


def load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], check=False).returncode
    return result.stdout.strip() + ("+changes" if dirty else "")


def rss_gb() -> float:
    return psutil.Process().memory_info().rss / 1e9


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


class Peak:
    """Peak RSS: sampled by a thread, since the largest moment is inside C calls."""

    def __init__(self) -> None:
        import threading

        self.value = rss_gb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.value = max(self.value, rss_gb())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.value, rss_gb())


def measure_engine(
    sources: np.ndarray,
    targets: np.ndarray,
    nodes: int,
    queries: int,
    samples: int,
    seed: int,
    workers: int,
) -> dict[str, float]:
    seeds_at, pairs_at = query_nodes(sources, targets, queries, seed)
    frame = edge_frame(sources, targets, seed)
    # numba import and compiled kernels (loaded from its disk cache; the first process
    # after a change to kernels.py compiles them): once per process, not per network.
    first = timed(warm_up)
    peak = Peak()
    start = time.perf_counter()
    network = graph.network_from_frame(frame, graph.EdgeColumns(relation="relation"))
    del frame
    # Id lookup, CSR adjacency and every edge's record: built once per network, timed as
    # loading (a network that answers one query builds only what that query touches).
    network.prepare()
    build = time.perf_counter() - start
    # Node i of the generator has the id str(i) (its row number differs: look it up).
    seeds = [str(s) for s in seeds_at]
    expand_times = [timed(lambda s=s: graph.expand(network, s, hops=2)) for s in seeds]
    # What an API call returns: the result as JSON-ready dicts.
    expand_json = [timed(lambda s=s: graph.expand(network, s, hops=2).to_dict()) for s in seeds]
    pairs = [(str(a), str(b)) for a, b in pairs_at]

    def path(a: str, b: str, *, as_dict: bool) -> None:
        with contextlib.suppress(graph_errors.NotFound):
            found = graph.shortest_path(network, a, b)
            if as_dict:
                found.to_dict()

    path_times = [timed(lambda a=a, b=b: path(a, b, as_dict=False)) for a, b in pairs]
    path_json = [timed(lambda a=a, b=b: path(a, b, as_dict=True)) for a, b in pairs]
    # The same walks without building explanations (Edge records, string ids).
    indices = [network.index_of(s) for s in seeds]
    core_expand = [timed(lambda i=i: expand_indices(network, np.array([i]), 2)) for i in indices]
    adjacency = network.adjacency()
    index_pairs = [(network.index_of(a), network.index_of(b)) for a, b in pairs]
    core_path = [
        timed(
            lambda a=a, b=b: bidirectional_bfs(adjacency, adjacency, a, b, scratch=network.scratch)
        )
        for a, b in index_pairs
    ]
    # Shared by all measures; built once per network, timed separately.
    simple = timed(network.simple_graph)
    serial = graph.BetweennessApproximation(samples=samples, seed=seed)
    betweenness_1 = timed(lambda: graph.centrality(network, "betweenness", approximate=serial))
    split = graph.BetweennessApproximation(samples=samples, seed=seed, workers=workers)
    betweenness = timed(lambda: graph.centrality(network, "betweenness", approximate=split))
    return {
        "build_s": build,
        "first_query_s": first,
        "simple_s": simple,
        "peak_rss_gb": peak.stop(),
        "expand_p50_ms": percentiles(expand_times)[0],
        "expand_p95_ms": percentiles(expand_times)[1],
        "expand_json_p50_ms": percentiles(expand_json)[0],
        "expand_json_p95_ms": percentiles(expand_json)[1],
        "path_p50_ms": percentiles(path_times)[0],
        "path_p95_ms": percentiles(path_times)[1],
        "path_json_p50_ms": percentiles(path_json)[0],
        "path_json_p95_ms": percentiles(path_json)[1],
        "betweenness_1_s": betweenness_1,
        "betweenness_s": betweenness,
        "core_expand_p50_ms": percentiles(core_expand)[0],
        "core_expand_p95_ms": percentiles(core_expand)[1],
        "core_path_p50_ms": percentiles(core_path)[0],
        "core_path_p95_ms": percentiles(core_path)[1],
    }


def measure_networkx(
    sources: np.ndarray,
    targets: np.ndarray,
    nodes: int,
    queries: int,
    samples: int,
    nx_samples: int,
    seed: int,
) -> dict[str, float]:
    seeds, pairs = query_nodes(sources, targets, queries, seed)
    frame = edge_frame(sources, targets, seed)
    relations = frame["relation"].to_list()
    provenance = frame["provenance"].str.split("|").to_list()
    del frame
    peak = Peak()
    start = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(nodes))
    data = ({"relation": r, "provenance": p} for r, p in zip(relations, provenance, strict=True))
    g.add_edges_from(zip(sources.tolist(), targets.tolist(), data, strict=True))
    build = time.perf_counter() - start
    del relations, provenance

    def expand_with_edges(seed: int) -> list[Any]:
        # Like graph.expand: distances plus the edges crossed (capped at 5,000 like the
        # engine), reading each edge's relation and provenance.
        distances = nx.single_source_shortest_path_length(g, seed, cutoff=2)
        inner = [node for node, hops in distances.items() if hops < 2]
        crossed = itertools.islice(g.edges(inner, data=True), 5_000)
        return [(u, v, d["relation"], d["provenance"]) for u, v, d in crossed]

    expand_times = [timed(lambda s=s: expand_with_edges(s)) for s in seeds]
    core_expand = [
        timed(lambda s=s: nx.single_source_shortest_path_length(g, s, cutoff=2)) for s in seeds
    ]

    def path_with_edges(a: int, b: int) -> list[Any]:
        # Like graph.shortest_path: the node ids and, per hop, the edge's relation and provenance.
        try:
            found = nx.bidirectional_shortest_path(g, a, b)
        except nx.NetworkXNoPath:
            return []
        hops = [g[u][v] for u, v in itertools.pairwise(found)]
        return [(d["relation"], d["provenance"]) for d in hops]

    def path_ids(a: int, b: int) -> None:
        with contextlib.suppress(nx.NetworkXNoPath):
            nx.bidirectional_shortest_path(g, a, b)

    path_times = [timed(lambda a=a, b=b: path_with_edges(a, b)) for a, b in pairs]
    core_path = [timed(lambda a=a, b=b: path_ids(a, b)) for a, b in pairs]
    # networkx takes minutes per dozen sources; time fewer and scale linearly to `samples`.
    per_source = timed(lambda: nx.betweenness_centrality(g, k=nx_samples, seed=seed)) / nx_samples
    return {
        "build_s": build,
        "first_query_s": 0.0,
        "simple_s": 0.0,
        "peak_rss_gb": peak.stop(),
        "expand_p50_ms": percentiles(expand_times)[0],
        "expand_p95_ms": percentiles(expand_times)[1],
        "expand_json_p50_ms": percentiles(expand_times)[0],
        "expand_json_p95_ms": percentiles(expand_times)[1],
        "path_p50_ms": percentiles(path_times)[0],
        "path_p95_ms": percentiles(path_times)[1],
        "path_json_p50_ms": percentiles(path_times)[0],
        "path_json_p95_ms": percentiles(path_times)[1],
        "betweenness_1_s": per_source * samples,
        "betweenness_s": per_source * samples,
        "core_expand_p50_ms": percentiles(core_expand)[0],
        "core_expand_p95_ms": percentiles(core_expand)[1],
        "core_path_p50_ms": percentiles(core_path)[0],
        "core_path_p95_ms": percentiles(core_path)[1],
    }


ROWS = [
    ("build_s", "build (s)"),
    ("first_query_s", "load the compiled walks, once per process (s)"),
    ("simple_s", "simple graph for measures, built once (s)"),
    ("peak_rss_gb", "peak RSS (GB)"),
    ("expand_p50_ms", "2-hop expand p50 (ms)"),
    ("expand_p95_ms", "2-hop expand p95 (ms)"),
    ("expand_json_p50_ms", "2-hop expand + to_dict p50 (ms)"),
    ("expand_json_p95_ms", "2-hop expand + to_dict p95 (ms)"),
    ("path_p50_ms", "shortest path p50 (ms)"),
    ("path_p95_ms", "shortest path p95 (ms)"),
    ("path_json_p50_ms", "shortest path + to_dict p50 (ms)"),
    ("path_json_p95_ms", "shortest path + to_dict p95 (ms)"),
    ("betweenness_1_s", "approx. betweenness, 1 process (s)"),
    ("betweenness_s", "approx. betweenness, --workers processes (s)"),
    ("core_expand_p50_ms", "2-hop expand p50, ids only (ms)"),
    ("core_expand_p95_ms", "2-hop expand p95, ids only (ms)"),
    ("core_path_p50_ms", "shortest path p50, ids only (ms)"),
    ("core_path_p95_ms", "shortest path p95, ids only (ms)"),
]

#: networkx has no such step: its row is a dash.
ENGINE_ONLY = {"simple_s", "first_query_s"}


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx = np.argsort(np.argsort(x)).astype(np.float64)
    ry = np.argsort(np.argsort(y)).astype(np.float64)
    return float(np.corrcoef(rx, ry)[0, 1])


def measure_accuracy(nodes: int, edges: int, sample_sizes: list[int], seeds: int) -> None:
    """Sampled betweenness (n/k-scaled, k random sources) against exact, on one graph."""
    sources, targets = power_law_edges(nodes, edges, 7)
    network = graph.network_from_arrays(sources, targets, node_count=nodes)
    start = time.perf_counter()
    exact = graph.centrality(network, "betweenness")
    exact_s = time.perf_counter() - start
    by_exact = np.argsort(-exact, kind="stable")
    print(
        f"\n### Sampled vs exact betweenness ({nodes:,} nodes, {edges:,} edges; exact took "
        f"{exact_s:.0f} s; mean over {seeds} sampling seeds, worst in brackets)\n"
    )
    print(
        "| sources k | top-10 overlap | top-100 overlap | Spearman, top 1,000 | "
        "median rel. error, top 10 | median rel. error, top 100 |\n"
        "|---:|---:|---:|---:|---:|---:|"
    )
    for k in sample_sizes:
        rows = []
        for seed in range(seeds):
            approx = graph.centrality(
                network,
                "betweenness",
                approximate=graph.BetweennessApproximation(samples=k, seed=seed),
            )
            by_approx = np.argsort(-approx, kind="stable")
            error = np.abs(approx[by_exact[:100]] / exact[by_exact[:100]] - 1)
            rows.append(
                (
                    len(set(by_exact[:10].tolist()) & set(by_approx[:10].tolist())) / 10,
                    len(set(by_exact[:100].tolist()) & set(by_approx[:100].tolist())) / 100,
                    spearman(exact[by_exact[:1000]], approx[by_exact[:1000]]),
                    float(np.median(error[:10])),
                    float(np.median(error)),
                )
            )
        values = np.array(rows)
        mean = values.mean(axis=0)
        # Worst seed: lowest overlap / correlation, highest error.
        worst = np.concatenate([values[:, :3].min(axis=0), values[:, 3:].max(axis=0)])
        cells = [f"{m:.2f} ({w:.2f})" for m, w in zip(mean, worst, strict=True)]
        print(f"| {k} | " + " | ".join(cells) + " |")


def print_table(title: str, ours: dict[str, float], theirs: dict[str, float] | None) -> None:
    print(f"\n### {title}\n\n(load average after: {load()})\n")
    if theirs is None:
        print("| measure | usalama (igraph) |\n|---|---:|")
        for key, label in ROWS:
            print(f"| {label} | {ours[key]:.3f} |")
        return
    print("| measure | usalama (igraph) | networkx | networkx / usalama |\n|---|---:|---:|---:|")
    for key, label in ROWS:
        if key in ENGINE_ONLY:
            print(f"| {label} | {ours[key]:.3f} | – | – |")
            continue
        ratio = theirs[key] / ours[key] if ours[key] > 0 else float("inf")
        print(f"| {label} | {ours[key]:.3f} | {theirs[key]:.3f} | {ratio:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--quick", action="store_true", help="20k nodes, 100k edges")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--samples", type=int, default=64, help="betweenness sample sources")
    parser.add_argument("--workers", type=int, default=2, help="betweenness processes")
    parser.add_argument("--nx-samples", type=int, default=4, help="sources timed in networkx")
    parser.add_argument("--compare-nodes", type=int, default=200_000)
    parser.add_argument("--compare-edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--accuracy", action="store_true", help="also compare sampled with exact betweenness"
    )
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument(
        "--networkx-main",
        action="store_true",
        help="also run networkx on the main graph (about 4 GB and several minutes at 1M/5M)",
    )
    parser.add_argument("--accuracy-nodes", type=int, default=20_000)
    parser.add_argument("--accuracy-edges", type=int, default=100_000)
    parser.add_argument("--accuracy-seeds", type=int, default=5)
    args = parser.parse_args()
    if args.quick:
        args.nodes, args.edges = 20_000, 100_000
    if args.accuracy_only:
        measure_accuracy(
            args.accuracy_nodes, args.accuracy_edges, [32, 64, 256], args.accuracy_seeds
        )
        return
    print(
        f"graph_bench: {args.nodes:,} nodes, {args.edges:,} edges, {args.queries} queries, "
        f"betweenness from {args.samples} sampled sources, seed {args.seed}; "
        f"{psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 1e9:.0f} GB RAM; "
        f"commit {commit()}; load average {load()}"
    )
    sources, targets = power_law_edges(args.nodes, args.edges, args.seed)
    ours = measure_engine(
        sources, targets, args.nodes, args.queries, args.samples, args.seed, args.workers
    )
    if args.edges <= args.compare_edges:
        theirs = measure_networkx(
            sources, targets, args.nodes, args.queries, args.samples, args.nx_samples, args.seed
        )
        print_table("Same graph, usalama vs networkx", ours, theirs)
        if args.accuracy:
            measure_accuracy(
                args.accuracy_nodes, args.accuracy_edges, [32, 64, 256], args.accuracy_seeds
            )
        return
    theirs_main = None
    if args.networkx_main:
        gc.collect()
        theirs_main = measure_networkx(
            sources, targets, args.nodes, args.queries, args.samples, args.nx_samples, args.seed
        )
    print_table(f"Main graph ({args.nodes:,} nodes, {args.edges:,} edges)", ours, theirs_main)
    del sources, targets
    gc.collect()
    small = power_law_edges(args.compare_nodes, args.compare_edges, args.seed)
    ours_small = measure_engine(
        *small, args.compare_nodes, args.queries, args.samples, args.seed, args.workers
    )
    theirs = measure_networkx(
        *small, args.compare_nodes, args.queries, args.samples, args.nx_samples, args.seed
    )
    print_table(
        f"Comparison graph ({args.compare_nodes:,} nodes, {args.compare_edges:,} edges; "
        f"networkx betweenness timed on {args.nx_samples} sources, scaled to {args.samples})",
        ours_small,
        theirs,
    )
    if args.accuracy:
        measure_accuracy(
            args.accuracy_nodes, args.accuracy_edges, [32, 64, 256], args.accuracy_seeds
        )


if __name__ == "__main__":
    main()
