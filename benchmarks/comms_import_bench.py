"""Call records into a collection (``usalama comms import-cdr``): streamed against whole-file.

    .venv/bin/python benchmarks/comms_import_bench.py --rows 100000
    .venv/bin/python benchmarks/comms_import_bench.py --rows 100000 --no-peer
    .venv/bin/python benchmarks/comms_import_bench.py --rows 0 --read-rows 1000000

Generates a plain-layout CDR file (``--rows`` records, 5,000 served subscribers, 700
counterparts, 4 SMS in 16), then imports it through the records import (statements and search
rows, SQLite in a fresh var dir) in a child process: records/s and the child's peak RSS.
The peer, in the same run and on the same file, is the same import with the reader that
reads the whole file into one frame first (what ``import-cdr`` did before the streamed
reader): what the streaming costs in time. At this size the writing's memory (statements,
search rows, the worker preparing chunks) dominates, so ``--read-rows`` also times the
import's reading alone (its first pass: every record parsed, checked and turned into FtM
entities, nothing stored; no database) on a larger file, streamed and whole-file, each in its
own process: there the reader's own memory shows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HEADER = "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi"


def generate(path: Path, rows: int) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            at = (start + timedelta(seconds=13 * i)).isoformat()
            out.write(
                f"07{11000000 + i % 5000:08d},07{22000000 + i % 700:08d},{at},{i % 300},"
                f"{'sms' if i % 4 == 0 else 'voice'},{'out' if i % 2 else 'in'},"
                f"639-02-{i % 40}-{i % 90},35{i % 5000:013d},63902{i % 5000:010d}\n"
            )


def child(path: str, whole: bool) -> None:
    """Fresh process: migrate, make a user, import, print JSON figures."""
    import psutil

    os.environ["DJANGO_SETTINGS_MODULE"] = "usalama.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.accounts import services as accounts
    from usalama.analysis.comms import cdr
    from usalama.audit.services import Actor
    from usalama.records.imports import import_file

    if whole:
        # the reader before streaming: the whole file in one frame, then its entities
        def at_once(path: Path, mapping: Any = None, batch_rows: Any = None) -> Iterator[Any]:
            yield cdr.read_cdr(path, mapping)

        cdr.read_cdr_batches = at_once  # type: ignore[assignment]

    actor = Actor(name="bench")
    agency = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
    user = accounts.create_user(
        actor, username="bench", agency=agency, roles=["analyst"],
        password="a long bench pass 42",  # noqa: S106 - throwaway database
    ).user  # fmt: skip
    process = psutil.Process()

    def rss() -> int:
        total = process.memory_info().rss
        for worker in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += worker.memory_info().rss
        return total

    peak = [rss()]
    checked = [0.0]

    def progress(phase: str, done: int, total: int | None) -> None:
        peak[0] = max(peak[0], rss())
        if phase == "writing" and not checked[0]:
            checked[0] = time.perf_counter() - started

    started = time.perf_counter()
    report = import_file(user, path, "bench-cdr", fmt="cdr", progress=progress)
    elapsed = time.perf_counter() - started
    peak[0] = max(peak[0], rss())
    print(json.dumps({
        "records": report.records, "entities": report.entities,
        "statements": report.statements_added, "seconds": elapsed,
        "check_seconds": checked[0], "peak_rss_mb": peak[0] / 2**20,
    }))  # fmt: skip


def read_child(path: str, whole: bool) -> None:
    """Fresh process, no database: the import's first pass over ``path``; JSON figures."""
    import resource

    from usalama.analysis.comms import cdr
    from usalama.records.importers import RowError
    from usalama.records.importers.comms import read

    if whole:

        def at_once(path: Path, mapping: Any = None, batch_rows: Any = None) -> Iterator[Any]:
            yield cdr.read_cdr(path, mapping)

        cdr.read_cdr_batches = at_once  # type: ignore[assignment]
    started = time.perf_counter()
    good = bad = 0
    for item in read(Path(path), "cdr", "0" * 64):
        if isinstance(item, RowError):
            bad += 1
        else:
            good += 1
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": good, "bad": bad, "seconds": elapsed, "peak_rss_mb": peak}))


def run_read(path: Path, whole: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--read-child", str(path)] + (["--whole"] if whole else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"read child failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_child(path: Path, var_dir: Path, whole: bool) -> dict[str, float]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    command = [sys.executable, __file__, "--child", str(path)] + (["--whole"] if whole else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"import child failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def line(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label:<12} {figures['records']:>9,.0f} records {figures['entities']:>9,.0f} entities "
        f"{figures['statements']:>10,.0f} statements  {figures['seconds']:7.1f} s "
        f"(checking {figures['check_seconds']:.1f} s)  "
        f"{figures['records'] / figures['seconds']:7,.0f} records/s  "
        f"peak RSS {figures['peak_rss_mb']:6.0f} MB  load {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-peer", action="store_true", help="skip the whole-file reader")
    parser.add_argument("--read-rows", type=int, default=0, help="also time the reading alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--read-child", help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.child:
        child(args.child, args.whole)
        return
    if args.read_child:
        read_child(args.read_child, args.whole)
        return
    with tempfile.TemporaryDirectory(prefix="usalama-comms-import-bench-") as tmp:
        work = Path(tmp)
        if args.read_rows:
            big = work / "big.csv"
            generate(big, args.read_rows)
            print(f"reading alone: {args.read_rows:,} CDR rows "
                  f"({big.stat().st_size / 2**20:.0f} MB); load {load()}")  # fmt: skip
            figures = {"streamed": run_read(big, False), "whole file": run_read(big, True)}
            for label, f in figures.items():
                print(
                    f"{label:<12} {f['records']:>10,.0f} entities  {f['seconds']:7.1f} s  "
                    f"{f['records'] / f['seconds']:9,.0f} entities/s  "
                    f"peak RSS {f['peak_rss_mb']:6.0f} MB  load {load()}"
                )
            streamed, whole = figures["streamed"], figures["whole file"]
            print(
                f"streamed/whole: time {streamed['seconds'] / whole['seconds']:.2f}×, "
                f"peak RSS {streamed['peak_rss_mb'] / whole['peak_rss_mb']:.2f}×"
            )
            big.unlink()
        if not args.rows:
            return
        path = work / "cdr.csv"
        generate(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"{args.rows:,} CDR rows ({size:.1f} MB); {os.cpu_count()} CPUs; load {load()}")
        streamed = run_child(path, work / "streamed", whole=False)
        line("streamed", streamed)
        if not args.no_peer:
            whole = run_child(path, work / "whole", whole=True)
            line("whole file", whole)
            print(
                f"streamed/whole: time {streamed['seconds'] / whole['seconds']:.2f}×, "
                f"peak RSS {streamed['peak_rss_mb'] / whole['peak_rss_mb']:.2f}×"
            )


if __name__ == "__main__":
    main()
