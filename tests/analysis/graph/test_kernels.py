"""The compiled walks against the numpy steps they replaced, and the shared per-network state.

The numpy versions below are the search and expansion as they were before the kernels:
the kernels must give the very same paths (tie for tie) and expansions, on networks whose
scratch arrays and record cache have already served other queries, and from several
threads at once.
"""

from __future__ import annotations

import threading
from datetime import datetime

import networkx as nx
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usalama.analysis import graph
from usalama.analysis.graph.expand import expand_indices
from usalama.analysis.graph.model import Adjacency, gather_rows
from usalama.analysis.graph.search import bidirectional_bfs
from usalama.core import errors as graph_errors

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _chain(parent, node):
    chain = [node]
    while parent[node] != node:
        node = int(parent[node])
        chain.append(node)
    return chain


def reference_bfs(forward: Adjacency, backward: Adjacency, start, end, mask=None):
    """The level-at-a-time numpy bidirectional BFS the kernel replaced."""
    if start == end:
        return [start]
    n = forward.node_count
    parents = (np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64))
    parents[0][start] = start
    parents[1][end] = end
    frontiers = [np.array([start], dtype=np.int64), np.array([end], dtype=np.int64)]
    adjacencies = (forward, backward)
    while True:
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
        met = np.flatnonzero(other[reached] >= 0)
        if len(met):
            here, there = int(owners[met[0]]), int(reached[met[0]])
            if side == 1:
                here, there = there, here
            return _chain(parents[0], here)[::-1] + _chain(parents[1], there)
        new = own[reached] < 0
        reached, owners = reached[new], owners[new]
        if len(reached) == 0:
            return None
        own[reached] = owners
        frontiers[side] = np.unique(reached)


def reference_expand(network, seeds, hops, mask=None, direction="all"):
    """The level-at-a-time numpy expansion the kernel replaced."""
    adjacency = network.adjacency(direction)
    reached = [np.unique(np.asarray(seeds, dtype=np.int64))]
    levels = [np.zeros(len(reached[0]), dtype=np.int64)]
    crossed = []
    frontier = reached[0]
    seen = np.zeros(network.node_count, dtype=bool)
    seen[frontier] = True
    for level in range(1, hops + 1):
        positions, _ = gather_rows(adjacency.indptr, frontier)
        edge_ids = adjacency.edge_ids[positions]
        others = adjacency.neighbours[positions]
        if mask is not None:
            allowed = mask[edge_ids]
            edge_ids, others = edge_ids[allowed], others[allowed]
        crossed.append(edge_ids)
        frontier = np.unique(others[~seen[others]])
        if len(frontier) == 0:
            break
        seen[frontier] = True
        reached.append(frontier)
        levels.append(np.full(len(frontier), level, dtype=np.int64))
    edge_ids = np.unique(np.concatenate(crossed)) if crossed else np.empty(0, dtype=np.int64)
    return np.concatenate(reached), np.concatenate(levels), edge_ids


@st.composite
def networks(draw, max_nodes=25):
    """Random multigraphs with loops and parallel edges, directed or not, with an edge mask."""
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=4 * n))
    directed = draw(st.booleans())
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    sources = np.array([p[0] for p in pairs], dtype=np.int64)
    targets = np.array([p[1] for p in pairs], dtype=np.int64)
    network = graph.network_from_arrays(sources, targets, node_count=n, directed=directed)
    masked = draw(st.booleans())
    return network, (np.array(keep, dtype=bool) if masked else None)


@SETTINGS
@given(networks())
def test_every_path_on_one_network_equals_the_numpy_search(case):
    """All pairs on one network: the shared scratch arrays are clean after each search."""
    network, mask = case
    direction = "out" if network.directed else "all"
    backward = "in" if network.directed else "all"
    forward_csr, backward_csr = network.adjacency(direction), network.adjacency(backward)
    for a in range(network.node_count):
        for b in range(network.node_count):
            expected = reference_bfs(forward_csr, backward_csr, a, b, mask)
            found = bidirectional_bfs(
                forward_csr, backward_csr, a, b, mask=mask, scratch=network.scratch
            )
            assert found == expected


@SETTINGS
@given(networks(), st.integers(0, 4), st.sampled_from(["all", "out", "in"]))
def test_every_expansion_on_one_network_equals_the_numpy_walk(case, hops, direction):
    network, mask = case
    nodes = range(network.node_count)
    seed_sets = [[a] for a in nodes] + [list(nodes)[::2], [0, 0]]
    for seeds in seed_sets:
        expected = reference_expand(network, seeds, hops, mask, direction)
        found = expand_indices(network, np.array(seeds), hops, mask=mask, direction=direction)
        for ours, theirs in zip(found, expected, strict=True):
            assert ours.tolist() == theirs.tolist()


