"""Accuracy of the money typology scan on the AMLSim samples (ground truth: ``isFraud``).

    .venv/bin/python benchmarks/money_eval.py [--data ../shared/data/money/amlsim]

Prints, per sample, account-level precision / recall / F1 of "flagged by any typology"
and the precision / recall of each typology on its own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

from usalama.analysis.money import read_transfers_csv, scan_typologies

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "money" / "amlsim"


def precision_recall(flagged: set[str], truth: set[str]) -> tuple[float, float, float]:
    hits = len(flagged & truth)
    precision = hits / len(flagged) if flagged else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(sample_dir: Path) -> dict[str, tuple[float, float, float]]:
    nodes = pl.read_csv(sample_dir / "nodes.csv")
    truth = set(nodes.filter(pl.col("isFraud") == 1)["nodeid"].cast(pl.Utf8).to_list())
    report = scan_typologies(read_transfers_csv(sample_dir / "transactions.csv"))
    results = {"any": precision_recall(set(report.accounts["account"].to_list()), truth)}
    per_typology = report.evidence.select("typology", "account").unique()
    for typology in sorted(per_typology["typology"].unique().to_list()):
        flagged = per_typology.filter(pl.col("typology") == typology)["account"]
        results[typology] = precision_recall(set(flagged.to_list()), truth)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    for sample in ("fanin200", "cycle200"):
        started = time.perf_counter()
        results = evaluate(args.data / sample)
        elapsed = time.perf_counter() - started
        print(f"## {sample} ({elapsed:.1f} s)")
        print(f"{'typology':<20} {'precision':>9} {'recall':>7} {'F1':>6}")
        for name, (precision, recall, f1) in results.items():
            print(f"{name:<20} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}")


if __name__ == "__main__":
    main()
