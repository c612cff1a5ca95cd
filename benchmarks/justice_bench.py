"""Benchmark the justice KPI engine (DuckDB) on a synthetic log, next to the plain-Python one.

Run from the project root:  .venv/bin/python benchmarks/justice_bench.py [--cases 20000]

1. Generates a log (each case reported; 1-2 accused with arrests, appearances, remand or
   bail, charge decisions, charges, hearings, judgments, sentences) and writes the CSV.
2. Peer, in the same run: the reference engine (``read_events_file`` + the plain-Python
   ``compute_kpis_reference``, the engine before DuckDB) — timed.
3. usalama: ``compute_kpis_file`` (DuckDB reads, checks and computes all 14 KPIs) and
   ``compute_kpis`` on the parsed events (what the dashboard does) — timed.
The figures must be identical (exact equality, every key); the ratios are printed.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from usalama.analysis.justice import (
    Event,
    Period,
    compute_kpis,
    compute_kpis_file,
    compute_kpis_reference,
    iter_csv_lines,
    read_events_file,
)

START = datetime(2024, 1, 1, tzinfo=UTC)


def generate(cases: int, seed: int = 7) -> list[Event]:
    rng = random.Random(seed)
    events: list[Event] = []
    for number in range(cases):
        case = f"C{number}"
        reported = START + timedelta(days=rng.uniform(0, 700))
        events.append(Event(reported, case, "", "reported"))
        for person in range(rng.choice((1, 1, 2))):
            accused = f"A{person}"
            at = reported + timedelta(days=rng.uniform(0, 15))
            events.append(Event(at, case, accused, "arrested"))
            at += timedelta(hours=rng.uniform(4, 60))
            events.append(Event(at, case, accused, "first_appearance"))
            kind = "remanded" if rng.random() < 0.5 else "released_on_bail"
            events.append(Event(at, case, accused, kind))
            at += timedelta(days=rng.uniform(5, 90))
            decision = rng.choice(("charge", "charge", "charge", "no_charge", "diversion"))
            events.append(Event(at, case, accused, "charge_decision", decision))
            if decision != "charge":
                continue
            at += timedelta(days=rng.uniform(1, 10))
            events.append(Event(at, case, accused, "charged"))
            for _ in range(rng.randint(1, 8)):
                at += timedelta(days=rng.uniform(10, 60))
                detail = "adjourned" if rng.random() < 0.45 else "heard"
                events.append(Event(at, case, accused, "hearing", detail))
            if rng.random() < 0.7:
                at += timedelta(days=rng.uniform(5, 30))
                verdict = rng.choice(("convicted", "convicted", "acquitted", "withdrawn"))
                events.append(Event(at, case, accused, "judgment", verdict))
                if verdict == "convicted":
                    sentence = rng.choice(("custodial", "non_custodial"))
                    events.append(Event(at, case, accused, "sentenced", sentence))
    rng.shuffle(events)
    return events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    events = generate(args.cases)
    period = Period.of(date(2024, 7, 1), date(2025, 7, 1), "Africa/Nairobi")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_text("".join(iter_csv_lines(events)), encoding="utf-8")
        print(
            f"log: {len(events):,} events, {args.cases:,} cases, "
            f"{path.stat().st_size / 2**20:.1f} MB"
        )

        started = time.perf_counter()
        loaded = read_events_file(path)
        read_s = time.perf_counter() - started
        reference = compute_kpis_reference(loaded, period)
        reference_s = time.perf_counter() - started
        print(f"reference (plain Python)  read {read_s:.2f} s, read + 14 KPIs {reference_s:.2f} s")

        started = time.perf_counter()
        from_file = compute_kpis_file(path, period)
        file_s = time.perf_counter() - started
        print(
            f"duckdb engine            read + check + 14 KPIs {file_s:.2f} s "
            f"({reference_s / file_s:.1f}x faster)"
        )

        started = time.perf_counter()
        in_memory = compute_kpis(loaded, period)
        memory_s = time.perf_counter() - started
        print(
            f"duckdb engine            14 KPIs of parsed events {memory_s:.2f} s "
            f"(reference KPIs alone {reference_s - read_s:.2f} s, "
            f"{(reference_s - read_s) / memory_s:.1f}x)"
        )
        for name, value in reference.items():
            print(f"  {name:<30} {value!r}")
        assert from_file == reference, "the file engine differs from the reference"
        assert in_memory == reference, "the in-memory engine differs from the reference"
        print("all 14 figures identical (exact equality) in the three computations")


if __name__ == "__main__":
    main()
