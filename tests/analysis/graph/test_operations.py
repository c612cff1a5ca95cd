"""Loading, aggregation, filters, paths, expansion, communities, brokers and time slices."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from usalama.analysis import graph
from usalama.core.errors import InvalidInput, NotFound


@pytest.fixture
def calls() -> graph.Network:
    frame = pl.DataFrame(
        {
            "caller": ["A", "B", "A", "C", "D", "E", "A"],
            "callee": ["B", "A", "C", "D", "E", "F", "B"],
            "kind": ["call", "call", "meeting", "call", "payment", "call", "meeting"],
            "when": [
                "2024-01-01",
                "2024-01-05T10:30:00",
                "2024-02-01",
                "2024-03-01",
                "2024-04-01",
                "2024-05-01",
                "2024-06-01",
            ],
            "amount": [1.0, 2.0, 5.0, 1.0, 10.0, 1.0, 3.0],
            "statement": ["s1", "s2", "s3|s4", "s5", "s6", "s7", "s8"],
            "collection": ["police", "police", "ipoa", "police", "police", "ipoa", "police"],
        }
    )
    columns = graph.EdgeColumns(
        source="caller",
        target="callee",
        relation="kind",
        date="when",
        weight="amount",
        provenance="statement",
        tags="collection",
    )
    return graph.network_from_frame(frame, columns)


def test_aggregation_merges_pairs_per_relation(calls):
    merged = graph.aggregate_edges(calls.edges, directed=False)
    ab_calls = merged.filter(pl.col("relation") == "call").row(0, named=True)
    assert ab_calls["count"] == 2
    assert ab_calls["weight"] == 3.0
    assert ab_calls["first_date"].date() == date(2024, 1, 1)
    assert ab_calls["last_date"].isoformat() == "2024-01-05T10:30:00"
    assert ab_calls["provenance"] == ["s1", "s2"]


def test_directed_aggregation_keeps_directions_apart(calls):
    merged = graph.aggregate_edges(calls.edges, directed=True)
    assert merged.filter(pl.col("relation") == "call").height == 4


def test_shortest_path_explains_every_hop_with_all_its_edges(calls):
    found = graph.shortest_path(calls, "B", "D")
    assert found.nodes == ["B", "A", "C", "D"]
    first_hop = found.hops[0]
    assert {e.relation for e in first_hop.edges} == {"call", "meeting"}
    assert sorted(ref for e in first_hop.edges for ref in e.provenance) == ["s1", "s2", "s8"]
    assert found.hops[1].edges[0].provenance == ("s3", "s4")
    assert found.to_dict()["edges"][2]["edges"][0]["first_date"] == "2024-03-01"


def test_weighted_paths_use_the_chosen_cost():
    frame = pl.DataFrame(
        {"source": ["a", "b", "a"], "target": ["b", "c", "c"], "weight": [1.0, 1.0, 5.0]}
    )
    network = graph.network_from_frame(frame)
    assert graph.shortest_path(network, "a", "c").nodes == ["a", "c"]
    assert graph.shortest_path(network, "a", "c", cost="weight").nodes == ["a", "b", "c"]
    assert graph.shortest_path(network, "a", "c", cost="weight").cost == 2.0
    assert graph.shortest_path(network, "a", "c", cost="inverse_weight").nodes == ["a", "c"]


def test_directed_paths_follow_arrows():
    frame = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    network = graph.network_from_frame(frame, directed=True)
    assert graph.shortest_path(network, "a", "c").nodes == ["a", "b", "c"]
    with pytest.raises(NotFound):
        graph.shortest_path(network, "c", "a")
    assert graph.shortest_path(network, "c", "a", follow_direction=False).length == 2


def test_filters_restrict_paths_and_expansion(calls):
    only_calls = graph.EdgeFilter(relations={"call"})
    with pytest.raises(NotFound):
        graph.shortest_path(calls, "B", "D", edge_filter=only_calls)
    police = graph.EdgeFilter(allowed_tags={"police"})
    reach = graph.expand(calls, "A", hops=5, edge_filter=police)
    assert set(reach.nodes) == {"A", "B"}
    window = graph.EdgeFilter(start="2024-02-01", end="2024-04-30")
    reach = graph.expand(calls, "C", hops=3, edge_filter=window)
    assert reach.distances == {"C": 0, "A": 1, "D": 1, "E": 2}
    heavy = graph.EdgeFilter(min_weight=5, predicate=lambda e: e.relation != "payment")
    assert graph.filter_network(calls, heavy).edge_count == 1


def test_expand_reports_distances_and_crossed_edges(calls):
    reach = graph.expand(calls, ["B"], hops=2)
    assert reach.distances == {"B": 0, "A": 1, "C": 2}
    assert len(reach.edges) == 4  # B-A three times, A-C once
    assert graph.expand(calls, "B", hops=2, max_edges=2).truncated


def test_unknown_node_is_not_found(calls):
    with pytest.raises(NotFound, match="'Z'"):
        graph.expand(calls, "Z", hops=1)


def test_all_simple_paths_are_unique_and_sorted():
    frame = pl.DataFrame({"source": ["a", "a", "b", "c", "a"], "target": ["b", "c", "d", "d", "b"]})
    network = graph.network_from_frame(frame)
    paths = graph.all_simple_paths(network, "a", "d", max_length=3)
    assert [p.nodes for p in paths] == [["a", "b", "d"], ["a", "c", "d"]]
    assert graph.all_simple_paths(network, "a", "d", max_length=1) == []


def test_time_slices(calls):
    assert graph.as_of(calls, "2024-01-31").node_count == 2
    assert graph.as_of(calls, date(2024, 3, 1)).edge_count == 4
    spring = graph.within(calls, "2024-03-01", "2024-04-30")
    assert set(spring.node_ids.to_list()) == {"C", "D", "E"}
    change = graph.compare(graph.as_of(calls, "2024-02-28"), calls, top=2)
    assert change.nodes_added == ["D", "E", "F"]
    assert ("C", "D") in change.ties_added
    monthly = graph.slices_by_period(calls, "1mo")
    assert [label for label, _ in monthly][:2] == ["2024-01-01", "2024-02-01"]


def test_communities_are_deterministic_and_numbered_by_size():
    frame = pl.DataFrame(
        {
            "source": ["a", "a", "b", "x", "x", "y", "c", "d", "d", "e"],
            "target": ["b", "c", "c", "y", "z", "z", "x", "e", "f", "f"],
        }
    )
    network = graph.network_from_frame(frame)
    first = graph.communities(network, seed=7)
    assert first == graph.communities(network, seed=7)
    assert first.count == 3
    assert first.membership["a"] == first.membership["b"] == first.membership["c"]
    assert first.membership["a"] != first.membership["x"]
    assert 0.3 < first.modularity < 0.6


def test_brokers_and_bridges_on_a_barbell():
    frame = pl.DataFrame(
        {
            "source": ["a", "a", "b", "c", "d", "d", "e"],
            "target": ["b", "c", "c", "d", "e", "f", "f"],
        }
    )
    network = graph.network_from_frame(frame)
    assert [(b.source, b.target) for b in graph.bridges(network)] == [("c", "d")]
    top = graph.brokers(network, top=2)
    assert {b.node for b in top} == {"c", "d"}
    assert all(b.articulation_point and b.components_added == 1 for b in top)
    impact = graph.removal_impact(network)
    assert impact[0].node in {"c", "d"} and impact[0].components_increase == 1
    assert impact[0].fragmentation == pytest.approx(1 - (2 * 1 + 3 * 2) / (5 * 4))


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pl.DataFrame({"source": ["a"], "target": [""]}), "row 1, column 'target': empty node id"),
        (pl.DataFrame({"source": ["a"], "target": ["b"], "weight": ["x"]}), "weight 'x'"),
        (pl.DataFrame({"source": ["a"], "target": ["b"], "weight": ["-1"]}), "non-negative"),
        (pl.DataFrame({"source": ["a"], "target": ["b"], "date": ["31/12/2020"]}), "ISO date"),
        (pl.DataFrame({"from": ["a"], "target": ["b"]}), "no source column 'source'"),
        (pl.DataFrame({"source": [], "target": []}), "no edge rows"),
    ],
)
def test_bad_frames_raise_invalid_input_naming_the_problem(frame, message):
    with pytest.raises(InvalidInput, match=message):
        graph.network_from_frame(frame)


def test_csv_errors_cite_the_real_line_after_filtering(tmp_path):
    file = tmp_path / "edges.csv"
    file.write_text("source,target,weight,phase\na,b,1,x\nc,d,oops,y\n")
    with pytest.raises(InvalidInput, match=r"edges.csv, line 3, column 'weight'"):
        graph.read_edges_csv(file, where=[graph.ColumnCondition.parse("phase=y")])