@SETTINGS
@given(networks(max_nodes=15), st.integers(0, 3))
def test_expansion_edges_are_those_at_nodes_closer_than_the_hop_limit(case, hops):
    network, _ = case
    g = nx.MultiGraph()
    g.add_nodes_from(range(network.node_count))
    sources, targets = network._endpoints
    for i, (a, b) in enumerate(zip(sources.tolist(), targets.tolist(), strict=True)):
        g.add_edge(a, b, key=i)
    for seed in range(network.node_count):
        distances = nx.single_source_shortest_path_length(g, seed, cutoff=hops)
        inner = {node for node, d in distances.items() if d < hops}
        expected = sorted({key for _, _, key in g.edges(inner, keys=True)})
        found = graph.expand(network, str(seed), hops=hops, max_edges=None)
        assert found.distances == {str(node): d for node, d in distances.items()}
        assert [(e.source, e.target) for e in found.edges] == [
            (str(sources[i]), str(targets[i])) for i in expected
        ]


def _rich_network():
    frame = pl.DataFrame(
        {
            "source": ["a", "b", "c", "a", "d"],
            "target": ["b", "c", "d", "b", "a"],
            "relation": ["Ownership", None, "Family", "Ownership", "Associate"],
            "weight": [1.0, 2.5, None, 4.0, 1.0],
            "date": ["2020-01-01", None, "2021-03-04T05:06:07", "", "2019-12-31"],
            "provenance": ["s1|s2", "", "s3", "s4|s5|s6", "s7"],
            "tags": ["c1", "c2|c1", "", "c1", "c3"],
            "label": ["x", "y", None, "z", "w"],
        }
    )
    return graph.network_from_frame(frame, graph.EdgeColumns(weight="weight"))


def test_records_built_on_demand_equal_records_built_at_load():
    lazy, eager = _rich_network(), _rich_network().prepare()
    ids = np.array([3, 0, 4, 0, 2, 1])
    assert lazy.edge_records(ids[:2]) == eager.edge_records(ids[:2])
    assert lazy.edge_records(ids) == eager.edge_records(ids)
    first = eager.edge_records([0])[0]
    assert first == graph.Edge(
        source="a",
        target="b",
        relation="Ownership",
        weight=1.0,
        count=1,
        first_date="2020-01-01",
        last_date="2020-01-01",
        provenance=("s1", "s2"),
        tags=("c1",),
        attributes={"label": "x"},
    )
    timed = eager.edge_records([2])[0]
    assert timed.first_date == datetime(2021, 3, 4, 5, 6, 7).isoformat()
    assert timed.weight == 1.0 and timed.attributes == {"label": None}
    assert eager.edge_records([1])[0].relation is None


@pytest.mark.parametrize("keep_all_nodes", [True, False])
def test_a_subset_network_reuses_its_parents_records(keep_all_nodes):
    parent = _rich_network()
    subset = parent.with_edges([4, 1, 2], keep_all_nodes=keep_all_nodes)
    on_its_own = graph.Network(subset.graph, subset.node_ids, subset.edges, directed=False)
    assert subset.edge_records([0, 2]) == on_its_own.edge_records([0, 2])
    assert subset.edge_records([0, 1, 2]) == parent.edge_records([4, 1, 2])
    assert subset.edge_records([1])[0] is parent.edge_records([1])[0]


def test_shared_records_cannot_be_changed_by_a_caller():
    record = _rich_network().edge_records([0])[0]
    with pytest.raises(AttributeError):
        record.provenance = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.attributes["label"] = "changed"  # type: ignore[index]
    with pytest.raises(AttributeError):
        record.provenance.append("s9")  # type: ignore[attr-defined]
    # to_dict hands out fresh, mutable containers for JSON.
    out = record.to_dict()
    out["provenance"].append("s9")
    assert record.provenance == ("s1", "s2")


def test_concurrent_queries_on_one_network_give_the_serial_answers():
    rng = np.random.default_rng(3)
    n = 400
    ends = rng.integers(0, n, size=(1_200, 2))
    network = graph.network_from_arrays(ends[:, 0], ends[:, 1], node_count=n)
    pairs = rng.integers(0, n, size=(150, 2)).tolist()
    seeds = rng.integers(0, n, size=150).tolist()

    def answers():
        paths = []
        for a, b in pairs:
            try:
                paths.append(graph.shortest_path(network, str(a), str(b)).to_dict())
            except graph_errors.NotFound:
                paths.append(None)
        expansions = [graph.expand(network, str(s), hops=2).to_dict() for s in seeds]
        return paths, expansions

    serial = answers()
    results = []
    threads = [threading.Thread(target=lambda: results.append(answers())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert all(result == serial for result in results)
