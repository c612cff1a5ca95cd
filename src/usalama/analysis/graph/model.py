"""The network container: an igraph graph plus a Polars frame of edge facts.

igraph holds only the topology (integer vertices and edges) because igraph's own Python
attributes are per-edge Python objects, which would cost gigabytes on millions of edges.
Everything else an analyst needs to explain an edge — relation, dates, weight, provenance —
lives in ``Network.edges``, one row per igraph edge, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Literal

import igraph
import numpy as np
import polars as pl

from usalama.analysis.graph.kernels import ScratchPool, warm_up
from usalama.analysis.graph.records import CORE_EDGE_COLUMNS, Edge, EdgeTable, gc_paused
from usalama.core.errors import NotFound

__all__ = [
    "CORE_EDGE_COLUMNS",
    "Adjacency",
    "Direction",
    "Edge",
    "Network",
    "gather_rows",
    "gc_paused",
]

Direction = Literal["all", "out", "in"]


def gather_rows(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions of all CSR entries of ``nodes``, row length of each node): one numpy gather."""
    starts = indptr[nodes]
    lengths = indptr[nodes + 1] - starts
    if len(nodes) == 1:
        return np.arange(starts[0], starts[0] + lengths[0], dtype=np.int64), lengths
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), lengths
    # Position k of the output is starts[i] + (k - first output slot of node i).
    shifts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shifts + np.arange(total, dtype=np.int64), lengths


class Adjacency:
    """CSR adjacency: row ``u`` lists every edge at ``u`` as (neighbour, edge id).

    ``indptr[u]:indptr[u + 1]`` slices ``neighbours`` and ``edge_ids``; a row keeps the
    order of the input entries (a stable argsort). Built once per network and cached, so
    the neighbours of a whole BFS frontier are one vectorised gather.
    """

    def __init__(
        self, rows: np.ndarray, columns: np.ndarray, edge_ids: np.ndarray, node_count: int
    ) -> None:
        order = np.argsort(rows, kind="stable")
        self.indptr = np.zeros(node_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=node_count), out=self.indptr[1:])
        self.neighbours = columns[order]
        self.edge_ids = edge_ids[order]

    @property
    def node_count(self) -> int:
        return len(self.indptr) - 1

    def row(self, node: int) -> slice:
        return slice(int(self.indptr[node]), int(self.indptr[node + 1]))

    def degrees(self, nodes: np.ndarray) -> np.ndarray:
        return self.indptr[nodes + 1] - self.indptr[nodes]


