"""`usalama graph ...` end to end on the shared real data, plus bad input."""

from __future__ import annotations

import json

import pytest

from tests.shared_data import SHARED_DATA
from usalama import cli

NETWORKS = SHARED_DATA / "networks"
CAVIAR = str(NETWORKS / "caviar.csv")
NINE_ELEVEN = str(NETWORKS / "nine_eleven_associates.csv")
NOORDIN = str(NETWORKS / "noordin_top.csv")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    # cli.main() registers the sub-apps once per process, so repeated calls are cheap.
    try:
        cli.main(["graph", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv: str):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_rank_caviar_degree_top_three(capsys):
    result = run_json(capsys, "rank", "--edges", CAVIAR, "--where", "phase=full", "--top", "3")
    assert [row["node"] for row in result] == ["1", "12", "3"]
    assert result[0] == {"node": "1", "score": 60.0}


def test_rank_caviar_betweenness_first_is_serero(capsys):
    result = run_json(
        capsys,
        "rank",
        "--edges",
        CAVIAR,
        "--where",
        "phase=full",
        "--measure",
        "betweenness",
        "--top",
        "5",
    )
    assert result[0]["node"] == "1"
    scores = [row["score"] for row in result]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("measure", ["degree", "betweenness"])
def test_rank_nine_eleven_atta_first(capsys, measure):
    result = run_json(capsys, "rank", "-e", NINE_ELEVEN, "--measure", measure)
    assert result[0]["node"] == "Mohamed Atta"
    assert len(result) == 10


def test_rank_noordin_union_and_relation_filter(capsys):
    result = run_json(capsys, "rank", "-e", NOORDIN, "--top", "2")
    assert [row["node"] for row in result] == ["Noordin Mohammed Top", "Azhari Husin"]
    kin = run_json(capsys, "rank", "-e", NOORDIN, "--filter-type", "kinship", "--top", "50")
    assert len(kin) < 30


def test_rank_other_measures_have_the_documented_shape(capsys):
    for measure in ("weighted_degree", "eigenvector", "pagerank", "fragmentation"):
        result = run_json(
            capsys,
            "rank",
            "-e",
            CAVIAR,
            "--where",
            "phase=full",
            "--measure",
            measure,
            "--top",
            "3",
        )
        assert [set(row) for row in result] == [{"node", "score"}] * 3
        assert result[0]["node"] == "1"


def test_communities_shape_and_coverage(capsys):
    result = run_json(capsys, "communities", "-e", CAVIAR, "--where", "phase=full")
    assert set(result) == {"modularity", "communities"}
    assert 0.3 < result["modularity"] < 0.7
    assert len(result["communities"]) == 110
    assert {row["node"] for row in result["communities"]} >= {"1", "3", "12"}
    assert all(isinstance(row["community"], int) for row in result["communities"])


def test_path_shortest_and_all(capsys):
    result = run_json(
        capsys, "path", "-e", NINE_ELEVEN, "--from", "Mohamed Atta", "--to", "Hani Hanjour"
    )
    assert result["path"][0] == "Mohamed Atta" and result["path"][-1] == "Hani Hanjour"
    assert len(result["path"]) == 3
    assert len(result["edges"]) == 2
    assert result["edges"][0]["edges"][0]["provenance"][0].startswith("nine_eleven_associates.csv:")
    every = run_json(
        capsys,
        "path",
        "-e",
        NINE_ELEVEN,
        "--from",
        "Mohamed Atta",
        "--to",
        "Hani Hanjour",
        "--all",
        "--max-length",
        "3",
    )
    assert set(every) == {"paths"}
    assert ["Mohamed Atta", "Lofti Raissi", "Hani Hanjour"] in every["paths"]
    assert all(len(p) <= 4 for p in every["paths"])


def test_path_none_is_a_clear_error(capsys, tmp_path):
    file = tmp_path / "two.csv"
    file.write_text("source,target\na,b\nc,d\n")
    code, out, err = run(capsys, "path", "-e", str(file), "--from", "a", "--to", "d", "--json")
    assert code != 0 and out == ""
    assert err.strip() == "usalama: error: no path from 'a' to 'd'"


def test_expand_caviar(capsys):
    result = run_json(
        capsys, "expand", "-e", CAVIAR, "--where", "phase=full", "--node", "100", "--hops", "1"
    )
    assert set(result["nodes"]) == {"100", "1"}
    assert len(result["edges"]) == 1
    two = run_json(
        capsys, "expand", "-e", CAVIAR, "--where", "phase=full", "--node", "100", "--hops", "2"
    )
    assert len(two["nodes"]) == 61  # node 1 and its 60 neighbours, 100 among them


def test_slices_caviar_phases(capsys):
    result = run_json(
        capsys, "slices", "-e", CAVIAR, "--time-col", "phase", "--where", "phase!=full"
    )
    labels = [s["label"] for s in result["slices"]]
    assert labels == [str(i) for i in range(1, 12)]
    assert result["slices"][0]["nodes"] == 15
    assert result["slices"][7]["top"]["degree"][0]["node"] == "1"
    assert len(result["changes"]) == 10


def test_tables_without_json(capsys):
    code, out, _ = run(capsys, "rank", "-e", CAVIAR, "--where", "phase=full", "--top", "3")
    assert code == 0 and "Top 3 by degree" in out and "60" in out
    code, out, _ = run(
        capsys, "slices", "-e", CAVIAR, "--time-col", "phase", "--where", "phase!=full"
    )
    assert code == 0 and "Network by slice" in out
    code, out, _ = run(capsys, "brokers", "-e", NOORDIN)
    assert code == 0 and "Noordin Mohammed Top" in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "edges file not found"),
        (b"", [], "file is empty"),
        (b"\x00\x01\x02PK\x03\x04garbage\x00", [], "binary"),
        ("source,target\nJos\xe9,b\n".encode("latin-1"), [], "not UTF-8"),
        (b"from,to\na,b\n", [], "no source column 'source'"),
        (b"source,target,weight\na,b,1\nb,c,heavy\n", [], "line 3, column 'weight'"),
        (b"source,target\na,b\n", ["--weight-col", "w"], "no weight column 'w'"),
        (b"source,target\n", [], "no edge rows"),
        (b"source,target\na,b\n", ["--where", "phase=1"], "no column 'phase'"),
    ],
)
def test_bad_input_gives_one_line_error(capsys, tmp_path, content, args, message):
    file = tmp_path / "edges.csv"
    if content is not None:
        file.write_bytes(content)
    code, out, err = run(capsys, "rank", "--edges", str(file), *args, "--json")
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("usalama: error: ")
    assert message in lines[0]


def test_unknown_node_is_reported(capsys):
    code, _, err = run(capsys, "expand", "-e", CAVIAR, "--node", "999", "--json")
    assert code == 3
    assert err.strip() == "usalama: error: node '999' is not in the network"
