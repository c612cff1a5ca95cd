"""Compiled walks over the CSR adjacency: bidirectional BFS, k-hop expansion, hop edges.

A single query on a big sparse graph touches a few hundred nodes. Done as numpy steps, it
pays tens of microseconds of call overhead per BFS level and per hop, more than the search
itself; compiled with numba, a whole query is one call. The kernels never allocate arrays
the size of the graph: callers pass scratch arrays (see :class:`Scratch`) that are clean
on entry, and every kernel cleans the entries it touched before it returns.

The results equal those of the numpy steps they replace, tie for tie: frontiers are
scanned in ascending node order, each row in CSR order, and where several nodes of one
level reach a new node the last one in that order becomes its parent.

numba is imported when a kernel is first needed (importing it costs about half a
second), and compiled code is cached on disk, so only the first process compiles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple

import numpy as np


def _bidirectional_bfs(
    f_indptr: np.ndarray,
    f_neighbours: np.ndarray,
    f_edges: np.ndarray,
    b_indptr: np.ndarray,
    b_neighbours: np.ndarray,
    b_edges: np.ndarray,
    start: int,
    end: int,
    mask: np.ndarray,
    use_mask: bool,
    parent_f: np.ndarray,
    parent_b: np.ndarray,
    seen_f: np.ndarray,
    seen_b: np.ndarray,
) -> np.ndarray:
    """Fewest-hops path start → end as node numbers (empty array: no path).

    ``parent_*`` must be all -1 on entry and are again on return; ``seen_*`` are buffers
    (any content) that list, in order of discovery, the nodes each side has reached, so
    they can be cleaned. The slice of ``seen_*`` between two bounds is one BFS level.
    """
    parent_f[start] = start
    parent_b[end] = end
    seen_f[0] = start
    seen_b[0] = end
    # Per side: [level start, level end) in seen_*, and how many nodes it reached.
    lo = np.zeros(2, dtype=np.int64)
    hi = np.ones(2, dtype=np.int64)
    here = -1
    there = -1
    while True:
        work = np.zeros(2, dtype=np.int64)
        for k in range(lo[0], hi[0]):
            u = seen_f[k]
            work[0] += f_indptr[u + 1] - f_indptr[u]
        for k in range(lo[1], hi[1]):
            u = seen_b[k]
            work[1] += b_indptr[u + 1] - b_indptr[u]
        side = 0 if work[0] <= work[1] else 1
        if side == 0:
            indptr, neighbours, edges = f_indptr, f_neighbours, f_edges
            own, other, seen = parent_f, parent_b, seen_f
        else:
            indptr, neighbours, edges = b_indptr, b_neighbours, b_edges
            own, other, seen = parent_b, parent_f, seen_b
        # Pass 1, in scan order: the first step that lands on the other side's tree is the
        # meeting; all meetings at this step give the same (shortest) length.
        owners = np.empty(work[side], dtype=np.int64)
        reached = np.empty(work[side], dtype=np.int64)
        count = 0
        for k in range(lo[side], hi[side]):
            u = seen[k]
            for p in range(indptr[u], indptr[u + 1]):
                if use_mask and not mask[edges[p]]:
                    continue
                v = neighbours[p]
                if other[v] >= 0:
                    here, there = (u, v) if side == 0 else (v, u)
                    break
                owners[count] = u
                reached[count] = v
                count += 1
            if here >= 0:
                break
        if here >= 0:
            break
        # Pass 2, in reverse: the first write per node is the last owner in scan order.
        top = hi[side]
        for i in range(count - 1, -1, -1):
            v = reached[i]
            if own[v] < 0:
                own[v] = owners[i]
                seen[top] = v
                top += 1
        if top == hi[side]:
            break  # this side's whole component is explored without meeting the other
        seen[hi[side] : top].sort()
        lo[side], hi[side] = hi[side], top
    path = np.empty(0, dtype=np.int64)
    if here >= 0:
        length = 1
        node = here
        while parent_f[node] != node:
            node = parent_f[node]
            length += 1
        split = length
        node = there
        length += 1
        while parent_b[node] != node:
            node = parent_b[node]
            length += 1
        path = np.empty(length, dtype=np.int64)
        node = here
        for i in range(split - 1, -1, -1):
            path[i] = node
            node = parent_f[node]
        node = there
        for i in range(split, length):
            path[i] = node
            node = parent_b[node]
    for k in range(hi[0]):
        parent_f[seen_f[k]] = -1
    for k in range(hi[1]):
        parent_b[seen_b[k]] = -1
    return path


def _expand(
    indptr: np.ndarray,
    neighbours: np.ndarray,
    edges: np.ndarray,
    seeds: np.ndarray,
    hops: int,
    mask: np.ndarray,
    use_mask: bool,
    seen: np.ndarray,
    order: np.ndarray,
    edge_seen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nodes reached, their hop counts, ids of the edges crossed, ascending).

    ``seeds`` must be sorted and unique. ``seen``/``edge_seen`` (one flag per node / edge)
    must be all False on entry and are again on return; ``order`` is a buffer.
    """
    top = 0
    for s in seeds:
        seen[s] = True
        order[top] = s
        top += 1
    level_ends = [top]
    crossed = np.empty(16, dtype=np.int64)
    crossed_count = 0
    lo = 0
    for _level in range(hops):
        hi = top
        work = 0
        for k in range(lo, hi):
            u = order[k]
            work += indptr[u + 1] - indptr[u]
        if crossed_count + work > len(crossed):
            grown = np.empty(max(2 * len(crossed), crossed_count + work), dtype=np.int64)
            grown[:crossed_count] = crossed[:crossed_count]
            crossed = grown
        for k in range(lo, hi):
            u = order[k]
            for p in range(indptr[u], indptr[u + 1]):
                e = edges[p]
                if use_mask and not mask[e]:
                    continue
                # An edge between two nodes of this level (or a loop) is listed twice.
                if not edge_seen[e]:
                    edge_seen[e] = True
                    crossed[crossed_count] = e
                    crossed_count += 1
                v = neighbours[p]
                if not seen[v]:
                    seen[v] = True
                    order[top] = v
                    top += 1
        if top == hi:
            break
        order[hi:top].sort()
        level_ends.append(top)
        lo = hi
    nodes = order[:top].copy()
    levels = np.empty(top, dtype=np.int64)
    start = 0
    for level, stop in enumerate(level_ends):
        levels[start:stop] = level
        start = stop
    crossed_ids = np.sort(crossed[:crossed_count])
    for v in nodes:
        seen[v] = False
    for e in crossed_ids:
        edge_seen[e] = False
    return nodes, levels, crossed_ids


