"""Who is within k hops of these people, and through which edges.

Expansion is a breadth-first walk over the network's cached CSR adjacency (one numpy
gather per level) with the filter mask applied per step. igraph's own ``neighborhood``
cannot skip filtered edges without copying the whole graph first, which costs seconds on
millions of edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from usalama.analysis.graph.filters import EdgeFilter
from usalama.analysis.graph.model import Direction, Edge, Network, gather_rows, gc_paused
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
    """(reached node indices, their distances, crossed edge ids) — the array-level walk."""
    adjacency = network.adjacency(direction)
    reached = [np.unique(np.asarray(seeds, dtype=np.int64))]
    levels = [np.zeros(len(reached[0]), dtype=np.int64)]
    crossed = []
    frontier = reached[0]
    seen = np.zeros(network.node_count, dtype=bool)
    seen[frontier] = True
    for level in range(1, hops + 1):
        positions, _ = gather_rows(adjacency.indptr, frontier)
        edge_ids = adjacency.edge_ids[positions]
        others = adjacency.neighbours[positions]
        if mask is not None:
            allowed = mask[edge_ids]
            edge_ids, others = edge_ids[allowed], others[allowed]
        crossed.append(edge_ids)
        frontier = np.unique(others[~seen[others]])
        if len(frontier) == 0:
            break
        seen[frontier] = True
        reached.append(frontier)
        levels.append(np.full(len(frontier), level, dtype=np.int64))
    # An edge between two frontier nodes is listed in both their rows: count it once.
    edge_ids = np.unique(np.concatenate(crossed)) if crossed else np.empty(0, dtype=np.int64)
    return np.concatenate(reached), np.concatenate(levels), edge_ids


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
    node_names = network.names(nodes)
    return Expansion(
        nodes=node_names,
        distances=dict(zip(node_names, levels.tolist(), strict=True)),
        edges=network.edge_records(edge_ids),
        truncated=bool(truncated),
    )
