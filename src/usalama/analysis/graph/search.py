"""Bidirectional breadth-first search over the network's CSR adjacency.

igraph's unweighted ``get_shortest_path`` searches from the source only, so on a
power-law graph it visits most of the giant component before it reaches a random
target. Searching from both ends and always growing the side whose frontier has fewer
edges to scan meets in the middle after touching a small fraction of the graph.

The search itself is a compiled kernel (:mod:`usalama.analysis.graph.kernels`) working in
scratch arrays borrowed from the network, so a query allocates nothing the size of the
graph and pays no per-level call overhead.
"""

from __future__ import annotations

import numpy as np

from usalama.analysis.graph.kernels import NO_MASK, ScratchPool, kernels
from usalama.analysis.graph.model import Adjacency


def bidirectional_bfs(
    forward: Adjacency,
    backward: Adjacency,
    start: int,
    end: int,
    *,
    mask: np.ndarray | None = None,
    scratch: ScratchPool | None = None,
) -> list[int] | None:
    """A fewest-hops path ``start`` → ``end`` as node numbers, or None if ``end`` is unreachable.

    ``forward`` gives the neighbours a path may step to; ``backward`` gives the nodes that
    can step *into* a node (the same CSR for undirected graphs; the reversed arrows for
    directed ones). ``mask`` (one bool per edge id) keeps only the edges allowed.
    ``scratch`` is the network's pool of work arrays (``Network.scratch``); without it
    the search allocates its own.
    """
    if start == end:
        return [start]
    pool = scratch or ScratchPool(forward.node_count, 0)
    with pool.borrow() as work:
        path = kernels().bidirectional_bfs(
            forward.indptr,
            forward.neighbours,
            forward.edge_ids,
            backward.indptr,
            backward.neighbours,
            backward.edge_ids,
            start,
            end,
            NO_MASK if mask is None else mask,
            mask is not None,
            work.parent_forward,
            work.parent_backward,
            work.seen_forward,
            work.seen_backward,
        )
    return path.tolist() if len(path) else None
