"""Benchmark early-intervention scoring on the Chicago complaint data, next to the threshold rule.

Run from the project root:  .venv/bin/python benchmarks/oversight_bench.py [--as-of 2011-01-01]

Times, in one run: reading the four files; the threshold rule (features at the date and a rank
by complaints in the last 12 months); and the model (training on six earlier cut-offs, scoring
every active officer and naming each one's top factors). Prints officers and allegations so
the figure can be read against the target (12,000 officers from 70,000 allegations <= 10 s).
The model runs on one thread, so its CPU time is its wall time on an idle machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

import numpy as np

from usalama.analysis import oversight
from usalama.analysis.oversight.features import category_groups

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "oversight" / "chicago"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", default="2011-01-01")
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    folder = Path(args.data)

    started = time.perf_counter()
    data = oversight.load(
        *(folder / f"{n}.csv.gz" for n in ("officers", "complaints", "force", "units"))
    )
    read_s = time.perf_counter() - started
    allegations = data.complaints.filter(data.complaints["complaint_date"] < as_of).height

    started = time.perf_counter()
    frame = oversight.features_at(data, as_of, category_groups(data.complaints), reconstruct=False)
    rule_rank = np.argsort(-frame["alleg_1y"].to_numpy(), kind="stable")
    rule_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    model = oversight.train(data, as_of)
    train_s, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    _, _, scores = oversight.score(data, as_of, model=model)
    score_s, score_cpu = time.perf_counter() - started, time.process_time() - cpu

    print(f"as of {as_of}: {len(scores)} active officers, {allegations} allegations before it")
    print(f"read four files                         {read_s:7.2f} s")
    print(f"peer: threshold rule (12 months)        {rule_s:7.2f} s  ({len(rule_rank)} ranked)")
    rows = f"({model.training_rows} officer-dates)"
    print(f"model: train {rows}     {train_s:7.2f} s  cpu {train_cpu:6.2f} s")
    print(f"model: score + top factors              {score_s:7.2f} s  cpu {score_cpu:6.2f} s")
    total, total_cpu = train_s + score_s, train_cpu + score_cpu
    print(f"model total (train + score + factors)   {total:7.2f} s  cpu {total_cpu:6.2f} s")
    print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
