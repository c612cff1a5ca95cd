"""Who is within k hops of these people, and through which edges.

Expansion is a breadth-first walk over the network's cached CSR adjacency (a compiled
kernel, see :mod:`usalama.analysis.graph.kernels`) with the filter mask applied per step.
igraph's own ``neighborhood`` cannot skip filtered edges without copying the whole graph
first, which costs seconds on millions of edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from usalama.analysis.graph.filters import EdgeFilter
from usalama.analysis.graph.kernels import NO_MASK, kernels
from usalama.analysis.graph.model import Direction, Network
from usalama.analysis.graph.records import Edge, gc_paused
from usalama.core.errors import InvalidInput


@dataclass(frozen=True)
class Expansion:
    """Nodes reached (with their hop distance) and the edges walked to reach them.

    ``edges`` holds every allowed edge touching a node closer than ``hops`` — i.e. all
    edges the walk crossed — capped at ``max_edges`` (``truncated`` says if it was).
    """

    nodes: list[str]
    distances: dict[str, int]
    edges: list[Edge]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        with gc_paused():  # thousands of small dicts: see model.gc_paused
            return {
                "nodes": list(self.nodes),
                "distances": dict(self.distances),
                "edges": [edge.to_dict() for edge in self.edges],
                "truncated": self.truncated,
            }


def expand_indices(
    network: Network,
    seeds: np.ndarray,
    hops: int,
    *,
    mask: np.ndarray | None = None,
    direction: Direction = "all",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reached node indices, their distances, crossed edge ids) — the array-level walk.

    Nodes come level by level, ascending within a level; edge ids ascending.
    """
    adjacency = network.adjacency(direction)
    with network.scratch.borrow() as work:
        nodes, levels, edge_ids = kernels().expand(
            adjacency.indptr,
            adjacency.neighbours,
            adjacency.edge_ids,
            np.unique(np.asarray(seeds, dtype=np.int64)),
            hops,
            NO_MASK if mask is None else mask,
            mask is not None,
            work.node_flags,
            work.seen_forward,
            work.edge_flags,
        )
    return nodes, levels, edge_ids


def expand(
    network: Network,
    seeds: str | Iterable[str],
    *,
    hops: int = 1,
    edge_filter: EdgeFilter | None = None,
    direction: Direction = "all",
    max_edges: int | None = 5_000,
) -> Expansion:
    """Everyone within ``hops`` of the seed node(s) over edges passing ``edge_filter``.

    On a directed network ``direction`` may follow arrows (``out``) or trace back (``in``).
    """
    if hops < 0:
        raise InvalidInput("hops must be zero or more")
    names = [seeds] if isinstance(seeds, str) else list(seeds)
    if not names:
        raise InvalidInput("expand needs at least one seed node")
    seed_indices = network.indices_of(names)
    mask = None if edge_filter is None or edge_filter.is_empty else edge_filter.mask(network)
    nodes, levels, edge_ids = expand_indices(
        network, seed_indices, hops, mask=mask, direction=direction
    )
    truncated = max_edges is not None and len(edge_ids) > max_edges
    if truncated:
        edge_ids = edge_ids[:max_edges]
    names = network.names(nodes)
    distances = dict(zip(names, levels.tolist(), strict=True))
    return Expansion(
        nodes=names,
        distances=distances,
        edges=network.edge_records(edge_ids),
        truncated=bool(truncated),
    )
