"""Bidirectional breadth-first search over the network's CSR adjacency, one numpy step per level.

igraph's unweighted ``get_shortest_path`` searches from the source only, so on a
power-law graph it visits most of the giant component before it reaches a random
target. Searching from both ends and always growing the side whose frontier has fewer
edges to scan meets in the middle after touching a small fraction of the graph.

Each step expands a *whole* frontier level at once: gather the CSR rows of every frontier
node, drop filtered edges, look for nodes the other side has already reached, and mark
the new ones — all vectorised, no Python loop per node.
"""

from __future__ import annotations

import numpy as np

from usalama.analysis.graph.model import Adjacency, gather_rows


def _chain(parent: np.ndarray, node: int) -> list[int]:
    """Nodes from ``node`` back to the root of its search tree (whose parent is itself)."""
    chain = [node]
    while parent[node] != node:
        node = int(parent[node])
        chain.append(node)
    return chain


def bidirectional_bfs(
    forward: Adjacency,
    backward: Adjacency,
    start: int,
    end: int,
    *,
    mask: np.ndarray | None = None,
) -> list[int] | None:
    """A fewest-hops path ``start`` → ``end`` as node numbers, or None if ``end`` is unreachable.

    ``forward`` gives the neighbours a path may step to; ``backward`` gives the nodes that
    can step *into* a node (the same CSR for undirected graphs; the reversed arrows for
    directed ones). ``mask`` (one bool per edge id) keeps only the edges allowed.
    """
    if start == end:
        return [start]
    n = forward.node_count
    # parent[side][v]: the node that reached v on that side (-1: not reached; a root: itself).
    parents = (np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64))
    parents[0][start] = start
    parents[1][end] = end
    frontiers = [np.array([start], dtype=np.int64), np.array([end], dtype=np.int64)]
    adjacencies = (forward, backward)
    while True:
        # Grow the side with fewer edges to scan (a hub's frontier is expensive).
        work = [int(adjacencies[s].degrees(frontiers[s]).sum()) for s in (0, 1)]
        side = 0 if work[0] <= work[1] else 1
        adjacency, own, other = adjacencies[side], parents[side], parents[1 - side]
        frontier = frontiers[side]
        positions, lengths = gather_rows(adjacency.indptr, frontier)
        reached = adjacency.neighbours[positions]
        owners = np.repeat(frontier, lengths)
        if mask is not None:
            allowed = mask[adjacency.edge_ids[positions]]
            reached, owners = reached[allowed], owners[allowed]
        # Sides never overlap before this step, so every meeting node found now lies on the
        # other side's current frontier and all meetings give the same (shortest) length.
        met = np.flatnonzero(other[reached] >= 0)
        if len(met):
            here, there = int(owners[met[0]]), int(reached[met[0]])
            if side == 1:
                here, there = there, here
            return _chain(parents[0], here)[::-1] + _chain(parents[1], there)
        new = own[reached] < 0
        reached, owners = reached[new], owners[new]
        if len(reached) == 0:
            return None  # this side's whole component is explored without meeting the other
        own[reached] = owners  # duplicates: any owner at this level is a valid parent
        frontiers[side] = np.unique(reached)
