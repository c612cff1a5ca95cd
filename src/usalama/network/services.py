"""Use cases of the network app: the only code that reads the graph, checks access and audits.

Every answer is computed on the network of the collections the user may see
(``records.models.visible_collection_ids``), so a node or link the user may not see does not
exist for them: asking for it raises ``NotFound`` (404), as for an id that never existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from usalama.analysis import graph
from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.network import building, exports
from usalama.network.models import SavedChart
from usalama.records import services as records
from usalama.records.models import Statement, open_entity_grant_ids, visible_collection_ids

MAX_HOPS = 4
MAX_PATH_LENGTH = 6
MAX_EXPAND_EDGES = 5_000
MAX_SEEDS = 200
_IN_CHUNK = 900  # SQLite allows 999 parameters per statement


def _allowed_collections(user: Any, collections: Iterable[int] | None = None) -> list[int]:
    visible = {int(c) for c in visible_collection_ids(user)}
    if collections is None:
        return sorted(visible)
    return sorted(visible & {int(c) for c in collections})


def graph_data(user: Any, collections: Iterable[int] | None = None) -> building.GraphData:
    """The network of what the user may see: whole collections, and the entities granted to
    the user's agency one by one (only when no subset of collections is asked for)."""
    grants = open_entity_grant_ids(user) if collections is None else []
    return building.cached(_allowed_collections(user, collections), grants)


def build_network(user: Any, collections: Iterable[int] | None = None) -> graph.Network | None:
    """The engine network of the statements ``user`` may see (optionally fewer collections).

    ``None`` when the visible records hold no link at all.
    """
    return graph_data(user, collections).network


# --- shaping results ----------------------------------------------------------------------


def _node_out(data: building.GraphData, node: str, **extra: Any) -> dict[str, Any]:
    info = data.nodes[node]
    return {
        "id": node,
        "caption": info.caption,
        "schema": info.schema,
        "entities": list(info.entity_ids),
        **extra,
    }


