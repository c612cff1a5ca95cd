"""`usalama money …` end to end through the root CLI (no Django needed)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.shared_data import SHARED_DATA
from usalama.cli import main

MONEY = SHARED_DATA / "money"


@pytest.fixture
def settings() -> SimpleNamespace:
    # the root conftest's autouse fixture asks for pytest-django's settings; these tests need none
    return SimpleNamespace()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(["money", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_typologies_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "typologies",
        "--transactions",
        str(MONEY / "amlsim" / "cycle200" / "transactions.csv"),
        "--source-col",
        "sourceNodeId",
        "--target-col",
        "targetNodeId",
        "--amount-col",
        "value",
        "--time-col",
        "time",
        "--json",
    )
    assert code == 0
    accounts = json.loads(out)["accounts"]
    assert len(accounts) > 300
    assert {"account", "typologies", "score"} <= set(accounts[0])


def test_trace_json(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.csv"
    path.write_text(
        "source,target,amount,time\nC,M,100,1\nS,M,100,2\nM,X,50,3\nM,Y,100,4\nM,Z,50,5\n"
    )
    code, out, _ = run(
        capsys,
        "trace",
        "--transactions",
        str(path),
        "--from",
        "S",
        "--direction",
        "forward",
        "--model",
        "fifo",
        "--hops",
        "3",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    tainted = {e["target"]: e["tainted"] for e in payload["edges"]}
    assert tainted == {"M": 100.0, "Y": 50.0, "Z": 50.0}
    assert payload["hops"] == [
        {"hop": 1, "transfers": 1, "tainted": 100.0},
        {"hop": 2, "transfers": 2, "tainted": 100.0},
    ]


def test_cluster_writes_csv(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out_path = tmp_path / "clusters.csv"
    code, _, err = run(
        capsys,
        "cluster",
        "--blocks",
        str(MONEY / "bitcoin" / "277647.dat.bz2"),
        "--format",
        "raw",
        "--out",
        str(out_path),
    )
    assert code == 0
    assert "213 transactions" in err
    lines = out_path.read_text().splitlines()
    assert lines[0] == "address,cluster_id"
    assert len(lines) > 900


def test_screen_json(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    listed = (MONEY / "sanctions" / "ofac_XBT.txt").read_text().split()[0]
    addresses = tmp_path / "addresses.txt"
    addresses.write_text(f"{listed}\n1BoatSLRHtKNngkdXEeobR76b53LETtpyT\n")
    code, out, _ = run(
        capsys,
        "screen",
        "--addresses",
        str(addresses),
        "--lists",
        str(MONEY / "sanctions"),
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["checked"] == 2
    assert [hit["address"] for hit in payload["hits"]] == [listed]


def test_bad_input_is_one_line_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,amount,time\nA,B,lots,1\n")
    code, _, err = run(capsys, "typologies", "--transactions", str(bad), "--json")
    assert code == 2
    assert err.startswith("usalama: error: ") and "row 2, column 'amount'" in err
    code, _, err = run(
        capsys, "trace", "--transactions", str(bad), "--from", "A", "--model", "lifo"
    )
    assert code == 2
    code, _, err = run(capsys, "cluster", "--blocks", str(bad), "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "usalama: error:" in err
