"""Benchmark the network engine (usalama.analysis.graph) against networkx in the same run.

    .venv/bin/python benchmarks/graph_bench.py                 # 1M nodes, 5M edges
    .venv/bin/python benchmarks/graph_bench.py --quick         # 20k nodes, 100k edges

Absolute figures (build, 2-hop expand, shortest path, approximate betweenness) are taken on
the main graph. networkx on 1M/5M needs several GB and minutes per query type, so unless
the main graph has at most --compare-edges edges, both engines are *also* run on a
comparison graph of --compare-nodes/--compare-edges from the same generator and the
speed-up ratios come from that graph (said so in the output).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import time
from collections.abc import Callable

import networkx as nx
import numpy as np
import psutil

from usalama.analysis import graph
from usalama.analysis.graph.expand import expand_indices
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
    sources: np.ndarray, targets: np.ndarray, nodes: int, queries: int, samples: int, seed: int
) -> dict[str, float]:
    rng = np.random.default_rng(seed + 1)
    peak = Peak()
    start = time.perf_counter()
    network = graph.network_from_arrays(sources, targets, node_count=nodes)
    network._index  # noqa: B018 - build the id lookup as part of loading
    build = time.perf_counter() - start
    seeds = [str(s) for s in rng.integers(0, nodes, size=queries)]
    expand_times = [timed(lambda s=s: graph.expand(network, s, hops=2)) for s in seeds]
    pairs = rng.integers(0, nodes, size=(queries, 2))
    path_times = []
    for a, b in pairs:
        start = time.perf_counter()
        with contextlib.suppress(graph_errors.NotFound):
            graph.shortest_path(network, str(a), str(b))
        path_times.append(time.perf_counter() - start)
    # The same walks without building explanations (Edge records, string ids).
    core_expand = [
        timed(lambda s=s: expand_indices(network, np.array([int(s)]), 2)) for s in seeds
    ]
    core_path = [
        timed(lambda a=a, b=b: network.graph.get_shortest_path(int(a), int(b))) for a, b in pairs
    ]
    approx = graph.BetweennessApproximation(samples=samples, seed=seed)
    network.simple_graph()  # shared by all measures; built once, timed separately
    betweenness = timed(lambda: graph.centrality(network, "betweenness", approximate=approx))
    result = {
        "build_s": build,
        "peak_rss_gb": peak.stop(),
        "expand_p50_ms": percentiles(expand_times)[0],
        "expand_p95_ms": percentiles(expand_times)[1],
        "path_p50_ms": percentiles(path_times)[0],
        "path_p95_ms": percentiles(path_times)[1],
        "betweenness_s": betweenness,
        "core_expand_p95_ms": percentiles(core_expand)[1],
        "core_path_p95_ms": percentiles(core_path)[1],
    }
    return result


def measure_networkx(
    sources: np.ndarray,
    targets: np.ndarray,
    nodes: int,
    queries: int,
    samples: int,
    nx_samples: int,
    seed: int,
) -> dict[str, float]:
    rng = np.random.default_rng(seed + 1)
    peak = Peak()
    start = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(nodes))
    g.add_edges_from(zip(sources.tolist(), targets.tolist(), strict=True))
    build = time.perf_counter() - start
    seeds = rng.integers(0, nodes, size=queries).tolist()
    expand_times = [
        timed(lambda s=s: nx.single_source_shortest_path_length(g, s, cutoff=2)) for s in seeds
    ]
    pairs = rng.integers(0, nodes, size=(queries, 2)).tolist()
    path_times = []
    for a, b in pairs:
        start = time.perf_counter()
        with contextlib.suppress(nx.NetworkXNoPath):
            nx.shortest_path(g, a, b)
        path_times.append(time.perf_counter() - start)
    # networkx takes minutes per dozen sources; time fewer and scale linearly to `samples`.
    per_source = timed(lambda: nx.betweenness_centrality(g, k=nx_samples, seed=seed)) / nx_samples
    result = {
        "build_s": build,
        "peak_rss_gb": peak.stop(),
        "expand_p50_ms": percentiles(expand_times)[0],
        "expand_p95_ms": percentiles(expand_times)[1],
        "path_p50_ms": percentiles(path_times)[0],
        "path_p95_ms": percentiles(path_times)[1],
        "betweenness_s": per_source * samples,
        "core_expand_p95_ms": percentiles(expand_times)[1],
        "core_path_p95_ms": percentiles(path_times)[1],
    }
    return result


ROWS = [
    ("build_s", "build (s)"),
    ("peak_rss_gb", "peak RSS (GB)"),
    ("expand_p50_ms", "2-hop expand p50 (ms)"),
    ("expand_p95_ms", "2-hop expand p95 (ms)"),
    ("path_p50_ms", "shortest path p50 (ms)"),
    ("path_p95_ms", "shortest path p95 (ms)"),
    ("betweenness_s", "approx. betweenness (s)"),
    ("core_expand_p95_ms", "2-hop expand p95, ids only (ms)"),
    ("core_path_p95_ms", "shortest path p95, ids only (ms)"),
]


def print_table(title: str, ours: dict[str, float], theirs: dict[str, float] | None) -> None:
    print(f"\n### {title}\n")
    if theirs is None:
        print("| measure | usalama (igraph) |\n|---|---:|")
        for key, label in ROWS:
            print(f"| {label} | {ours[key]:.3f} |")
        return
    print("| measure | usalama (igraph) | networkx | networkx / usalama |\n|---|---:|---:|---:|")
    for key, label in ROWS:
        ratio = theirs[key] / ours[key] if ours[key] > 0 else float("inf")
        print(f"| {label} | {ours[key]:.3f} | {theirs[key]:.3f} | {ratio:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--quick", action="store_true", help="20k nodes, 100k edges")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--samples", type=int, default=64, help="betweenness sample sources")
    parser.add_argument("--nx-samples", type=int, default=4, help="sources timed in networkx")
    parser.add_argument("--compare-nodes", type=int, default=200_000)
    parser.add_argument("--compare-edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.nodes, args.edges = 20_000, 100_000
    print(f"graph_bench: {args.nodes:,} nodes, {args.edges:,} edges, {args.queries} queries, "
          f"betweenness from {args.samples} sampled sources, seed {args.seed}; "
          f"{psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 1e9:.0f} GB RAM")
    sources, targets = power_law_edges(args.nodes, args.edges, args.seed)
    ours = measure_engine(sources, targets, args.nodes, args.queries, args.samples, args.seed)
    if args.edges <= args.compare_edges:
        theirs = measure_networkx(sources, targets, args.nodes, args.queries, args.samples,
                                  args.nx_samples, args.seed)
        print_table("Same graph, usalama vs networkx", ours, theirs)
        return
    print_table(f"Main graph ({args.nodes:,} nodes, {args.edges:,} edges)", ours, None)
    del sources, targets
    gc.collect()
    small = power_law_edges(args.compare_nodes, args.compare_edges, args.seed)
    ours_small = measure_engine(*small, args.compare_nodes, args.queries, args.samples, args.seed)
    theirs = measure_networkx(*small, args.compare_nodes, args.queries, args.samples,
                              args.nx_samples, args.seed)
    print_table(
        f"Comparison graph ({args.compare_nodes:,} nodes, {args.compare_edges:,} edges; "
        f"networkx betweenness timed on {args.nx_samples} sources, scaled to {args.samples})",
        ours_small,
        theirs,
    )




if __name__ == "__main__":
    main()
