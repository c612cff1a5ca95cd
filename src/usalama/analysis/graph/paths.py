"""How two people are connected: shortest paths and all short simple paths, hop by hop.

Every hop carries all the edges that explain it (each relation, date, weight and source),
because an analyst must be able to show *why* A is linked to B, not only that it is.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from usalama.analysis.graph.filters import EdgeFilter, filter_network
from usalama.analysis.graph.kernels import NO_MASK, kernels
from usalama.analysis.graph.model import Direction, Network
from usalama.analysis.graph.records import Edge, gc_paused
from usalama.analysis.graph.search import bidirectional_bfs
from usalama.core.errors import InvalidInput, NotFound

#: ``hops`` counts links; ``weight`` treats weight as a distance (km, fees);
#: ``inverse_weight`` treats weight as tie strength (more calls = closer), cost 1/weight.
Cost = Literal["hops", "weight", "inverse_weight"]


@dataclass(frozen=True)
class Hop:
    """One step of a path and the edges that justify it."""

    source: str
    target: str
    edges: list[Edge] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "edges": [edge.to_dict() for edge in self.edges],
        }


@dataclass(frozen=True)
class Path:
    """A path as node ids plus one :class:`Hop` per step; ``cost`` uses the chosen cost."""

    nodes: list[str]
    hops: list[Hop]
    cost: float

    @property
    def length(self) -> int:
        return len(self.nodes) - 1

    def to_dict(self) -> dict[str, Any]:
        with gc_paused():  # a hop between hubs can carry many edges: see model.gc_paused
            return {
                "path": list(self.nodes),
                "edges": [hop.to_dict() for hop in self.hops],
                "length": self.length,
                "cost": self.cost,
            }


def edge_costs(network: Network, cost: Cost) -> np.ndarray | None:
    """Per-edge cost for igraph, or None for plain hop counts."""
    if cost == "hops":
        return None
    if cost == "weight":
        return network.weights
    if cost == "inverse_weight":
        with np.errstate(divide="ignore"):
            # A zero-strength tie is no tie: infinite cost keeps paths off it.
            return np.where(network.weights > 0, 1.0 / network.weights, np.inf)
    raise InvalidInput(f"unknown path cost {cost!r}: use hops, weight or inverse_weight")


def _direction(network: Network, follow_direction: bool) -> Direction:
    return "out" if network.directed and follow_direction else "all"


def _explain(
    network: Network,
    vertices: list[int],
    direction: Direction,
    costs: np.ndarray | None,
    mask: np.ndarray | None = None,
) -> Path:
    names = network.names(vertices)
    adjacency = network.adjacency(direction)
    # Every allowed edge of every hop in one kernel call, then one records lookup.
    edge_ids, ends = kernels().hop_edges(
        adjacency.indptr,
        adjacency.neighbours,
        adjacency.edge_ids,
        np.asarray(vertices, dtype=np.int64),
        NO_MASK if mask is None else mask,
        mask is not None,
    )
    bounds = [0, *ends.tolist()]
    if costs is None:
        total = float(len(vertices) - 1)
    else:
        total = sum(float(costs[edge_ids[a:b]].min()) for a, b in itertools.pairwise(bounds))
    records = network.edge_records(edge_ids)
    hops = [
        Hop(names[step], names[step + 1], records[bounds[step] : bounds[step + 1]])
        for step in range(len(vertices) - 1)
    ]
    return Path(nodes=names, hops=hops, cost=total)


def shortest_path(
    network: Network,
    source: str,
    target: str,
    *,
    cost: Cost = "hops",
    edge_filter: EdgeFilter | None = None,
    follow_direction: bool = True,
) -> Path:
    """The cheapest path from ``source`` to ``target``; raises ``NotFound`` if there is none.

    Directed networks are followed along their arrows unless ``follow_direction=False``.
    """
    direction = _direction(network, follow_direction)
    if cost == "hops":
        # Fewest hops: bidirectional BFS on the cached CSR; the filter is an edge mask, so
        # no filtered copy of the network is built.
        start, end = network.index_of(source), network.index_of(target)
        mask = None if edge_filter is None or edge_filter.is_empty else edge_filter.mask(network)
        backward: Direction = "in" if direction == "out" else "all"
        vertices = bidirectional_bfs(
            network.adjacency(direction),
            network.adjacency(backward),
            start,
            end,
            mask=mask,
            scratch=network.scratch,
        )
        if vertices is None:
            raise NotFound(f"no path from {source!r} to {target!r}")
        return _explain(network, vertices, direction, None, mask)
    network = filter_network(network, edge_filter, keep_all_nodes=True)
    start, end = network.index_of(source), network.index_of(target)
    costs = edge_costs(network, cost)
    with warnings.catch_warnings():
        # igraph warns "Couldn't reach some vertices" for a missing path; we raise NotFound.
        warnings.simplefilter("ignore", RuntimeWarning)
        vertices = network.graph.get_shortest_path(
            start, end, weights=None if costs is None else costs.tolist(), mode=direction
        )
    if not vertices or (costs is not None and _has_infinite_step(network, vertices, costs)):
        raise NotFound(f"no path from {source!r} to {target!r}")
    return _explain(network, vertices, direction, costs)


def _has_infinite_step(network: Network, vertices: list[int], costs: np.ndarray) -> bool:
    return any(
        not np.isfinite(costs[network.edges_between(u, v)].min())
        for u, v in itertools.pairwise(vertices)
    )


def all_simple_paths(
    network: Network,
    source: str,
    target: str,
    *,
    max_length: int,
    edge_filter: EdgeFilter | None = None,
    follow_direction: bool = True,
    max_paths: int = 10_000,
) -> list[Path]:
    """Every simple path of at most ``max_length`` hops, shortest first, then by node ids.

    ``max_paths`` caps the enumeration, because dense graphs have exponentially many paths.
    """
    if max_length < 1:
        raise InvalidInput("max_length must be at least 1")
    network = filter_network(network, edge_filter, keep_all_nodes=True)
    start, end = network.index_of(source), network.index_of(target)
    direction = _direction(network, follow_direction)
    if start == end:
        return [_explain(network, [start], direction, None)]
    # Parallel edges would repeat the same node sequence; the simple graph lists each once.
    simple = network.simple_graph(directed=direction == "out")
    found = simple.get_all_simple_paths(
        start, to=end, maxlen=max_length, mode=direction, max_results=max_paths
    )
    paths = [_explain(network, vertices, direction, None) for vertices in found]
    paths.sort(key=lambda path: (path.length, path.nodes))
    return paths
