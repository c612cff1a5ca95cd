"""How much a resolution model's F1 moves with its training sample alone (issue 21).

Trains the person model on DuckDB over the same generated people once per u-sampling seed
(``train_model(seed=...)``; everything else as in ``spark_bench.py resolve``), then predicts,
clusters and scores each against the generator's truth. The spread across seeds is the yardstick
for a gap between two engines that each trained their own model.

    .venv/bin/python benchmarks/resolve_seed_spread.py --rows 1000000 --seed 42 --seed 7 --seed 123
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="generated people")
    parser.add_argument("--seed", type=int, action="append", help="u-sampling seed (repeat)")
    parser.add_argument("--people-seed", type=int, default=5, help="the generator's seed")
    parser.add_argument("--duckdb-memory", default="4GB")
    args = parser.parse_args()

    from usalama.analysis.resolve import (
        DEFAULT_THRESHOLD,
        cluster,
        duckdb_backend,
        predict_pairs,
        prepare_records,
        train_model,
    )
    from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs
    from usalama.demo import generate_person_table

    people = generate_person_table(args.rows, seed=args.people_seed)
    truth = people.select("record_id", pl.col("true_id").alias("cluster_id"))
    prepared = prepare_records(people.drop("true_id").rename({"agency": "source"}))
    for seed in args.seed or [42, 7, 123]:
        with tempfile.TemporaryDirectory() as spill:
            started = time.perf_counter()
            backend = duckdb_backend(
                threads=2, memory_limit=args.duckdb_memory, temp_directory=spill
            )
            model = train_model(prepared, backend=backend, seed=seed)
            pairs = predict_pairs(model, threshold=DEFAULT_THRESHOLD)
            clusters = cluster(pairs, prepared["record_id"], DEFAULT_THRESHOLD)
            score = score_pairs(cluster_pairs(clusters), cluster_pairs(truth))
            print(
                f"{args.rows:,} people, u-sampling seed {seed}: F1 {score.f1:.4f} "
                f"(precision {score.precision:.4f}, recall {score.recall:.4f}), "
                f"{pairs.height:,} pairs, {time.perf_counter() - started:.0f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
