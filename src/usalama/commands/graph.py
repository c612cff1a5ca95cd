"""`usalama graph`: Network analysis on edge lists: rank, communities, paths, expansion.

Every command reads an edge CSV (``source,target`` plus optional weight, relation/type and
date columns, names configurable) and prints a table, or JSON with ``--json``. The engine
is imported inside each command so ``usalama --help`` stays fast.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from usalama.core.errors import InvalidInput

if TYPE_CHECKING:
    from usalama.analysis.graph import Measure, Network

app = typer.Typer(
    help="Network analysis on edge lists: rank, communities, paths, expansion.",
    no_args_is_help=True,
)


class RankMeasure(StrEnum):
    degree = "degree"
    weighted_degree = "weighted_degree"
    betweenness = "betweenness"
    eigenvector = "eigenvector"
    pagerank = "pagerank"
    fragmentation = "fragmentation"


class PathCost(StrEnum):
    hops = "hops"
    weight = "weight"
    inverse_weight = "inverse_weight"


# Options shared by every command: where the edges are and which of them to use.
Edges = Annotated[Path, typer.Option("--edges", "-e", help="Edge list CSV with a header row.")]
SourceCol = Annotated[str, typer.Option("--source-col", help="Column with the source node id.")]
TargetCol = Annotated[str, typer.Option("--target-col", help="Column with the target node id.")]
WeightCol = Annotated[
    str | None, typer.Option("--weight-col", help="Weight column [default: weight if present].")
]
TypeCol = Annotated[
    str | None,
    typer.Option("--type-col", help="Relation/type column [default: relation or type]."),
]
DateCol = Annotated[
    str | None, typer.Option("--date-col", help="ISO date column [default: date if present].")
]
Where = Annotated[
    list[str] | None,
    typer.Option("--where", help="Keep rows where COL=V1,V2 (or drop with COL!=V); repeatable."),
]
Relations = Annotated[
    list[str] | None,
    typer.Option("--relation", "--filter-type", help="Keep only these relation values."),
]
MinWeight = Annotated[float | None, typer.Option("--min-weight", help="Drop lighter edges.")]
Start = Annotated[str | None, typer.Option("--start", help="Only edges active on/after date.")]
End = Annotated[str | None, typer.Option("--end", help="Only edges active on/before date.")]
Directed = Annotated[
    bool, typer.Option("--directed", help="Keep edge direction (payments, calls).")
]
Aggregate = Annotated[
    bool, typer.Option("--aggregate", help="Merge rows per pair and relation (count, sum).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _load(
    edges: Path,
    source_col: str,
    target_col: str,
    weight_col: str | None,
    type_col: str | None,
    date_col: str | None,
    where: list[str] | None,
    relations: list[str] | None,
    min_weight: float | None,
    start: str | None,
    end: str | None,
    directed: bool,
    aggregate: bool,
    keep_all_nodes: bool = False,
) -> Network:
    from usalama.analysis import graph

    columns = graph.EdgeColumns(
        source=source_col, target=target_col, weight=weight_col, relation=type_col, date=date_col
    )
    conditions = [graph.ColumnCondition.parse(text) for text in where or []]
    network = graph.read_edges_csv(
        edges, columns, directed=directed, aggregate=aggregate, where=conditions
    )
    wanted = [v.strip() for text in relations or [] for v in text.split(",") if v.strip()]
    try:
        edge_filter = graph.EdgeFilter(
            relations=wanted or None, min_weight=min_weight, start=start, end=end
        )
        network = graph.filter_network(network, edge_filter, keep_all_nodes=keep_all_nodes)
    except ValueError as error:
        raise InvalidInput(f"bad --start/--end date: {error}") from None
    if network.edge_count == 0:
        raise InvalidInput(f"{edges}: no edges left after filtering")
    return network


def _emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*[_cell(value) for value in row])
    Console().print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@app.command()
def rank(
    edges: Edges,
    measure: Annotated[RankMeasure, typer.Option(help="Centrality to rank by.")] = (
        RankMeasure.degree
    ),
    top: Annotated[int, typer.Option(min=1, help="How many nodes to list.")] = 10,
    weighted: Annotated[
        bool, typer.Option(help="Use weights as tie strength (betweenness/eigenvector/pagerank).")
    ] = False,
    samples: Annotated[
        int | None, typer.Option(min=1, help="Approximate betweenness from N random sources.")
    ] = None,
    cutoff: Annotated[
        int | None, typer.Option(min=1, help="Betweenness over paths of at most N hops.")
    ] = None,
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    directed: Directed = False,
    aggregate: Aggregate = False,
    as_json: AsJson = False,
) -> None:
    """Rank key players: `[{"node": ..., "score": ...}]`, highest first, ties by node id."""
    from usalama.analysis import graph

    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        directed,
        aggregate,
    )
    if measure is RankMeasure.fragmentation:
        impacts = graph.removal_impact(network)[:top]
        scores = [graph.NodeScore(i.node, i.fragmentation_increase) for i in impacts]
    else:
        approximate = None
        if samples is not None or cutoff is not None:
            approximate = graph.BetweennessApproximation(cutoff=cutoff, samples=samples)
        scores = graph.rank(
            network,
            cast("Measure", measure.value),
            top=top,
            weighted=weighted,
            directed=directed,
            approximate=approximate,
        )
    if as_json:
        _emit_json([score.to_dict() for score in scores])
        return
    rows = [[i + 1, s.node, s.score] for i, s in enumerate(scores)]
    _table(f"Top {top} by {measure.value}", ["#", "node", measure.value], rows)


@app.command()
def communities(
    edges: Edges,
    weighted: Annotated[bool, typer.Option(help="Weight ties by their weight.")] = False,
    resolution: Annotated[float, typer.Option(help="Higher gives more, smaller groups.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same result.")] = 42,
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    directed: Directed = False,
    aggregate: Aggregate = False,
    as_json: AsJson = False,
) -> None:
    """Leiden communities: `{"modularity": float, "communities": [{"node", "community"}]}`."""
    from usalama.analysis import graph

    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        directed,
        aggregate,
    )
    result = graph.communities(network, weighted=weighted, resolution=resolution, seed=seed)
    if as_json:
        _emit_json(result.to_dict())
        return
    rows = []
    for number in range(result.count):
        members = result.members(number)
        shown = ", ".join(members[:12]) + (" ..." if len(members) > 12 else "")
        rows.append([number, len(members), shown])
    _table(
        f"{result.count} communities, modularity {result.modularity:.4f}",
        ["community", "size", "members"],
        rows,
    )


@app.command()
def path(
    edges: Edges,
    source: Annotated[str, typer.Option("--from", help="Start node id.")],
    target: Annotated[str, typer.Option("--to", help="End node id.")],
    all_paths: Annotated[
        bool, typer.Option("--all", help="All simple paths up to --max-length hops.")
    ] = False,
    max_length: Annotated[int, typer.Option(min=1, help="Longest path for --all.")] = 4,
    max_paths: Annotated[int, typer.Option(min=1, help="Stop --all after N paths.")] = 1000,
    cost: Annotated[PathCost, typer.Option(help="What a shortest path minimises.")] = (
        PathCost.hops
    ),
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    directed: Directed = False,
    aggregate: Aggregate = False,
    as_json: AsJson = False,
) -> None:
    """How two nodes connect: `{"path": [...], "edges": [...]}`, or `{"paths": [...]}`."""
    from usalama.analysis import graph
    from usalama.core.errors import NotFound

    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        directed,
        aggregate,
        keep_all_nodes=True,
    )
    if all_paths:
        found = graph.all_simple_paths(
            network, source, target, max_length=max_length, max_paths=max_paths
        )
        if not found:
            raise NotFound(f"no path from {source!r} to {target!r} within {max_length} hops")
        if as_json:
            _emit_json({"paths": [p.nodes for p in found]})
            return
        _table(
            f"{len(found)} paths from {source} to {target}",
            ["hops", "path"],
            [[p.length, " → ".join(p.nodes)] for p in found],
        )
        return
    shortest = graph.shortest_path(network, source, target, cost=cost.value)
    if as_json:
        _emit_json(shortest.to_dict())
        return
    rows = []
    for hop in shortest.hops:
        kinds = sorted({e.relation or "-" for e in hop.edges})
        refs = [ref for e in hop.edges for ref in e.provenance]
        weight = sum(e.weight for e in hop.edges)
        rows.append([hop.source, hop.target, ", ".join(kinds), weight, ", ".join(refs[:4])])
    _table(
        f"Path {' → '.join(shortest.nodes)} ({shortest.length} hops)",
        ["from", "to", "relation", "weight", "sources"],
        rows,
    )


@app.command()
def expand(
    edges: Edges,
    node: Annotated[list[str], typer.Option("--node", "-n", help="Seed node; repeatable.")],
    hops: Annotated[int, typer.Option(min=0, help="How many hops out.")] = 1,
    max_edges: Annotated[int, typer.Option(min=1, help="Cap on edges returned.")] = 5000,
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    directed: Directed = False,
    aggregate: Aggregate = False,
    as_json: AsJson = False,
) -> None:
    """Everyone within K hops: `{"nodes": [...], "edges": [...]}` (plus distances)."""
    from usalama.analysis import graph

    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        directed,
        aggregate,
        keep_all_nodes=True,
    )
    result = graph.expand(network, node, hops=hops, max_edges=max_edges)
    if as_json:
        _emit_json(result.to_dict())
        return
    rows = [[n, result.distances[n]] for n in result.nodes]
    _table(
        f"{len(result.nodes)} nodes within {hops} hops, {len(result.edges)} edges"
        + (" (truncated)" if result.truncated else ""),
        ["node", "hops"],
        rows,
    )


@app.command()
def slices(
    edges: Edges,
    time_col: Annotated[
        str | None, typer.Option(help="Slice by each value of this column (e.g. phase).")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Slice the date column by period: 1d, 1w, 1mo, 1y.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Top players per slice.")] = 3,
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    directed: Directed = False,
    as_json: AsJson = False,
) -> None:
    """How the network and its top players change across time slices or phases."""
    from usalama.analysis import graph

    if (time_col is None) == (period is None):
        raise InvalidInput("give exactly one of --time-col or --period")
    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        directed,
        False,
    )
    if time_col is not None:
        parts = graph.slices_by_column(network, time_col)
    else:
        if network.edges["first_date"].null_count() == network.edge_count:
            raise InvalidInput("--period needs a date column (--date-col)")
        try:
            parts = graph.slices_by_period(network, period or "1mo")
        except Exception as error:  # polars rejects a malformed duration string
            raise InvalidInput(f"bad --period {period!r}: {error}") from None
    result = graph.evolution(parts, top=top)
    if as_json:
        _emit_json(result.to_dict())
        return
    rows = [
        [
            s.label,
            s.nodes,
            s.ties,
            ", ".join(x.node for x in s.top["degree"]),
            ", ".join(x.node for x in s.top["betweenness"]),
        ]
        for s in result.slices
    ]
    _table(
        "Network by slice",
        ["slice", "nodes", "ties", f"top {top} degree", f"top {top} betweenness"],
        rows,
    )
    changes = [
        [
            f"{c.before} → {c.after}",
            len(c.nodes_added),
            len(c.nodes_removed),
            len(c.ties_added),
            len(c.ties_removed),
            ", ".join(c.entered_top) or "-",
            ", ".join(c.left_top) or "-",
        ]
        for c in result.changes
    ]
    _table(
        "Change between slices",
        ["slices", "+nodes", "-nodes", "+ties", "-ties", "entered top", "left top"],
        changes,
    )


@app.command()
def brokers(
    edges: Edges,
    top: Annotated[int, typer.Option(min=1, help="How many brokers to list.")] = 10,
    source_col: SourceCol = "source",
    target_col: TargetCol = "target",
    weight_col: WeightCol = None,
    type_col: TypeCol = None,
    date_col: DateCol = None,
    where: Where = None,
    relation: Relations = None,
    min_weight: MinWeight = None,
    start: Start = None,
    end: End = None,
    as_json: AsJson = False,
) -> None:
    """Brokers (articulation points, brokerage = 1 - Burt's constraint) and bridge ties."""
    from usalama.analysis import graph

    network = _load(
        edges,
        source_col,
        target_col,
        weight_col,
        type_col,
        date_col,
        where,
        relation,
        min_weight,
        start,
        end,
        False,
        False,
    )
    found = graph.brokers(network, top=top)
    ties = graph.bridges(network)
    if as_json:
        _emit_json(
            {"brokers": [b.to_dict() for b in found], "bridges": [b.to_dict() for b in ties]}
        )
        return
    _table(
        f"Top {top} brokers",
        ["node", "articulation", "+components", "brokerage"],
        [
            [b.node, "yes" if b.articulation_point else "no", b.components_added, b.brokerage]
            for b in found
        ],
    )
    typer.echo(
        f"{len(ties)} bridge ties: "
        + ", ".join(f"{b.source}–{b.target}" for b in ties[:20])
        + (" ..." if len(ties) > 20 else "")
    )
