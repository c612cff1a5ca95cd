"""`usalama justice kpis` end to end through the root CLI (no Django needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.analysis.justice.test_kpis import HAND_LOG
from usalama.analysis.justice import KPI_KEYS
from usalama.cli import main


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(["justice", *argv])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_kpis_json_has_exactly_the_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.csv"
    log.write_text(HAND_LOG)
    code, out, _ = run(
        capsys, "kpis", "--events", str(log), "--from", "2026-01-01", "--to", "2026-02-01", "--json"
    )
    assert code == 0
    figures = json.loads(out)
    assert list(figures) == list(KPI_KEYS)
    assert figures["arrests"] == 4 and figures["median_remand_days"] == 6.25
    code, out, _ = run(
        capsys,
        "kpis",
        "--events",
        str(log),
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
        "--tz",
        "UTC",
        "--json",
    )
    assert code == 0 and json.loads(out)["pending_at_end"] == 2


def test_a_bad_row_prints_nothing_and_names_line_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "events.csv"
    log.write_text(HAND_LOG + "C9,Z,judgment,2026-01-03T08:00:00+03:00,pardoned\n")
    code, out, err = run(
        capsys, "kpis", "--events", str(log), "--from", "2026-01-01", "--to", "2026-02-01", "--json"
    )
    assert code == 2
    assert out == ""
    assert "line 28" in err and "'pardoned'" in err


def test_bad_dates_and_zone_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "events.csv"
    log.write_text(HAND_LOG)
    code, _, err = run(
        capsys, "kpis", "--events", str(log), "--from", "2026-13-01", "--to", "2026-02-01"
    )
    assert code == 2 and "--from" in err
    code, _, err = run(
        capsys,
        "kpis",
        "--events",
        str(log),
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
        "--tz",
        "Mars/Base",
    )
    assert code == 2 and "Mars/Base" in err
