"""`usalama watchlist screen|generate` on plain files through the root CLI (no Django)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from usalama.cli import main


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(["watchlist", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_screen_json_lists_matches_best_first(tmp_path: Path, capsys) -> None:
    watchlist = _write(
        tmp_path / "w.jsonl",
        [
            {"id": "w1", "schema": "Person", "properties": {"name": ["Ali Omar Juma"]}},
            {"id": "v1", "schema": "Vehicle", "properties": {"registrationNumber": ["KBZ 456C"]}},
        ],
    )
    records = _write(
        tmp_path / "r.jsonl",
        [
            {"id": "r1", "schema": "Person", "properties": {"name": ["Juma Omari Ali"]}},
            {"id": "r2", "schema": "Vehicle", "properties": {"registrationNumber": ["KBZ4S6C"]}},
            {"id": "r3", "schema": "Person", "properties": {"name": ["Grace Wanjiru"]}},
        ],
    )
    code, out, _ = run(
        capsys, "screen", "--watchlist", str(watchlist), "--records", str(records), "--json"
    )
    assert code == 0
    matches = json.loads(out)["matches"]
    assert {(m["record_id"], m["entry_id"]) for m in matches} == {("r1", "w1"), ("r2", "v1")}
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert all(m["explanation"] for m in matches)


def test_bad_line_names_file_and_line(tmp_path: Path, capsys) -> None:
    watchlist = _write(tmp_path / "w.jsonl", [])
    records = tmp_path / "r.jsonl"
    records.write_text('{"id": "a", "schema": "Person", "properties": {}}\nnot json\n')
    code, _, err = run(capsys, "screen", "--watchlist", str(watchlist), "--records", str(records))
    assert code == 2
    assert "r.jsonl:2" in err


def test_generate_then_screen_round_trip(tmp_path: Path, capsys) -> None:
    code, _, _ = run(
        capsys, "generate", "--out", str(tmp_path), "--persons", "200", "--records", "2000"
    )
    assert code == 0
    truth = (tmp_path / "truth.csv").read_text().splitlines()[1:]
    code, out, _ = run(
        capsys,
        "screen",
        "--watchlist",
        str(tmp_path / "watchlist.jsonl"),
        "--records",
        str(tmp_path / "records.jsonl"),
        "--json",
    )
    found = {f"{m['record_id']},{m['entry_id']}" for m in json.loads(out)["matches"]}
    assert len(found & set(truth)) >= 0.9 * len(truth) > 100
