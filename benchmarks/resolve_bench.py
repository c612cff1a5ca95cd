"""Scale benchmark: dedupe synthetic East-African people, timed, with peak memory and F1.

    .venv/bin/python benchmarks/resolve_bench.py                  # 1,000,000 rows
    .venv/bin/python benchmarks/resolve_bench.py --rows 200000
    .venv/bin/python benchmarks/resolve_bench.py --quick          # 50,000 rows
    .venv/bin/python benchmarks/resolve_bench.py --train-seed 7   # another u-sampling seed

Targets: 1M rows in <= 5 minutes and <= 4 GB peak RSS on 2 cores. Generating the data is
not timed (it is the demo generator's cost, not the engine's); everything from the
standard frame to the cluster table is. Peak RSS is sampled every 0.2 s with psutil over
the whole process, generator included. ``--train-seed`` changes only the training's
u-sampling seed: run it with a few seeds to see how much F1 moves with the training sample
alone (the yardstick for a gap between two engines that each trained their own model).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

import polars as pl
import psutil

from usalama.analysis.resolve import (
    DEFAULT_THRESHOLD,
    cluster,
    duckdb_backend,
    predict_pairs,
    prepare_records,
    train_model,
)
from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs


class PeakMemory:
    """Samples this process's resident set size in a background thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._process = psutil.Process(os.getpid())
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows")
    parser.add_argument("--seed", type=int, default=5, help="the generator's seed")
    parser.add_argument("--train-seed", type=int, default=42, help="u-sampling seed")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory cap")
    args = parser.parse_args()
    rows = 50_000 if args.quick else args.rows

    from usalama.demo import generate_person_table

    with PeakMemory() as memory, tempfile.TemporaryDirectory() as spill:
        os.environ.setdefault("POLARS_MAX_THREADS", str(args.threads))
        started = time.perf_counter()
        people = generate_person_table(rows, seed=args.seed)
        generated = time.perf_counter() - started
        truth = people.select("record_id", pl.col("true_id").alias("cluster_id"))
        frame = people.drop("true_id").rename({"agency": "source"})

        timings: dict[str, float] = {}
        clock = time.perf_counter()
        prepared = prepare_records(frame)
        timings["prepare"] = time.perf_counter() - clock
        clock = time.perf_counter()
        backend = duckdb_backend(
            threads=args.threads, memory_limit=args.memory_limit, temp_directory=spill
        )
        model = train_model(prepared, backend=backend, seed=args.train_seed)
        timings["train"] = time.perf_counter() - clock
        clock = time.perf_counter()
        pairs = predict_pairs(model, threshold=DEFAULT_THRESHOLD)
        timings["predict"] = time.perf_counter() - clock
        clock = time.perf_counter()
        clusters = cluster(pairs, prepared["record_id"], DEFAULT_THRESHOLD)
        timings["cluster"] = time.perf_counter() - clock
        total = sum(timings.values())
        del model, backend
        score = score_pairs(cluster_pairs(clusters), cluster_pairs(truth))

    print(f"rows: {rows:,} (generated in {generated:.1f} s, not timed)")
    print(f"u-sampling seed: {args.train_seed}")
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    print(f"dedupe wall time: {total:.1f} s  (target <= 300 s)")
    print(f"peak RSS: {memory.peak / 2**30:.2f} GiB  (target <= 4 GiB)")
    print(f"accepted pairs: {pairs.height:,}; clusters: {clusters['cluster_id'].n_unique():,}")
    print(f"pairwise {score.summary()}")


if __name__ == "__main__":
    main()
