"""Network analysis engine: who matters, how people connect, and how that changes.

Framework-free (no Django): build a :class:`Network` from edge records, then call pure
functions that return dataclasses with ``to_dict()`` for JSON. The heavy lifting runs in
igraph's C core; loading and filtering are vectorised in Polars.

Typical use::

    from usalama.analysis import graph

    net = graph.read_edges_csv("calls.csv", graph.EdgeColumns(date="called_at"))
    graph.rank(net, "betweenness", top=10)            # [NodeScore(node, score), ...]
    graph.shortest_path(net, "A", "B").to_dict()       # {"path": [...], "edges": [...]}
    graph.expand(net, ["A"], hops=2, edge_filter=graph.EdgeFilter(min_weight=3))
    graph.communities(net).to_dict()                   # {"modularity": ..., "communities": ...}

Node ids are strings exactly as given. Relationship networks are undirected by default;
build with ``directed=True`` for payments or calls and pass ``directed=True`` to measures
that should follow the arrows.
"""

from usalama.analysis.graph.brokers import Bridge, Broker, bridges, brokers
from usalama.analysis.graph.centrality import (
    MEASURES,
    BetweennessApproximation,
    Measure,
    NodeScore,
    RemovalImpact,
    centrality,
    fragmentation_of,
    rank,
    removal_impact,
    top_scores,
)
from usalama.analysis.graph.communities import Communities, communities
from usalama.analysis.graph.expand import Expansion, expand
from usalama.analysis.graph.filters import EdgeFilter, filter_network
from usalama.analysis.graph.loading import (
    ColumnCondition,
    EdgeColumns,
    aggregate_edges,
    network_from_arrays,
    network_from_frame,
    read_edges_csv,
    read_edges_frame,
)
from usalama.analysis.graph.model import Network
from usalama.analysis.graph.paths import Cost, Hop, Path, all_simple_paths, shortest_path
from usalama.analysis.graph.records import Edge
from usalama.analysis.graph.timeslice import (
    Evolution,
    NetworkChange,
    SliceSummary,
    as_of,
    compare,
    evolution,
    slices_by_column,
    slices_by_period,
    summarise,
    within,
)

__all__ = [
    "MEASURES",
    "BetweennessApproximation",
    "Bridge",
    "Broker",
    "ColumnCondition",
    "Communities",
    "Cost",
    "Edge",
    "EdgeColumns",
    "EdgeFilter",
    "Evolution",
    "Expansion",
    "Hop",
    "Measure",
    "Network",
    "NetworkChange",
    "NodeScore",
    "Path",
    "RemovalImpact",
    "SliceSummary",
    "aggregate_edges",
    "all_simple_paths",
    "as_of",
    "bridges",
    "brokers",
    "centrality",
    "communities",
    "compare",
    "evolution",
    "expand",
    "filter_network",
    "fragmentation_of",
    "network_from_arrays",
    "network_from_frame",
    "rank",
    "read_edges_csv",
    "read_edges_frame",
    "removal_impact",
    "shortest_path",
    "slices_by_column",
    "slices_by_period",
    "summarise",
    "top_scores",
    "within",
]
