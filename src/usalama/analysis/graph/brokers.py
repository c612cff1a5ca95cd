"""Brokers and bridges: the people and ties whose removal splits the network.

An articulation point is a person whose arrest disconnects the network; a bridge is a
single tie holding two parts together. Burt's constraint measures how much a person's
contacts also know each other: low constraint means they broker between otherwise
separate groups, so ``brokerage = 1 - constraint`` (clipped at 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from usalama.analysis.graph.model import Network


@dataclass(frozen=True)
class Broker:
    """``components_added``: how many more pieces the network falls into without this node."""

    node: str
    articulation_point: bool
    components_added: int
    constraint: float
    brokerage: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "articulation_point": self.articulation_point,
            "components_added": self.components_added,
            "constraint": self.constraint,
            "brokerage": self.brokerage,
        }


@dataclass(frozen=True)
class Bridge:
    source: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target}


def bridges(network: Network) -> list[Bridge]:
    """Ties whose removal disconnects their ends (parallel edges count as one tie)."""
    graph = network.simple_graph()
    pairs = [graph.es[edge].tuple for edge in graph.bridges()]
    named = [tuple(sorted(network.names(pair))) for pair in pairs]
    return [Bridge(a, b) for a, b in sorted(named)]


def brokers(network: Network, *, top: int | None = 20) -> list[Broker]:
    """People ranked as brokers: articulation points first, then by brokerage score."""
    graph = network.simple_graph()
    articulation = set(graph.articulation_points())
    base_components = len(graph.connected_components())
    constraint = np.nan_to_num(np.asarray(graph.constraint(weights="weight")), nan=1.0)
    brokerage = np.clip(1.0 - constraint, 0.0, None)
    degree = np.asarray(graph.degree())
    names = network.node_ids.to_list()
    results = []
    for index, name in enumerate(names):
        split = 0
        if index in articulation:
            remaining = graph.copy()
            remaining.delete_vertices([index])
            split = len(remaining.connected_components()) - base_components
        if degree[index] == 0:
            brokerage[index] = 0.0
        results.append(
            Broker(
                node=name,
                articulation_point=index in articulation,
                components_added=int(split),
                constraint=float(constraint[index]),
                brokerage=float(brokerage[index]),
            )
        )
    results.sort(key=lambda b: (not b.articulation_point, -round(b.brokerage, 12), b.node))
    return results if top is None else results[:top]
