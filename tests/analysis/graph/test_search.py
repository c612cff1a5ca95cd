"""Bidirectional BFS (the unweighted shortest-path search) against networkx on random graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usalama.analysis import graph
from usalama.analysis.graph.search import bidirectional_bfs
from usalama.core.errors import NotFound

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def random_graphs(draw, max_nodes=30):
    """Sparse to dense graphs with loops and parallel edges, plus a pair of nodes to join."""
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=4 * n))
    a = draw(st.integers(0, n - 1))
    b = draw(st.integers(0, n - 1))
    return n, pairs, a, b


def _network(n, pairs, directed):
    sources = np.array([p[0] for p in pairs], dtype=np.int64)
    targets = np.array([p[1] for p in pairs], dtype=np.int64)
    return graph.network_from_arrays(sources, targets, node_count=n, directed=directed)


def _oracle(n, pairs, directed, keep=None):
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(p for i, p in enumerate(pairs) if keep is None or keep[i])
    return g


def _assert_valid_path(path, pairs, a, b, directed, keep=None):
    """Consecutive nodes are joined by an allowed edge (in the right direction)."""
    assert path[0] == a and path[-1] == b
    assert len(set(path)) == len(path)
    allowed = {p for i, p in enumerate(pairs) if keep is None or keep[i]}
    for u, v in itertools.pairwise(path):
        assert (u, v) in allowed or (not directed and (v, u) in allowed)


@SETTINGS
@given(random_graphs(), st.booleans())
def test_bidirectional_bfs_finds_a_shortest_path(case, directed):
    n, pairs, a, b = case
    network = _network(n, pairs, directed)
    oracle = _oracle(n, pairs, directed)
    backward = "in" if directed else "all"
    direction = "out" if directed else "all"
    path = bidirectional_bfs(network.adjacency(direction), network.adjacency(backward), a, b)
    if nx.has_path(oracle, a, b):
        assert path is not None
        assert len(path) - 1 == nx.shortest_path_length(oracle, a, b)
        _assert_valid_path(path, pairs, a, b, directed)
    else:
        assert path is None


@SETTINGS
@given(random_graphs(), st.booleans(), st.data())
def test_bidirectional_bfs_respects_the_edge_mask(case, directed, data):
    n, pairs, a, b = case
    keep = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs))), dtype=bool
    )
    network = _network(n, pairs, directed)
    oracle = _oracle(n, pairs, directed, keep)
    backward = "in" if directed else "all"
    direction = "out" if directed else "all"
    path = bidirectional_bfs(
        network.adjacency(direction), network.adjacency(backward), a, b, mask=keep
    )
    if nx.has_path(oracle, a, b):
        assert path is not None
        assert len(path) - 1 == nx.shortest_path_length(oracle, a, b)
        _assert_valid_path(path, pairs, a, b, directed, keep)
    else:
        assert path is None


@SETTINGS
@given(random_graphs(max_nodes=15), st.booleans(), st.booleans())
def test_public_shortest_path_matches_networkx(case, directed, follow):
    n, pairs, a, b = case
    network = _network(n, pairs, directed)
    oracle = _oracle(n, pairs, directed and follow)
    if not nx.has_path(oracle, a, b):
        with pytest.raises(NotFound):
            graph.shortest_path(network, str(a), str(b), follow_direction=follow)
        return
    found = graph.shortest_path(network, str(a), str(b), follow_direction=follow)
    assert found.length == nx.shortest_path_length(oracle, a, b)
    assert found.cost == found.length
    _assert_valid_path([int(v) for v in found.nodes], pairs, a, b, directed and follow)
    for hop in found.hops:
        # Every hop is explained by *all* the edges joining its two nodes.
        u, v = int(hop.source), int(hop.target)
        expected = sum(
            1 for p in pairs if p == (u, v) or ((not directed or not follow) and p == (v, u))
        )
        assert len(hop.edges) == expected


def test_search_on_a_long_chain_meets_in_the_middle():
    n = 10_001
    network = _network(n, [(i, i + 1) for i in range(n - 1)], directed=False)
    found = graph.shortest_path(network, "0", str(n - 1))
    assert found.length == n - 1
    assert found.nodes == [str(i) for i in range(n)]