class Network:
    """A graph of string-identified nodes whose edges carry relation, dates, weight, provenance.

    Build one with :func:`usalama.analysis.graph.network_from_frame` or
    :func:`usalama.analysis.graph.read_edges_csv`. A network is immutable: filters and time
    slices return new networks.
    """

    def __init__(
        self, graph: igraph.Graph, node_ids: pl.Series, edges: pl.DataFrame, *, directed: bool
    ) -> None:
        if graph.vcount() != len(node_ids) or graph.ecount() != edges.height:
            raise ValueError("graph, node ids and edge frame disagree in size")
        self.graph = graph
        self.node_ids = node_ids.alias("node")
        self.edges = edges
        self.directed = directed
        # Set by with_edges: (the network these edges were selected from, their ids there).
        self._origin: tuple[Network, np.ndarray] | None = None

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_indexed(cls, node_ids: pl.Series, edges: pl.DataFrame, *, directed: bool) -> Network:
        """Build from node ids and an edge frame whose source/target are row numbers of ids."""
        sources = edges["source"].to_numpy()
        targets = edges["target"].to_numpy()
        # zip of two int lists is the fastest way into igraph's C edge vector (numpy
        # arrays are iterated element by element, about 3x slower).
        graph = igraph.Graph(
            n=len(node_ids),
            edges=list(zip(sources.tolist(), targets.tolist(), strict=True)),
            directed=directed,
        )
        return cls(graph, node_ids, edges, directed=directed)

    def with_edges(self, edge_ids: np.ndarray | Sequence[int], *, keep_all_nodes: bool) -> Network:
        """A network of a subset of the edges; drop nodes left without edges unless asked not to."""
        ids = np.asarray(edge_ids, dtype=np.int64)
        selected = self.edges[ids]
        if keep_all_nodes:
            subset = Network.from_indexed(self.node_ids, selected, directed=self.directed)
        else:
            subset = self._without_lonely_nodes(selected)
        # Its edges are rows of this network's: reuse this network's records for them
        # rather than preparing record columns for a subset that may answer one query.
        subset._origin = (self, ids)
        return subset

    def _without_lonely_nodes(self, selected: pl.DataFrame) -> Network:
        used = np.unique(
            np.concatenate([selected["source"].to_numpy(), selected["target"].to_numpy()])
        )
        remap = np.full(self.node_count, -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        renumbered = selected.with_columns(
            pl.Series("source", remap[selected["source"].to_numpy()]),
            pl.Series("target", remap[selected["target"].to_numpy()]),
        )
        return Network.from_indexed(self.node_ids.gather(used), renumbered, directed=self.directed)

    def with_edge_mask(self, mask: np.ndarray, *, keep_all_nodes: bool = False) -> Network:
        return self.with_edges(np.flatnonzero(mask), keep_all_nodes=keep_all_nodes)

    # -- sizes and ids ----------------------------------------------------------------
    @property
    def node_count(self) -> int:
        return self.graph.vcount()

    @property
    def edge_count(self) -> int:
        return self.graph.ecount()

    @cached_property
    def _names(self) -> np.ndarray:
        """Node ids as Python strings in an object array: a numpy take gathers thousands of
        names at C speed, with no Python int per index (the id lookup shares the strings)."""
        names = self.node_ids.to_list()
        return np.fromiter(names, dtype=object, count=len(names))

    @cached_property
    def _index(self) -> dict[str, int]:
        return dict(zip(self._names.tolist(), range(self.node_count), strict=True))

    def has_node(self, node: str) -> bool:
        return node in self._index

    def index_of(self, node: str) -> int:
        try:
            return self._index[node]
        except KeyError:
            raise NotFound(f"node {node!r} is not in the network") from None

    def indices_of(self, nodes: Iterable[str]) -> np.ndarray:
        return np.array([self.index_of(node) for node in nodes], dtype=np.int64)

    def names(self, indices: Iterable[int] | np.ndarray) -> list[str]:
        numbers = indices if isinstance(indices, np.ndarray) else np.fromiter(indices, np.int64)
        found: list[str] = self._names[numbers].tolist()
        return found

    # -- weights and derived graphs -----------------------------------------------------
    @cached_property
    def weights(self) -> np.ndarray:
        return self.edges["weight"].to_numpy().astype(np.float64, copy=False)

    def simple_graph(self, *, directed: bool = False) -> igraph.Graph:
        """Parallel edges collapsed (weights summed), self-loops dropped: what centrality wants.

        Relationship measures treat "A and B are linked" once, however many statements
        or relations say so; direction is kept only when asked and the network has it.
        """
        key = bool(directed and self.directed)
        cache = self.__dict__.setdefault("_simple_cache", {})
        if key not in cache:
            cache[key] = self._simplified(directed=key)
        return cache[key]

    def _simplified(self, *, directed: bool) -> igraph.Graph:
        # Vectorised equivalent of igraph's copy + to_undirected("collapse") + simplify with
        # summed weights (same edge order: sorted by endpoint pair), without the 5M-item
        # Python list of weights that igraph's attribute combination needs.
        sources, targets = self._endpoints
        if not directed:
            sources, targets = np.minimum(sources, targets), np.maximum(sources, targets)
        keep = sources != targets
        n = self.node_count
        pairs, slots = np.unique(sources[keep] * n + targets[keep], return_inverse=True)
        weights = np.bincount(slots, weights=self.weights[keep], minlength=len(pairs))
        graph = igraph.Graph(
            n=n,
            edges=list(zip((pairs // n).tolist(), (pairs % n).tolist(), strict=True)),
            directed=directed,
        )
        graph.es["weight"] = weights.tolist()
        return graph

    @cached_property
    def _endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        return (
            self.edges["source"].to_numpy().astype(np.int64, copy=False),
            self.edges["target"].to_numpy().astype(np.int64, copy=False),
        )

    @cached_property
    def _adjacency_out(self) -> Adjacency:
        sources, targets = self._endpoints
        ids = np.arange(self.edge_count, dtype=np.int64)
        return Adjacency(sources, targets, ids, self.node_count)

    @cached_property
    def _adjacency_in(self) -> Adjacency:
        sources, targets = self._endpoints
        ids = np.arange(self.edge_count, dtype=np.int64)
        return Adjacency(targets, sources, ids, self.node_count)

    @cached_property
    def _adjacency_all(self) -> Adjacency:
        sources, targets = self._endpoints
        ids = np.arange(self.edge_count, dtype=np.int64)
        return Adjacency(
            np.concatenate([sources, targets]),
            np.concatenate([targets, sources]),
            np.concatenate([ids, ids]),
            self.node_count,
        )

    def adjacency(self, direction: Direction = "all") -> Adjacency:
        """CSR of neighbours: along arrows (``out``), against them (``in``) or both (``all``).

        Undirected networks always use ``all``. Built on first use and cached.
        """
        if not self.directed or direction == "all":
            return self._adjacency_all
        return self._adjacency_out if direction == "out" else self._adjacency_in

    def incident_edges(self, nodes: np.ndarray, direction: Direction = "all") -> np.ndarray:
        """Edge ids touching any of ``nodes`` (``out``/``in`` only count for directed networks)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        adjacency = self.adjacency(direction)
        positions, _ = gather_rows(adjacency.indptr, nodes)
        edge_ids = adjacency.edge_ids[positions]
        if adjacency is self._adjacency_all:
            # An edge between two of the nodes (or a loop) appears in two rows.
            return np.unique(edge_ids)
        return edge_ids

    def edges_between(self, u: int, v: int, direction: Direction = "all") -> np.ndarray:
        """All edge ids linking u to v (every relation and statement, not just one)."""
        adjacency = self.adjacency(direction)
        row = adjacency.row(u)
        found = adjacency.edge_ids[row][adjacency.neighbours[row] == v]
        # A loop is listed twice in its row of the undirected CSR.
        return np.unique(found)

    # -- explaining edges ----------------------------------------------------------------
    @cached_property
    def _table(self) -> EdgeTable:
        return EdgeTable(self.edges, self._names)

    def edge_records(self, edge_ids: np.ndarray | Sequence[int]) -> list[Edge]:
        """The analyst's view of these edges (records built once per edge, then shared)."""
        ids = np.asarray(edge_ids, dtype=np.int64)
        if len(ids) == 0:
            return []
        if self._origin is not None:
            origin, origin_ids = self._origin
            return origin.edge_records(origin_ids[ids])
        with gc_paused():
            return self._table.records(ids)

    @cached_property
    def scratch(self) -> ScratchPool:
        """Work arrays for walks, allocated once per network instead of once per query."""
        return ScratchPool(self.node_count, self.edge_count)

    def prepare(self, *, records: bool = True) -> Network:
        """Build now what queries would otherwise build on first use: the id lookup, the
        CSR adjacency and the compiled walks, and (``records``) every edge's record, about
        300 bytes an edge. Without it, records are built for the edges queries touch.
        """
        self._index  # noqa: B018 - cached_property, evaluated for its side effect
        self.adjacency()
        warm_up()
        if records:
            self._table.fill()
        return self

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<Network {kind} nodes={self.node_count} edges={self.edge_count}>"
