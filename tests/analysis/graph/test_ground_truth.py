"""The engine recovers what criminologists found in the real covert-network data sets."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import spearmanr

from tests.shared_data import SHARED_DATA
from usalama.analysis import graph

NETWORKS = SHARED_DATA / "networks"


@pytest.fixture(scope="module")
def caviar_full() -> graph.Network:
    return graph.read_edges_csv(
        NETWORKS / "caviar.csv", where=[graph.ColumnCondition.parse("phase=full")]
    )


def test_caviar_top_three_by_degree_are_serero_morales_perlini(caviar_full):
    top = graph.rank(caviar_full, "degree", top=3)
    assert {s.node for s in top} == {"1", "12", "3"}
    assert top[0].node == "1"
    assert top[0].score == 60


def test_caviar_betweenness_puts_the_mastermind_first(caviar_full):
    assert graph.rank(caviar_full, "betweenness", top=1)[0].node == "1"


def test_caviar_ids_stay_strings_and_sizes_match_the_source(caviar_full):
    assert caviar_full.node_count == 110
    assert caviar_full.edge_count == 205
    assert caviar_full.has_node("1") and not caviar_full.has_node("01")


def test_nine_eleven_mohamed_atta_first_on_degree_and_betweenness():
    network = graph.read_edges_csv(NETWORKS / "nine_eleven_associates.csv")
    assert graph.rank(network, "degree", top=1)[0].node == "Mohamed Atta"
    assert graph.rank(network, "betweenness", top=1)[0].node == "Mohamed Atta"


def test_noordin_top_first_and_azhari_second_over_all_relations():
    network = graph.read_edges_csv(NETWORKS / "noordin_top.csv")
    top = graph.rank(network, "degree", top=2)
    assert [s.node for s in top] == ["Noordin Mohammed Top", "Azhari Husin"]


def test_noordin_relation_filter_narrows_the_network():
    network = graph.read_edges_csv(NETWORKS / "noordin_top.csv")
    kin = graph.filter_network(network, graph.EdgeFilter(relations={"kinship"}))
    assert kin.edge_count == 16
    assert set(kin.edges["relation"].unique().to_list()) == {"kinship"}


def test_london_gang_degree_tracks_seniority():
    network = graph.read_edges_csv(NETWORKS / "london_gang.csv")
    degree = dict(
        zip(network.node_ids.to_list(), graph.centrality(network, "degree").tolist(), strict=True)
    )
    members = pl.read_csv(NETWORKS / "london_gang_members.csv")
    ids = [str(int(i)) for i in members["id"].to_list()]
    degrees = [degree.get(i, 0.0) for i in ids]
    rho = spearmanr(degrees, members["Ranking"].to_list()).statistic
    assert rho <= -0.6


def test_caviar_phases_show_serero_central_in_most_phases():
    network = graph.read_edges_csv(
        NETWORKS / "caviar.csv", where=[graph.ColumnCondition.parse("phase!=full")]
    )
    parts = graph.slices_by_column(network, "phase")
    assert [label for label, _ in parts] == [str(i) for i in range(1, 12)]
    result = graph.evolution(parts, top=3)
    leaders = [s.top["degree"][0].node for s in result.slices]
    assert leaders.count("1") >= 7
    assert len(result.changes) == 10
    assert result.slices[0].nodes == 15
