"""Watchlist screening: accuracy (PR curve, next to a stock rapidfuzz matcher) and throughput.

    .venv/bin/python benchmarks/watchlist_bench.py accuracy
    .venv/bin/python benchmarks/watchlist_bench.py scale --records 1000000 --entries 100000

``accuracy`` generates the labelled set (2,000 watchlist persons, 50,000 records with planted
variants and decoys; ``usalama watchlist generate`` writes the same files), scores every
blocked candidate with the engine and reports precision/recall over thresholds; then runs
rapidfuzz's ``token_sort_ratio`` over *every* (record, entry) name
pair (no blocking: the stock matcher gets every chance) and reports the same curve, alone
and with a birth-year filter (``token_set_ratio`` was tried too: 157 s and worse).

``scale`` times building the index and screening N records against M entries on two
processes (fork; the index is shared copy-on-write). The name pool is widened with coined
surnames so that 100,000 entries have a register's diversity.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from multiprocessing import get_context

import numpy as np

from usalama.analysis.watchlist import DEFAULT_THRESHOLD, WatchlistIndex
from usalama.analysis.watchlist.evaluate import CURVE_THRESHOLDS, all_scores, curve, point
from usalama.analysis.watchlist.generate import generate
from usalama.analysis.watchlist.subjects import subjects_from


def _print_curve(label: str, points: list) -> None:
    print(f"\n{label}")
    print("| threshold | precision | recall | TP | FP | FN |")
    print("|---|---|---|---|---|---|")
    for p in points:
        print(
            f"| {p.threshold:.2f} | {p.precision:.3f} | {p.recall:.3f} | "
            f"{p.true_positives} | {p.false_positives} | {p.false_negatives} |"
        )


def accuracy(persons: int, records: int, seed: int) -> None:
    started = time.perf_counter()
    test_set = generate(persons, records, seed)
    index = WatchlistIndex(subjects_from(test_set.entries))
    subjects = subjects_from(test_set.records)
    scores = all_scores(subjects, index)
    elapsed = time.perf_counter() - started
    print(
        f"test set: {persons} watchlist persons, {records} records, "
        f"{len(test_set.truth)} planted pairs (seed {seed})"
    )
    print(f"usalama: {len(scores)} candidate pairs scored in {elapsed:.1f} s")
    _print_curve("usalama watchlist engine", curve(scores, test_set.truth))
    default = point(scores, test_set.truth, DEFAULT_THRESHOLD)
    print(
        f"\nAT DEFAULT THRESHOLD {DEFAULT_THRESHOLD}: precision {default.precision:.3f} "
        f"recall {default.recall:.3f}"
    )

    from rapidfuzz import fuzz, process

    entry_names = [e["properties"]["name"][0] for e in test_set.entries]
    entry_ids = [e["id"] for e in test_set.entries]
    record_names = [r["properties"]["name"][0] for r in test_set.records]
    record_ids = [r["id"] for r in test_set.records]
    birth = {e["id"]: e["properties"].get("birthDate", [""])[0][:4] for e in test_set.entries}
    birth.update({r["id"]: r["properties"].get("birthDate", [""])[0][:4] for r in test_set.records})
    for scorer_name, scorer in (("token_sort_ratio", fuzz.token_sort_ratio),):
        started = time.perf_counter()
        peer_scores: list[tuple[str, str, float]] = []
        for start in range(0, len(record_names), 5000):
            block = process.cdist(
                record_names[start : start + 5000],
                entry_names,
                scorer=scorer,
                processor=lambda s: s.lower(),
                score_cutoff=50,
                dtype=np.uint8,
                workers=2,
            )
            rows, cols = np.nonzero(block)
            peer_scores.extend(
                (record_ids[start + r], entry_ids[c], block[r, c] / 100.0)
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            )
        elapsed = time.perf_counter() - started
        print(
            f"\nrapidfuzz {scorer_name}: all {len(record_names) * len(entry_names):,} pairs "
            f"in {elapsed:.1f} s"
        )
        points = curve(peer_scores, test_set.truth, CURVE_THRESHOLDS)
        _print_curve(f"rapidfuzz {scorer_name} (names only, every pair)", points)
        _report_best(f"rapidfuzz {scorer_name}", points)
        # the same, helped by one rule: a pair whose birth years disagree is dropped
        helped = [
            (r, e, s)
            for r, e, s in peer_scores
            if not (birth[r] and birth[e] and birth[r] != birth[e])
        ]
        points = curve(helped, test_set.truth, CURVE_THRESHOLDS)
        _print_curve(f"rapidfuzz {scorer_name} + birth-year filter", points)
        _report_best(f"rapidfuzz {scorer_name} + birth-year filter", points)


def _report_best(label: str, points: list) -> None:
    best = max(points, key=lambda p: 2 * p.precision * p.recall / (p.precision + p.recall or 1))
    print(
        f"{label} best F1 at {best.threshold:.2f}: "
        f"precision {best.precision:.3f} recall {best.recall:.3f}"
    )


_INDEX: WatchlistIndex | None = None


def _screen_chunk(records: list) -> tuple[int, int]:
    assert _INDEX is not None
    matches = 0
    for subject in subjects_from(records):
        matches += len(_INDEX.screen_one(subject))
    return len(records), matches


def scale(records: int, entries: int, seed: int, workers: int) -> None:
    global _INDEX
    started = time.perf_counter()
    test_set = generate(entries, records, seed, planted_share=0.2, decoy_share=0.1, coined=20_000)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    cpu_started = time.process_time()
    _INDEX = WatchlistIndex(subjects_from(test_set.entries))
    indexed = time.perf_counter() - started
    index_cpu = time.process_time() - cpu_started
    chunks = [test_set.records[i : i + 20_000] for i in range(0, records, 20_000)]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = matched = 0
    with get_context("fork").Pool(workers) as pool:
        for count, found in pool.imap_unordered(_screen_chunk, chunks):
            done += count
            matched += found
            print(f"\r{done:,}/{records:,} screened", end="", file=sys.stderr)
    screened = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    print(file=sys.stderr)
    print(f"generated {entries:,} entries + {records:,} records in {generated:.1f} s (not timed)")
    print(f"index built in {indexed:.1f} s ({index_cpu:.1f} s CPU)")
    print(
        f"screened {records:,} records against {entries:,} entries on {workers} processes "
        f"in {screened:.1f} s ({records / screened:,.0f} records/s); {matched:,} matches"
    )
    print(f"TOTAL (index + screening): {indexed + screened:.1f} s")
    # on a shared machine the wall time measures the load as much as the engine: the CPU time
    # the workers used is what an idle machine would need (spread over the workers' cores)
    print(
        f"CPU time of the {workers} screening processes: {cpu:.1f} s "
        f"(= {cpu / workers:.1f} s wall on {workers} idle cores; "
        f"{records / max(cpu, 1e-9):,.0f} records per CPU-second); "
        f"CPU share obtained {cpu / (screened * workers):.0%}"
    )
    idle = index_cpu + cpu / workers
    print(f"TOTAL on idle cores (index CPU + screening CPU / workers): {idle:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    acc = sub.add_parser("accuracy")
    acc.add_argument("--persons", type=int, default=2000)
    acc.add_argument("--records", type=int, default=50_000)
    acc.add_argument("--seed", type=int, default=17)
    sc = sub.add_parser("scale")
    sc.add_argument("--records", type=int, default=1_000_000)
    sc.add_argument("--entries", type=int, default=100_000)
    sc.add_argument("--seed", type=int, default=23)
    sc.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    if args.command == "accuracy":
        accuracy(args.persons, args.records, args.seed)
    else:
        scale(args.records, args.entries, args.seed, args.workers)


if __name__ == "__main__":
    main()