def _hop_edges(
    indptr: np.ndarray,
    neighbours: np.ndarray,
    edges: np.ndarray,
    path: np.ndarray,
    mask: np.ndarray,
    use_mask: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """For each step u → v of ``path``: every allowed edge id from u to v, ascending.

    Returns the ids of all steps back to back and, per step, where its ids end.
    """
    steps = len(path) - 1
    total = 0
    for i in range(steps):
        u = path[i]
        total += indptr[u + 1] - indptr[u]
    found = np.empty(total, dtype=np.int64)
    ends = np.empty(steps, dtype=np.int64)
    count = 0
    for i in range(steps):
        u, v = path[i], path[i + 1]
        first = count
        for p in range(indptr[u], indptr[u + 1]):
            e = edges[p]
            if neighbours[p] == v and not (use_mask and not mask[e]):
                found[count] = e
                count += 1
        found[first:count].sort()
        # A loop is listed twice in its row of the undirected CSR: keep each id once.
        kept = first
        for k in range(first, count):
            if k == first or found[k] != found[k - 1]:
                found[kept] = found[k]
                kept += 1
        count = kept
        ends[i] = count
    return found[:count].copy(), ends


class Kernels(NamedTuple):
    bidirectional_bfs: Callable[..., np.ndarray]
    expand: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]
    hop_edges: Callable[..., tuple[np.ndarray, np.ndarray]]


@cache
def kernels() -> Kernels:
    """The compiled kernels (numba is imported, and code compiled or loaded, on first use)."""
    import numba

    def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
        jitted: Callable[..., Any] = numba.njit(cache=True, nogil=True)(function)
        return jitted

    return Kernels(
        bidirectional_bfs=compiled(_bidirectional_bfs),
        expand=compiled(_expand),
        hop_edges=compiled(_hop_edges),
    )


NO_MASK = np.ones(1, dtype=bool)


def warm_up() -> None:
    """Load (or compile) every kernel now, on a two-node graph, instead of in a first query."""
    compiled = kernels()
    indptr = np.array([0, 1, 2], dtype=np.int64)
    neighbours = np.array([1, 0], dtype=np.int64)
    edges = np.zeros(2, dtype=np.int64)
    scratch = Scratch(2, 1)
    compiled.bidirectional_bfs(
        indptr,
        neighbours,
        edges,
        indptr,
        neighbours,
        edges,
        0,
        1,
        NO_MASK,
        False,
        scratch.parent_forward,
        scratch.parent_backward,
        scratch.seen_forward,
        scratch.seen_backward,
    )
    compiled.expand(
        indptr,
        neighbours,
        edges,
        np.zeros(1, dtype=np.int64),
        1,
        NO_MASK,
        False,
        scratch.node_flags,
        scratch.seen_forward,
        scratch.edge_flags,
    )
    compiled.hop_edges(indptr, neighbours, edges, np.array([0, 1]), NO_MASK, False)


class Scratch:
    """Per-node and per-edge work arrays for one query at a time, allocated once."""

    def __init__(self, node_count: int, edge_count: int) -> None:
        self.parent_forward = np.full(node_count, -1, dtype=np.int64)
        self.parent_backward = np.full(node_count, -1, dtype=np.int64)
        self.seen_forward = np.empty(node_count, dtype=np.int64)
        self.seen_backward = np.empty(node_count, dtype=np.int64)
        self.node_flags = np.zeros(node_count, dtype=bool)
        self.edge_flags = np.zeros(edge_count, dtype=bool)


class ScratchPool:
    """Clean :class:`Scratch` arrays for concurrent queries on one network (web threads).

    A query borrows a scratch and gives it back clean; a query that fails part-way may
    leave it dirty, so it is dropped rather than returned.
    """

    def __init__(self, node_count: int, edge_count: int) -> None:
        self._sizes = (node_count, edge_count)
        self._free: list[Scratch] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[Scratch]:
        with self._lock:
            scratch = self._free.pop() if self._free else None
        if scratch is None:
            scratch = Scratch(*self._sizes)
        yield scratch
        with self._lock:
            self._free.append(scratch)
