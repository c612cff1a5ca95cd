"""Typology detectors on hand-made patterns, and accuracy on the AMLSim samples."""

from __future__ import annotations

import polars as pl
import pytest
from benchmarks.money_eval import evaluate

from tests.shared_data import SHARED_DATA
from usalama.analysis.money import TypologyConfig, scan_typologies

DAY = 86_400.0
HOUR = 3_600.0


def frame(
    rows: list[tuple[str, str, float, float]], currency: str = "USD", channel: str = "bank"
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "currency": [currency] * len(rows),
            "time": [r[3] for r in rows],
            "channel": [channel] * len(rows),
            "reference": [""] * len(rows),
        }
    )


def typologies_of(rows: pl.DataFrame, config: TypologyConfig | None = None) -> dict[str, list[str]]:
    report = scan_typologies(rows, config)
    return {row["account"]: row["typologies"] for row in report.accounts.to_dicts()}


def test_split_payments_and_evidence() -> None:
    rows = frame(
        [
            ("A", "B", 990.0, 0.0),
            ("A", "B", 1000.0, HOUR),
            ("A", "B", 1010.0, 2 * HOUR),
            ("C", "D", 100.0, 0.0),
            ("C", "D", 900.0, HOUR),
            ("C", "D", 500.0, 2 * HOUR),
        ]
    )
    report = scan_typologies(rows)
    flagged = {row["account"]: row["typologies"] for row in report.accounts.to_dicts()}
    assert flagged == {
        "A": ["split_payments"],
        "B": ["split_payments"],
    }  # C→D amounts differ too much
    assert sorted(report.evidence_for("A")["transfer"].to_list()) == [0, 1, 2]
    assert report.accounts["score"].to_list() == [0.6, 0.6]


def test_structuring_just_under_threshold() -> None:
    rows = frame(
        [("A", "BANK", 9_500.0, 0.0), ("A", "BANK", 9_800.0, 2 * DAY), ("E", "BANK", 5_000.0, 0.0)]
    )
    flagged = typologies_of(rows)
    assert "structuring" in flagged["A"]
    assert "E" not in flagged
    assert typologies_of(rows, TypologyConfig(reporting_thresholds={})) == {}


def test_fan_in_relative_to_baseline() -> None:
    quiet = [(f"s{i}", "HUB", 100.0 + i, i * DAY) for i in range(30)]  # one a day: normal
    burst = [(f"m{i}", "MULE", 100.0 + 7 * i, 10 * DAY + i * 60) for i in range(12)]
    usual = [("x", "MULE", 50.0, d * DAY) for d in range(20)]
    flagged = typologies_of(frame(quiet + burst + usual))
    assert flagged.get("MULE") == ["fan_in"]
    assert "HUB" not in flagged


def test_cycle_time_ordered_and_decaying() -> None:
    cycle = [("A", "B", 1000.0, 0.0), ("B", "C", 950.0, DAY), ("C", "A", 900.0, 2 * DAY)]
    assert all("cycle" in t for t in typologies_of(frame(cycle)).values())
    out_of_order = [("A", "B", 1000.0, 2 * DAY), ("B", "C", 950.0, DAY), ("C", "A", 900.0, 0.0)]
    assert typologies_of(frame(out_of_order)) == {}


def test_scatter_gather_and_rapid_pass_through() -> None:
    rows = []
    for i in range(4):
        rows += [("S", f"m{i}", 1000.0, i * HOUR), (f"m{i}", "T", 980.0, i * HOUR + 1800)]
    flagged = typologies_of(frame(rows), TypologyConfig(pass_through_min_events=1))
    assert "scatter_gather" in flagged["S"] and "scatter_gather" in flagged["T"]
    assert "rapid_pass_through" in flagged["m0"]


def test_peel_chain_only_on_crypto() -> None:
    rows = []
    value = 10.0
    for hop in range(4):
        rows += [
            (f"w{hop}", f"w{hop + 1}", value * 0.9, hop * HOUR),
            (f"w{hop}", f"peel{hop}", value * 0.1, hop * HOUR),
        ]
        value *= 0.9
    assert "peel_chain" in typologies_of(frame(rows, currency="BTC", channel="crypto"))["w1"]
    assert all("peel_chain" not in t for t in typologies_of(frame(rows, currency="BTC")).values())


@pytest.mark.parametrize("sample", ["fanin200", "cycle200"])
def test_amlsim_account_f1(sample: str) -> None:
    results = evaluate(SHARED_DATA / "money" / "amlsim" / sample)
    precision, recall, f1 = results["any"]
    print(f"{sample}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    assert f1 >= 0.5
