"""The network over time: as of a date, within a window, by phase, and what changed.

A slice keeps only the nodes that have an edge in it: someone who has not yet appeared
in the evidence is not part of the network at that time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import polars as pl

from usalama.analysis.graph.centrality import (
    BetweennessApproximation,
    Measure,
    NodeScore,
    rank,
)
from usalama.analysis.graph.filters import EdgeFilter, as_datetime
from usalama.analysis.graph.model import Network
from usalama.core.errors import InvalidInput


def as_of(
    network: Network, when: date | datetime | str, *, include_undated: bool = False
) -> Network:
    """The network as known on ``when``: edges that had started by the end of that day."""
    moment = as_datetime(when, end_of_day=True)
    started = network.edges.select(
        pl.when(pl.col("first_date").is_null())
        .then(include_undated)
        .otherwise(pl.col("first_date") <= moment)
    ).to_series()
    return network.with_edge_mask(started.to_numpy().astype(bool))


def within(
    network: Network,
    start: date | datetime | str | None,
    end: date | datetime | str | None,
    *,
    include_undated: bool = False,
) -> Network:
    """Edges active at some point in [start, end] (whole days; either end may be open)."""
    window = EdgeFilter(start=start, end=end, include_undated=include_undated)
    return network.with_edge_mask(window.mask(network))


def _natural_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def slices_by_column(
    network: Network, column: str, *, order: Sequence[str] | None = None
) -> list[tuple[str, Network]]:
    """One network per value of an edge attribute such as CAVIAR's ``phase``.

    Values sort naturally (1, 2, ..., 10, 11, then text) unless ``order`` is given.
    """
    if column not in network.edges.columns:
        raise InvalidInput(f"no edge column {column!r} to slice by")
    labels = network.edges[column].cast(pl.Utf8).fill_null("")
    values = order if order is not None else sorted(set(labels.to_list()), key=_natural_key)
    label_array = labels.to_numpy()
    return [(value, network.with_edge_mask(label_array == value)) for value in values]


def slices_by_period(network: Network, every: str = "1mo") -> list[tuple[str, Network]]:
    """One network per calendar period (Polars duration: ``1d``, ``1w``, ``1mo``, ``1y``).

    An edge belongs to the period of its first date; undated edges belong to none.
    """
    periods = network.edges.select(pl.col("first_date").dt.truncate(every)).to_series()
    labels = periods.dt.strftime("%Y-%m-%d")
    result = []
    for value in sorted(v for v in labels.unique().to_list() if v is not None):
        in_period = (labels == value).fill_null(False).to_numpy()
        result.append((value, network.with_edge_mask(in_period)))
    return result


@dataclass(frozen=True)
class SliceSummary:
    """Size of one slice and its top players per measure; ``ties`` counts linked pairs."""

    label: str
    nodes: int
    ties: int
    top: dict[str, list[NodeScore]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "nodes": self.nodes,
            "ties": self.ties,
            "top": {m: [s.to_dict() for s in scores] for m, scores in self.top.items()},
        }


def summarise(
    label: str,
    network: Network,
    *,
    measures: Sequence[Measure] = ("degree", "betweenness"),
    top: int = 3,
    approximate: BetweennessApproximation | None = None,
) -> SliceSummary:
    return SliceSummary(
        label=label,
        nodes=network.node_count,
        ties=network.simple_graph().ecount(),
        top={m: rank(network, m, top=top, approximate=approximate) for m in measures},
    )


@dataclass(frozen=True)
class NetworkChange:
    """What differs from ``before`` to ``after``: people, ties and the top-ranked players."""

    before: str
    after: str
    nodes_added: list[str]
    nodes_removed: list[str]
    ties_added: list[tuple[str, str]]
    ties_removed: list[tuple[str, str]]
    measure: str
    top_before: list[str]
    top_after: list[str]
    entered_top: list[str]
    left_top: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "nodes_added": self.nodes_added,
            "nodes_removed": self.nodes_removed,
            "ties_added": [list(pair) for pair in self.ties_added],
            "ties_removed": [list(pair) for pair in self.ties_removed],
            "measure": self.measure,
            "top_before": self.top_before,
            "top_after": self.top_after,
            "entered_top": self.entered_top,
            "left_top": self.left_top,
        }


def _tie_frame(network: Network) -> pl.DataFrame:
    pairs = np.asarray(network.simple_graph().get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a = network.node_ids.gather(pairs[:, 0]) if len(pairs) else pl.Series([], dtype=pl.Utf8)
    b = network.node_ids.gather(pairs[:, 1]) if len(pairs) else pl.Series([], dtype=pl.Utf8)
    frame = pl.DataFrame({"a": a, "b": b})
    # Undirected ties compare as unordered pairs.
    return frame.select(
        pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b")
    )


def compare(
    before: Network,
    after: Network,
    *,
    measure: Measure = "degree",
    top: int = 10,
    labels: tuple[str, str] = ("before", "after"),
) -> NetworkChange:
    """Nodes and ties added/removed, and who entered or left the top ``top`` by ``measure``."""
    old_nodes, new_nodes = set(before.node_ids.to_list()), set(after.node_ids.to_list())
    old_ties, new_ties = _tie_frame(before), _tie_frame(after)
    added = new_ties.join(old_ties, on=["a", "b"], how="anti").sort(["a", "b"])
    removed = old_ties.join(new_ties, on=["a", "b"], how="anti").sort(["a", "b"])
    top_before = [s.node for s in rank(before, measure, top=top)]
    top_after = [s.node for s in rank(after, measure, top=top)]
    return NetworkChange(
        before=labels[0],
        after=labels[1],
        nodes_added=sorted(new_nodes - old_nodes),
        nodes_removed=sorted(old_nodes - new_nodes),
        ties_added=list(added.iter_rows()),
        ties_removed=list(removed.iter_rows()),
        measure=measure,
        top_before=top_before,
        top_after=top_after,
        entered_top=[n for n in top_after if n not in top_before],
        left_top=[n for n in top_before if n not in top_after],
    )


@dataclass(frozen=True)
class Evolution:
    slices: list[SliceSummary]
    changes: list[NetworkChange]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slices": [s.to_dict() for s in self.slices],
            "changes": [c.to_dict() for c in self.changes],
        }


def evolution(
    slices: Sequence[tuple[str, Network]],
    *,
    measures: Sequence[Measure] = ("degree", "betweenness"),
    top: int = 3,
) -> Evolution:
    """Summaries of each slice and the change between consecutive slices."""
    summaries = [summarise(label, net, measures=measures, top=top) for label, net in slices]
    changes = [
        compare(a, b, measure=measures[0], top=top, labels=(la, lb))
        for (la, a), (lb, b) in itertools.pairwise(slices)
    ]
    return Evolution(summaries, changes)
