"""The network container: an igraph graph plus a Polars frame of edge facts.

igraph holds only the topology (integer vertices and edges) because igraph's own Python
attributes are per-edge Python objects, which would cost gigabytes on millions of edges.
Everything else an analyst needs to explain an edge — relation, dates, weight, provenance —
lives in ``Network.edges``, one row per igraph edge, in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

import igraph
import numpy as np
import polars as pl

from usalama.core.errors import NotFound

Direction = Literal["all", "out", "in"]

#: Columns every ``Network.edges`` frame has; any other column is a kept attribute (e.g. phase).
CORE_EDGE_COLUMNS = (
    "source",
    "target",
    "relation",
    "weight",
    "count",
    "first_date",
    "last_date",
    "provenance",
    "tags",
)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    # Dates loaded from "YYYY-MM-DD" come back as midnight; print them as plain dates.
    if value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date().isoformat()
    return value.isoformat()


@dataclass(frozen=True)
class Edge:
    """One edge as an analyst sees it: who, what kind, when, how strong, and said by whom."""

    source: str
    target: str
    relation: str | None
    weight: float
    count: int
    first_date: str | None
    last_date: str | None
    provenance: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "relation": self.relation,
            "weight": self.weight,
            "count": self.count,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "provenance": list(self.provenance),
            "tags": list(self.tags),
            "attributes": dict(self.attributes),
        }


class _Incidence:
    """CSR index of edge ids by endpoint, so incident edges of many nodes are one numpy gather."""

    def __init__(self, endpoints: np.ndarray, node_count: int) -> None:
        self.order = np.argsort(endpoints, kind="stable")
        counts = np.bincount(endpoints, minlength=node_count)
        self.offsets = np.zeros(node_count + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])

    def edges_of(self, nodes: np.ndarray) -> np.ndarray:
        starts = self.offsets[nodes]
        lengths = self.offsets[nodes + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        # Position k of the output reads order[starts[i] + (k - first output slot of node i)].
        shifts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return self.order[shifts + np.arange(total)]


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

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_indexed(
        cls, node_ids: pl.Series, edges: pl.DataFrame, *, directed: bool
    ) -> Network:
        """Build from node ids and an edge frame whose source/target are row numbers of ids."""
        sources = edges["source"].to_numpy()
        targets = edges["target"].to_numpy()
        # zip of two int lists is the fastest way into igraph's C edge vector (numpy
        # arrays are iterated element by element, about 3x slower).
        graph = igraph.Graph(
            n=len(node_ids), edges=list(zip(sources.tolist(), targets.tolist(), strict=True)),
            directed=directed,
        )
        return cls(graph, node_ids, edges, directed=directed)

    def with_edges(self, edge_ids: np.ndarray | Sequence[int], *, keep_all_nodes: bool) -> Network:
        """A network of a subset of the edges; drop nodes left without edges unless asked not to."""
        selected = self.edges[np.asarray(edge_ids, dtype=np.int64)]
        if keep_all_nodes:
            return Network.from_indexed(self.node_ids, selected, directed=self.directed)
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
    def _index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.node_ids.to_list())}

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
        return self.node_ids.gather(np.asarray(indices, dtype=np.int64)).to_list()

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
            graph = self.graph.copy()
            graph.es["weight"] = self.weights.tolist()
            if graph.is_directed() and not key:
                graph.to_undirected(mode="collapse", combine_edges={"weight": "sum"})
            graph.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
            cache[key] = graph
        return cache[key]

    @cached_property
    def _out_incidence(self) -> _Incidence:
        return _Incidence(self.edges["source"].to_numpy(), self.node_count)

    @cached_property
    def _in_incidence(self) -> _Incidence:
        return _Incidence(self.edges["target"].to_numpy(), self.node_count)

    def incident_edges(self, nodes: np.ndarray, direction: Direction = "all") -> np.ndarray:
        """Edge ids touching any of ``nodes`` (``out``/``in`` only count for directed networks)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        if not self.directed:
            direction = "all"
        if direction == "out":
            return self._out_incidence.edges_of(nodes)
        if direction == "in":
            return self._in_incidence.edges_of(nodes)
        return np.unique(
            np.concatenate(
                [self._out_incidence.edges_of(nodes), self._in_incidence.edges_of(nodes)]
            )
        )

    def edges_between(self, u: int, v: int, direction: Direction = "all") -> np.ndarray:
        """All edge ids linking u to v (every relation and statement, not just one)."""
        candidates = self.incident_edges(np.array([u]), direction)
        sources = self.edges["source"].to_numpy()[candidates]
        targets = self.edges["target"].to_numpy()[candidates]
        forward = (sources == u) & (targets == v)
        backward = (sources == v) & (targets == u)
        if self.directed and direction == "out":
            return candidates[forward]
        if self.directed and direction == "in":
            return candidates[backward]
        return candidates[forward | backward]

    # -- explaining edges ----------------------------------------------------------------
    def edge_records(self, edge_ids: np.ndarray | Sequence[int]) -> list[Edge]:
        rows = self.edges[np.asarray(edge_ids, dtype=np.int64)]
        sources = self.names(rows["source"].to_numpy())
        targets = self.names(rows["target"].to_numpy())
        extra = [c for c in rows.columns if c not in CORE_EDGE_COLUMNS]
        records = []
        for source, target, row in zip(sources, targets, rows.iter_rows(named=True), strict=True):
            weight = float(row["weight"])
            records.append(
                Edge(
                    source=source,
                    target=target,
                    relation=row["relation"],
                    weight=weight if math.isfinite(weight) else 0.0,
                    count=int(row["count"]),
                    first_date=_iso(row["first_date"]),
                    last_date=_iso(row["last_date"]),
                    provenance=list(row["provenance"] or []),
                    tags=list(row["tags"] or []),
                    attributes={name: row[name] for name in extra},
                )
            )
        return records

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<Network {kind} nodes={self.node_count} edges={self.edge_count}>"
