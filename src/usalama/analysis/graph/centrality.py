"""Key players: centrality scores, rankings and what happens when someone is removed.

Centralities run on the *simple* graph (parallel edges merged, weights summed): ten
statements that A called B make one tie of weight ten, not ten ties.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, get_args

import igraph
import numpy as np
import polars as pl

from usalama.analysis.graph.model import Direction, Network
from usalama.core.errors import InvalidInput

Measure = Literal["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank"]
MEASURES: tuple[str, ...] = get_args(Measure)


@dataclass(frozen=True)
class BetweennessApproximation:
    """Estimate betweenness on big graphs.

    ``cutoff`` ignores paths longer than that many hops (local brokerage). ``samples``
    counts shortest paths only from that many random sources (drawn without replacement)
    and scales up by n/samples, an unbiased estimate (Brandes & Pich 2007) whose cost grows
    with ``samples``, not n. Its error is largest for nodes whose betweenness comes from few
    sources (see docs/benchmarks.md, "Sampled betweenness error"); the top-ranked hubs are
    estimated best.
    ``workers`` > 1 splits the sampled sources over that many forked processes (the sum
    over sources is the same; POSIX only, otherwise it runs in-process).
    """

    cutoff: int | None = None
    samples: int | None = None
    seed: int = 0
    workers: int = 1


@dataclass(frozen=True)
class NodeScore:
    node: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "score": self.score}


def _betweenness(
    network: Network,
    *,
    directed: bool,
    weighted: bool,
    approximate: BetweennessApproximation | None,
) -> np.ndarray:
    graph = network.simple_graph(directed=directed)
    weights = None
    if weighted:
        # Betweenness follows cheapest paths; a strong tie (many calls) is a cheap one.
        strengths = np.asarray(graph.es["weight"], dtype=np.float64)
        with np.errstate(divide="ignore"):
            weights = np.where(strengths > 0, 1.0 / strengths, np.inf).tolist()
    cutoff = approximate.cutoff if approximate else None
    samples = approximate.samples if approximate else None
    n = graph.vcount()
    if samples is None or samples >= n:
        return np.asarray(graph.betweenness(directed=directed, cutoff=cutoff, weights=weights))
    if samples < 1:
        raise InvalidInput("betweenness samples must be at least 1")
    if approximate is not None and approximate.workers < 1:
        raise InvalidInput("betweenness workers must be at least 1")
    rng = np.random.default_rng(approximate.seed if approximate else 0)
    sources = rng.choice(n, size=samples, replace=False).tolist()
    workers = min(approximate.workers if approximate else 1, len(sources))
    if workers > 1 and cutoff is None and "fork" in multiprocessing.get_all_start_methods():
        partial = _forked_betweenness(graph, sources, directed, weights, workers)
    else:
        partial = np.asarray(
            graph.betweenness(directed=directed, cutoff=cutoff, weights=weights, sources=sources)
        )
    return partial * (n / samples)


#: What forked betweenness workers read: set just before the fork, cleared right after.
_FORK_STATE: dict[str, Any] = {}


def _betweenness_from(sources: list[int]) -> np.ndarray:
    state = _FORK_STATE
    return np.asarray(
        state["graph"].betweenness(
            directed=state["directed"], weights=state["weights"], sources=sources
        )
    )


def _forked_betweenness(
    graph: igraph.Graph,
    sources: list[int],
    directed: bool,
    weights: list[float] | None,
    workers: int,
) -> np.ndarray:
    """Betweenness from ``sources`` split over forked processes (igraph holds the GIL).

    Children inherit the graph copy-on-write, so nothing large is pickled; each returns
    one array of partial sums, and betweenness is additive over sources.
    """
    _FORK_STATE.update(graph=graph, directed=directed, weights=weights)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_betweenness_from, [sources[i::workers] for i in range(workers)])
    finally:
        _FORK_STATE.clear()
    return np.sum(parts, axis=0)


def centrality(
    network: Network,
    measure: Measure,
    *,
    directed: bool = False,
    weighted: bool = False,
    direction: Direction = "all",
    approximate: BetweennessApproximation | None = None,
) -> np.ndarray:
    """One score per node (indexed like ``network.node_ids``).

    * ``degree``: number of distinct neighbours; ``weighted_degree``: sum of edge weights
      (``direction`` picks in/out on directed networks).
    * ``betweenness``: raw count of shortest paths through the node (networkx's
      ``normalized=False``), exact unless ``approximate`` is given.
    * ``eigenvector``: scaled so the top node scores 1. ``pagerank``: sums to 1.
    ``directed`` uses arrows where the network has them; ``weighted`` uses edge weights as
    tie strength for betweenness, eigenvector and PageRank.
    """
    if measure not in MEASURES:
        raise InvalidInput(f"unknown measure {measure!r}: use one of {', '.join(MEASURES)}")
    use_arrows = directed or direction != "all"
    graph = network.simple_graph(directed=use_arrows)
    weights = graph.es["weight"] if weighted else None
    if network.node_count == 0:
        return np.zeros(0)
    if measure == "degree":
        return np.asarray(graph.degree(mode=direction), dtype=np.float64)
    if measure == "weighted_degree":
        return np.asarray(graph.strength(mode=direction, weights="weight"), dtype=np.float64)
    if measure == "betweenness":
        return _betweenness(
            network, directed=use_arrows, weighted=weighted, approximate=approximate
        )
    if measure == "eigenvector":
        if graph.ecount() == 0:
            return np.zeros(network.node_count)
        return np.asarray(
            # The simple graph is already directed only when arrows are wanted; igraph 1.0
            # rejects an explicit directed=False, so leave it at its default.
            graph.eigenvector_centrality(scale=True, weights=weights)
        )
    return np.asarray(graph.pagerank(directed=use_arrows, weights=weights))


def top_scores(network: Network, scores: np.ndarray, top: int | None = 10) -> list[NodeScore]:
    """Highest first; equal scores (to 12 significant digits) ordered by node id."""
    frame = pl.DataFrame({"node": network.node_ids, "score": scores})
    ranked = frame.with_columns(pl.col("score").round_sig_figs(12).alias("_key")).sort(
        ["_key", "node"], descending=[True, False]
    )
    if top is not None:
        ranked = ranked.head(top)
    return [
        NodeScore(node, float(score))
        for node, score in zip(ranked["node"].to_list(), ranked["score"].to_list(), strict=True)
    ]


def rank(
    network: Network,
    measure: Measure,
    *,
    top: int | None = 10,
    directed: bool = False,
    weighted: bool = False,
    direction: Direction = "all",
    approximate: BetweennessApproximation | None = None,
) -> list[NodeScore]:
    """The ``top`` nodes by ``measure`` (see :func:`centrality` for the options)."""
    scores = centrality(
        network,
        measure,
        directed=directed,
        weighted=weighted,
        direction=direction,
        approximate=approximate,
    )
    return top_scores(network, scores, top)


@dataclass(frozen=True)
class RemovalImpact:
    """What removing one node does to the rest of the network.

    ``fragmentation`` is the share of pairs of the remaining nodes that can no longer reach
    each other (Borgatti's F); ``components`` counts connected pieces left behind.
    """

    node: str
    fragmentation: float
    fragmentation_increase: float
    components: int
    components_increase: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "fragmentation": self.fragmentation,
            "fragmentation_increase": self.fragmentation_increase,
            "components": self.components,
            "components_increase": self.components_increase,
        }


def fragmentation_of(component_sizes: Iterable[int]) -> float:
    sizes = np.asarray(list(component_sizes), dtype=np.float64)
    n = sizes.sum()
    if n < 2:
        return 0.0
    return float(1.0 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def removal_impact(
    network: Network, nodes: Iterable[str] | None = None, *, limit: int = 200
) -> list[RemovalImpact]:
    """Fragmentation after removing each node, most damaging first.

    Without ``nodes``, tries the ``limit`` highest-degree nodes (every node on small
    graphs): each removal recomputes components, O(edges) per candidate.
    """
    graph = network.simple_graph()
    components = graph.connected_components()
    base_fragmentation = fragmentation_of(components.sizes())
    base_count = len(components)
    if nodes is None:
        candidates = [network.index_of(s.node) for s in rank(network, "degree", top=limit)]
    else:
        candidates = network.indices_of(nodes).tolist()
    impacts = []
    for index in candidates:
        remaining = graph.copy()
        remaining.delete_vertices([index])
        sizes = remaining.connected_components().sizes()
        after = fragmentation_of(sizes)
        impacts.append(
            RemovalImpact(
                node=network.names([index])[0],
                fragmentation=after,
                fragmentation_increase=after - base_fragmentation,
                components=len(sizes),
                components_increase=len(sizes) - base_count,
            )
        )
    impacts.sort(key=lambda impact: (-round(impact.fragmentation, 12), impact.node))
    return impacts
