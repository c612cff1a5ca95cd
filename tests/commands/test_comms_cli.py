"""`usalama comms colocate` and `usalama comms chats` end to end (no Django needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from usalama.analysis.comms import synthetic
from usalama.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "comms"


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(["comms", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_colocate_json_shape_and_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    generated = synthetic.generate(
        rows=3_000, subscribers=300, planted_pairs=5, decoy_pairs=5, meetings_per_pair=3, seed=3
    )
    cdr_file, cells_file = tmp_path / "cdr.csv", tmp_path / "cells.csv"
    generated.cdr.write_csv(cdr_file)
    generated.cells.write_csv(cells_file)
    code, out, err = run(
        capsys,
        "colocate",
        "--cdr",
        str(cdr_file),
        "--cells",
        str(cells_file),
        "--window-minutes",
        "15",
        "--max-distance-m",
        "1000",
        "--json",
    )
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload) == ["pairs"]
    pairs = payload["pairs"]
    assert all(set(p) == {"a", "b", "meetings", "first", "last"} for p in pairs)
    assert all(p["a"].startswith("+254") and p["b"].startswith("+254") for p in pairs)
    assert [p["meetings"] for p in pairs] == sorted((p["meetings"] for p in pairs), reverse=True)
    top = {(p["a"], p["b"]) for p in pairs if p["meetings"] >= 3}
    assert generated.planted <= top
    assert not {(p["a"], p["b"]) for p in pairs} & generated.decoys
    assert all(p["first"] <= p["last"] for p in pairs)


def test_colocate_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cdr_file, cells_file = tmp_path / "cdr.csv", tmp_path / "cells.csv"
    cdr_file.write_text("msisdn,when\n0711000001,today\n", encoding="utf-8")
    cells_file.write_text("cell_id,lat,lon\n639-2-1-1,-1.2,36.8\n", encoding="utf-8")
    code, _, err = run(capsys, "colocate", "--cdr", str(cdr_file), "--cells", str(cells_file))
    assert code == 2 and "no column(s)" in err and "a_number" in err


def test_chats_writes_ftm_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "chat.ftm.json"
    code, out, err = run(
        capsys,
        "chats",
        str(FIXTURES / "malformed.txt"),
        "--format",
        "whatsapp",
        "--out",
        str(out_file),
        "--court-order",
        "MCCR/E9/2026",
    )
    assert code == 0
    assert "2 messages from 1 senders" in out
    assert "line 1, text: text before the first message" in err
    assert "line 3, timestamp" in err
    lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [e["schema"] for e in lines].count("Message") == 2
    document = lines[0]
    assert document["schema"] == "Document"
    assert "Court order: MCCR/E9/2026" in document["properties"]["notes"]


def test_chats_refuses_what_is_not_a_chat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("nothing here\n", encoding="utf-8")
    code, _, err = run(capsys, "chats", str(bad), "--out", str(tmp_path / "o.json"))
    assert code == 2 and "not a chat export" in err
