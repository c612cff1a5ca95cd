"""Groups within the network: Leiden communities (modularity), seeded and repeatable."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import igraph
import numpy as np
import polars as pl

from usalama.analysis.graph.model import Network


@dataclass(frozen=True)
class Communities:
    """``membership`` maps node id to community number; community 0 is the largest.

    Numbering is by size (largest first), ties by the smallest node id in the community,
    so the same input and seed always give the same numbers.
    """

    modularity: float
    membership: dict[str, int]

    @property
    def count(self) -> int:
        return len(set(self.membership.values()))

    def members(self, community: int) -> list[str]:
        return sorted(node for node, c in self.membership.items() if c == community)

    def to_dict(self) -> dict[str, Any]:
        """``{"modularity": float, "communities": [{"node", "community"}, ...]}`` by community."""
        rows = sorted(self.membership.items(), key=lambda item: (item[1], item[0]))
        return {
            "modularity": self.modularity,
            "communities": [{"node": node, "community": c} for node, c in rows],
        }


def _canonical_numbers(node_ids: pl.Series, membership: list[int]) -> np.ndarray:
    frame = pl.DataFrame({"node": node_ids, "raw": membership})
    order = (
        frame.group_by("raw")
        .agg(pl.len().alias("size"), pl.col("node").min().alias("first"))
        .sort(["size", "first"], descending=[True, False])
        .with_row_index("community")
    )
    numbered = frame.join(order, on="raw", how="left", maintain_order="left")
    return numbered["community"].to_numpy().astype(np.int64)


def communities(
    network: Network,
    *,
    weighted: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    iterations: int = -1,
) -> Communities:
    """Leiden communities maximising modularity on the undirected simple graph.

    ``iterations=-1`` repeats until no improvement (best quality); pass 2-5 on huge graphs.
    """
    graph = network.simple_graph()
    weights = graph.es["weight"] if weighted else None
    if graph.vcount() == 0:
        return Communities(modularity=0.0, membership={})
    # igraph draws from one process-wide RNG; a private seeded one makes runs repeatable.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        clustering = graph.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    membership = list(clustering.membership)
    if graph.ecount() == 0:
        modularity = 0.0
    else:
        modularity = float(graph.modularity(membership, weights=weights, resolution=resolution))
    numbers = _canonical_numbers(network.node_ids, membership)
    return Communities(
        modularity=modularity,
        membership=dict(zip(network.node_ids.to_list(), numbers.tolist(), strict=True)),
    )
