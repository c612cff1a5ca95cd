"""`usalama oversight eis`: score file shape, backtest JSON, outcomes + fairness, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.analysis.oversight.conftest import write_world
from usalama.cli import main


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Engine commands need no Django (shadows the root conftest's fixture)."""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    paths = write_world(tmp_path_factory.mktemp("eiscli"))
    return ["--officers", str(paths[0]), "--complaints", str(paths[1]),
            "--force", str(paths[2]), "--units", str(paths[3])]  # fmt: skip


def test_score_writes_every_active_officer(files: list[str], tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    main(["oversight", "eis", "score", *files, "--as-of", "2010-01-01", "--out", str(out)])
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 60
    assert list(rows[0]) == ["officer_id", "score", "top_factors"]
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert "=" in rows[0]["top_factors"]


def test_backtest_json_and_fairness(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "oversight",
            "eis",
            "backtest",
            *files,
            "--cutoffs",
            "2009-01-01",
            "--top",
            "5%,10%",
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["cutoffs"][0]["cutoff"] == "2009-01-01"
    assert set(report["total"]["caught"]["rule_5y"]) == {"5%", "10%"}
    assert set(report["total"]["model_vs_best_rule"]) == {"5%", "10%"}

    scores, outcomes = tmp_path / "s.csv", tmp_path / "o.csv"
    main(
        [
            "oversight",
            "eis",
            "score",
            *files,
            "--as-of",
            "2009-01-01",
            "--reconstruct",
            "--out",
            str(scores),
        ]
    )
    main(["oversight", "eis", "outcomes", *files, "--as-of", "2009-01-01", "--out", str(outcomes)])
    capsys.readouterr()
    main(["oversight", "eis", "fairness", "--scores", str(scores), "--officers", files[1],
          "--outcomes", str(outcomes), "--group", "gender", "--top", "10%", "--json"])  # fmt: skip
    table = json.loads(capsys.readouterr().out)
    assert {g["group"] for g in table["groups"]} == {"M", "F"}
    assert sum(g["flagged"] for g in table["groups"]) == 6
    for key in ("flag_rate", "precision", "fpr", "fnr", "fpr_disparity"):
        assert key in table["groups"][0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "2010-13-01"], "--as-of must be a YYYY-MM-DD date"),
        (["--as-of", "1990-01-01"], "nothing to learn"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    files: list[str],
    tmp_path: Path,
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["oversight", "eis", "score", *files, *argv, "--out", str(tmp_path / "x.csv")])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_fairness_rejects_a_bad_share(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["oversight", "eis", "fairness", "--scores", files[1], "--officers", files[1],
              "--outcomes", files[1], "--top", "150%"])  # fmt: skip
    assert exit_info.value.code == 2
    assert "--top" in capsys.readouterr().err