def provenance_of(user: Any, statement_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Where each statement came from: collection, agency, source file and row."""
    wanted = sorted(set(statement_ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = (
            Statement.objects.visible_to(user)
            .filter(id__in=wanted[start : start + _IN_CHUNK])
            .select_related("collection__agency", "source")
        )
        for row in rows:
            found[row.id] = {
                "statement": row.id,
                "entity": row.entity_id,
                "schema": row.schema,
                "property": row.prop,
                "value": row.value,
                "collection": row.collection.label,
                "agency": row.collection.agency.code,
                "source": row.source.name,
                "row": row.record_ref,
                "reliability": row.effective_reliability,
                "assessment": row.effective_assessment,
                "handling": row.effective_handling,
                "first_seen": row.first_seen.isoformat(),
            }
    return found


def _edge_out(edge: graph.Edge, sources: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    out = {
        "id": edge.attributes.get("edge_key") or f"{edge.relation}:{edge.source}:{edge.target}",
        "source": edge.source,
        "target": edge.target,
        "relation": edge.relation,
        "label": edge.attributes.get("label") or "",
        "weight": edge.weight,
        "count": edge.count,
        "first_date": edge.first_date,
        "last_date": edge.last_date,
        "statements": list(edge.provenance),
    }
    if sources is not None:
        out["provenance"] = [sources[s] for s in edge.provenance if s in sources]
    return out


def _resolve(data: building.GraphData, node: str) -> str:
    resolved = data.node_id(node) if len(node) <= 200 else None
    if resolved is None:
        raise NotFound("entity not found")
    return resolved


def _edge_filter(
    types: Sequence[str] | None, since: str | None, until: str | None, min_weight: float | None
) -> graph.EdgeFilter | None:
    for value in (since, until):
        if value:
            try:
                date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise InvalidInput(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    edge_filter = graph.EdgeFilter(
        relations=list(types) if types else None,
        start=since.strip()[:10] if since else None,
        end=until.strip()[:10] if until else None,
        # A window asks "what was going on then"; undated links (shared phones) still hold.
        include_undated=True,
        min_weight=min_weight,
    )
    return None if edge_filter.is_empty else edge_filter


# --- use cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpandQuery:
    nodes: Sequence[str]
    hops: int = 1
    types: Sequence[str] | None = None
    since: str | None = None
    until: str | None = None
    min_weight: float | None = None
    with_provenance: bool = False


def expand(user: Any, query: ExpandQuery) -> dict[str, Any]:
    """Everyone within ``hops`` links of the node(s), with the links. Audited."""
    if not 0 <= query.hops <= MAX_HOPS:
        raise InvalidInput(f"hops must be between 0 and {MAX_HOPS}")
    if not query.nodes or len(query.nodes) > MAX_SEEDS:
        raise InvalidInput(f"give between 1 and {MAX_SEEDS} nodes to expand")
    data = graph_data(user)
    seeds = list(dict.fromkeys(_resolve(data, n) for n in query.nodes))
    edge_filter = _edge_filter(query.types, query.since, query.until, query.min_weight)
    net = data.network
    linked = [s for s in seeds if net is not None and net.has_node(s)]
    nodes = {s: 0 for s in seeds}
    edges: list[graph.Edge] = []
    truncated = False
    if net is not None and linked:
        result = graph.expand(
            net, linked, hops=query.hops, edge_filter=edge_filter, max_edges=MAX_EXPAND_EDGES
        )
        nodes.update(result.distances)
        edges, truncated = result.edges, result.truncated
    sources = (
        provenance_of(user, (s for e in edges for s in e.provenance))
        if query.with_provenance
        else None
    )
    record(
        user,
        "graph.expand",
        object_type="entity",
        object_id=",".join(seeds)[:200],
        details={
            "hops": query.hops,
            "types": list(query.types or []),
            "since": query.since or "",
            "until": query.until or "",
            "min_weight": query.min_weight,
            "nodes": len(nodes),
            "edges": len(edges),
        },
    )
    return {
        "seeds": seeds,
        "nodes": [_node_out(data, n, distance=d) for n, d in nodes.items()],
        "edges": [_edge_out(e, sources) for e in edges],
        "truncated": truncated,
    }


def find_path(
    user: Any,
    source: str,
    target: str,
    *,
    all_paths: bool = False,
    max_length: int = 4,
    types: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Shortest path (or all simple paths up to ``max_length``), each hop explained. Audited.

    ``paths`` is empty when the two are not connected in what the user may see.
    """
    if not 1 <= max_length <= MAX_PATH_LENGTH:
        raise InvalidInput(f"max_length must be between 1 and {MAX_PATH_LENGTH}")
    data = graph_data(user)
    a, b = _resolve(data, source), _resolve(data, target)
    edge_filter = _edge_filter(types, None, None, None)
    net = data.network
    found: list[graph.Path] = []
    if net is not None and net.has_node(a) and net.has_node(b):
        try:
            if all_paths:
                found = graph.all_simple_paths(
                    net, a, b, max_length=max_length, edge_filter=edge_filter, max_paths=50
                )
            else:
                path = graph.shortest_path(net, a, b, edge_filter=edge_filter)
                found = [path] if path.length <= max_length else []
        except NotFound:
            found = []
    sources = provenance_of(
        user, (s for p in found for h in p.hops for e in h.edges for s in e.provenance)
    )
    record(
        user,
        "graph.path",
        object_type="entity",
        object_id=f"{a}→{b}"[:200],
        details={"all": all_paths, "max_length": max_length, "paths": len(found)},
    )
    involved = {n for p in found for n in p.nodes} | {a, b}
    return {
        "from": a,
        "to": b,
        "nodes": [_node_out(data, n) for n in sorted(involved)],
        "paths": [
            {
                "path": p.nodes,
                "length": p.length,
                "hops": [
                    {
                        "from": h.source,
                        "to": h.target,
                        "edges": [_edge_out(e, sources) for e in h.edges],
                    }
                    for h in p.hops
                ],
            }
            for p in found
        ],
    }


def rank(user: Any, measure: str, top: int = 20) -> list[dict[str, Any]]:
    """Key players by a centrality measure over everything the user may see. Audited."""
    if measure not in graph.MEASURES:
        raise InvalidInput(f"unknown measure {measure!r}: use one of {', '.join(graph.MEASURES)}")
    if not 1 <= top <= 10_000:
        raise InvalidInput("top must be between 1 and 10000")
    data = graph_data(user)
    scores: list[graph.NodeScore] = []
    if data.network is not None:
        approximate = (
            graph.BetweennessApproximation(samples=500)
            if measure == "betweenness" and data.network.node_count > 20_000
            else None
        )
        scores = graph.rank(data.network, measure, top=top, approximate=approximate)  # type: ignore[arg-type]
    record(user, "graph.rank", object_type="graph", details={"measure": measure, "top": top})
    return [_node_out(data, s.node, score=s.score) for s in scores]


def communities(user: Any) -> dict[str, Any]:
    """Leiden communities of the user's network. Audited."""
    data = graph_data(user)
    if data.network is None:
        result: dict[str, Any] = {"modularity": 0.0, "communities": []}
    else:
        result = graph.communities(data.network).to_dict()
    record(
        user,
        "graph.communities",
        object_type="graph",
        details={"nodes": len(result["communities"])},
    )
    return result


def scores_for(user: Any, nodes: Sequence[str], measure: str) -> dict[str, Any]:
    """Community and centrality of the given chart nodes (for colouring and sizing)."""
    if measure not in graph.MEASURES:
        raise InvalidInput(f"unknown measure {measure!r}")
    data = graph_data(user)
    wanted = {n for n in nodes if n in data.nodes}
    out: dict[str, Any] = {"community": {}, "score": {}}
    if data.network is None or not wanted:
        return out
    membership = graph.communities(data.network).membership
    values = graph.centrality(data.network, measure)  # type: ignore[arg-type]
    names = data.network.node_ids.to_list()
    for index, name in enumerate(names):
        if name in wanted:
            out["score"][name] = float(values[index])
            out["community"][name] = membership.get(name)
    record(user, "graph.rank", object_type="graph", details={"measure": measure, "chart": True})
    return out


def search(user: Any, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Entities to start from or to find a path to (records search, audited there)."""
    data = graph_data(user)
    hits = records.search_entities(user, query, limit=limit)
    out = []
    seen: set[str] = set()
    for hit in hits:
        node = data.node_id(hit.entity_id)
        if node is None or node in seen:
            continue
        seen.add(node)
        out.append(
            {
                "id": node,
                "caption": hit.caption,
                "schema": hit.schema,
                "agencies": hit.agencies,
                "collections": hit.collections,
            }
        )
    return out


def node_detail(user: Any, node: str) -> dict[str, Any]:
    """Side-panel facts about one node: its records and where each came from."""
    data = graph_data(user)
    resolved = _resolve(data, node)
    info = data.nodes[resolved]
    collections = building.collections_by_id(info.collection_ids)
    record(user, "entity.read", object_type="entity", object_id=resolved, details={"graph": True})
    degree = 0
    if data.network is not None and data.network.has_node(resolved):
        degree = len(data.network.incident_edges(data.network.indices_of([resolved])))
    return _node_out(
        data,
        resolved,
        links=degree,
        collections=[
            {"label": c.label, "agency": c.agency.code, "handling": c.handling}
            for c in collections.values()
        ],
    )


def edge_provenance(user: Any, statement_ids: Sequence[str]) -> list[dict[str, Any]]:
    if len(statement_ids) > 2_000:
        raise InvalidInput("at most 2000 statements at once")
    found = provenance_of(user, statement_ids)
    record(user, "graph.provenance", object_type="statement", details={"count": len(found)})
    return [found[s] for s in statement_ids if s in found]


def _known(data: building.GraphData, nodes: Iterable[str]) -> set[str]:
    return {found for n in nodes if (found := data.node_id(n)) is not None}


def _edges_among(data: building.GraphData, keep: set[str]) -> list[graph.Edge]:
    net = data.network
    present = [n for n in keep if net is not None and net.has_node(n)]
    if net is None or not present:
        return []
    ids = net.incident_edges(net.indices_of(present))
    return [e for e in net.edge_records(ids) if e.source in keep and e.target in keep]


def subgraph(user: Any, nodes: Sequence[str]) -> dict[str, Any]:
    """The given nodes (those still visible) and every link among them, e.g. a saved chart."""
    if len(nodes) > 20_000:
        raise InvalidInput("at most 20000 nodes")
    data = graph_data(user)
    keep = _known(data, nodes)
    edges = _edges_among(data, keep)
    record(
        user,
        "graph.expand",
        object_type="entity",
        object_id=f"{len(keep)} nodes",
        details={"hops": 0, "nodes": len(keep), "edges": len(edges)},
    )
    return {
        "nodes": [_node_out(data, n, distance=0) for n in sorted(keep)],
        "edges": [_edge_out(e, None) for e in edges],
        "truncated": False,
    }


# --- exports --------------------------------------------------------------------------------


def export(user: Any, fmt: str, nodes: Sequence[str] | None = None) -> tuple[str, str, str]:
    """(body, content type, file name) of the chart (or whole network) as GraphML/GEXF/CSV.

    Only links among the given nodes are written. Audited.
    """
    if fmt not in exports.FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: use one of {', '.join(exports.FORMATS)}")
    # H2/H3 material leaves only by its originator's hand: the export is built from the
    # collections the user may export (own, or granted H0/H1), never from entities granted
    # one by one.
    exportable = [c.pk for c in records.visible_collections(user) if records.may_export(user, c)]
    data = graph_data(user, exportable)
    keep = _known(data, nodes) if nodes is not None else set(data.nodes)
    edges = _edges_among(data, keep)
    node_rows = [_node_out(data, n) for n in sorted(keep)]
    body, content_type, extension = exports.FORMATS[fmt](node_rows, edges)
    record(
        user,
        "graph.export",
        object_type="graph",
        details={"format": fmt, "nodes": len(node_rows), "edges": len(edges)},
    )
    return body, content_type, f"usalama-network.{extension}"


# --- saved charts ---------------------------------------------------------------------------


def save_chart(user: Any, name: str, layout: dict[str, Any]) -> SavedChart:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a chart needs a name of 1 to 200 characters")
    if not getattr(user, "sees_records", False):
        raise PermissionDenied("only roles that read records may save charts")
    chart_nodes = layout.get("nodes")
    if not isinstance(chart_nodes, list) or len(chart_nodes) > 20_000:
        raise InvalidInput("layout.nodes must be a list of at most 20000 nodes")
    chart = SavedChart.objects.create(
        owner=user, agency_id=user.agency_id, name=name, layout=layout
    )
    record(
        user,
        "graph.chart.save",
        object_type="chart",
        object_id=chart.pk,
        details={"name": name, "nodes": len(chart_nodes)},
    )
    return chart


def list_charts(user: Any) -> list[SavedChart]:
    return list(SavedChart.objects.visible_to(user).select_related("owner")[:200])


def chart_payload(user: Any, chart: SavedChart) -> dict[str, Any]:
    """The chart as JSON, keeping only nodes the user may (still) see."""
    data = graph_data(user)
    nodes = [
        n
        for n in chart.layout.get("nodes", [])
        if isinstance(n, dict) and data.node_id(str(n.get("id", ""))) is not None
    ]
    return {
        "id": chart.pk,
        "name": chart.name,
        "owner": chart.owner.get_username(),
        "created_at": chart.created_at.isoformat(),
        "layout": {**chart.layout, "nodes": nodes},
    }


def get_chart(user: Any, chart_id: int) -> SavedChart:
    try:
        chart = SavedChart.objects.visible_to(user).select_related("owner").get(pk=chart_id)
    except SavedChart.DoesNotExist as missing:
        raise NotFound("chart not found") from missing
    record(user, "graph.chart.read", object_type="chart", object_id=chart.pk)
    return chart
