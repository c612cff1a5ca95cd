"""PostgreSQL at national scale: import N entities in batches, timing pages and search as it grows.

    nice .venv/bin/python benchmarks/pg_scale_bench.py --entities 10000000 --batch 1000000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/usalama_scale_bench

Into a fresh database, with the product's importer (``records.imports.import_file``, the code
behind ``usalama import``), batch after batch of generated people, companies and
directorships (``import_bench.generate``: 4.6 statements per entity) go into one collection.
After each batch the script runs ANALYZE (what autovacuum would do soon after), measures the
tables and their indexes, and times, through the product's own services (permission filter,
provenance, audit event included), entity pages (``records.services.get_entity``) and searches
(``records.services.search_entities``) of four kinds: an ID number, a company registration
number, a person's full name (one match) and a common first name with a surname (about one
person in 81: the ranking's worst case). It prints one line per batch and appends the figures
as JSON lines to ``--out``, so a run stopped early still leaves the curve up to its last batch.
The peer for the import rate, measured in the same run on the first batch's rows, is ``COPY``
into a table with only the primary key (``import_bench.raw_postgres``).

Importing 10 M entities batch by batch takes hours on a shared machine. ``--clone-to N``
imports one batch, grows the store to N entities by renumbered SQL copies of that batch's
rows (``scale_clone``: the rows the importer would have written for those entities, checked
on a sample), measures, then imports ``--then-import`` more through the importer on top and
measures again. ``--resume`` keeps the database of an earlier run and does the last step
only (a fresh process, so the database session has the server's settings).

    nice .venv/bin/python benchmarks/pg_scale_bench.py --batch 500000 --entities 500000 \\
        --clone-to 10000000 --then-import 250000 --samples 50 --postgres ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_bench  # the generator and the raw peer, shared with the import benchmark

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/usalama_scale_bench"
COLLECTION = "national-register"
TABLES = ("records_statement", "records_entityrecord")


def setup_django(url: str, var_dir: Path) -> Any:
    os.environ["USALAMA_DATABASE_URL"] = url
    os.environ["USALAMA_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "usalama.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    actor = Actor(name="scale-bench")
    from usalama.accounts.models import User

    existing = User.objects.filter(username="scale").first()
    if existing is not None:  # --resume: the store of an earlier run
        return existing
    agency = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
    return accounts.create_user(
        actor,
        username="scale",
        agency=agency,
        roles=["analyst"],
        password="a long bench pass 42",  # noqa: S106 - throwaway database
    ).user


def sizes() -> dict[str, int]:
    """Bytes on disk: each table's heap (with TOAST) and its indexes."""
    from django.db import connection

    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("SELECT pg_table_size(%s), pg_indexes_size(%s)", [table, table])
            heap, indexes = cursor.fetchone()
            out[f"{table}_heap"] = int(heap)
            out[f"{table}_indexes"] = int(indexes)
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database"] = int(cursor.fetchone()[0])
    return out


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def timed(calls: list[Callable[[], object]]) -> dict[str, float]:
    seconds = []
    for call in calls:
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return percentiles(seconds)


def query_figures(user: Any, loaded: int, samples: int, rng: random.Random) -> dict[str, Any]:
    from usalama.records import services
    from usalama.records.models import EntityRecord

    people = [rng.randrange(0, loaded // 10) * 10 + rng.randrange(6) for _ in range(samples)]
    companies = [rng.randrange(0, loaded // 10) * 10 + rng.choice((6, 7)) for _ in range(samples)]
    shown = [f"bench-p{i}" for i in people] + [f"bench-c{i}" for i in companies]
    rng.shuffle(shown)
    pages: list[Callable[[], object]] = [
        partial(services.get_entity, user, entity_id) for entity_id in shown
    ]

    def search(query: str, at_least: int) -> Callable[[], object]:
        def run() -> object:
            hits = services.search_entities(user, query)
            if len(hits) < at_least:
                raise SystemExit(f"search {query!r} found {len(hits)} hits, expected {at_least}+")
            return hits

        return run

    # The generator's names are random: read the sampled people's names back (not timed).
    names = list(
        EntityRecord.objects.filter(entity_id__in=[f"bench-p{i}" for i in people]).values_list(
            "caption", flat=True
        )
    )
    kinds = {
        "ID number": [search(str(20_000_000 + i), 1) for i in people],
        "registration number": [search(f"PVT-{i:07d}", 1) for i in companies],
        "full name": [search(name, 1) for name in names],
        "common name": [search(" ".join(name.split()[:2]), 1) for name in names],
    }
    figures: dict[str, Any] = {"entity page": timed(pages)}
    for kind, calls in kinds.items():
        figures[f"search: {kind}"] = timed(calls)
    return figures


def analyze() -> float:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - start


def free_gb(path: str) -> float:
    return shutil.disk_usage(path).free / 2**30


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("USALAMA_BENCH_PG", PG_DEFAULT))
    parser.add_argument("--samples", type=int, default=100, help="pages and searches of each kind")
    parser.add_argument("--out", default="pg_scale_bench.jsonl", help="JSON lines, one per batch")
    parser.add_argument(
        "--min-free-gb", type=float, default=8.0, help="stop before a batch below this much disk"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the raw COPY peer")
    parser.add_argument(
        "--clone-to",
        type=int,
        default=0,
        help="import one --batch, then grow the store to this many entities by copying its "
        "rows in SQL (renumbered; see scale_clone.py) instead of importing every batch",
    )
    parser.add_argument(
        "--then-import",
        type=int,
        default=250_000,
        help="with --clone-to: entities imported through the importer on top (0: none)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the database of an earlier run: import --then-import more on top, measure",
    )
    parser.add_argument(
        "--check", type=int, default=200, help="with --clone-to: cloned entities verified"
    )
    args = parser.parse_args()
    if args.batch % 10 or args.entities % args.batch or args.clone_to % args.batch:
        raise SystemExit("--batch must be a multiple of 10 and divide --entities and --clone-to")
    if args.then_import % 10:
        raise SystemExit("--then-import must be a multiple of 10")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if not args.resume and not import_bench._pg_reset(args.postgres):
        raise SystemExit("PostgreSQL not reachable")
    rng = random.Random(21)
    with tempfile.TemporaryDirectory(prefix="usalama-scale-bench-") as tmp:
        work = Path(tmp)
        user = setup_django(args.postgres, work / "var")
        peer: dict[str, float] = {}
        if not args.no_peer:
            sample = work / "peer.ftm.json"
            import_bench.generate(sample, args.batch, start=10 * args.entities)
            rows_csv = work / "peer.csv"
            rows = import_bench.write_rows(sample, "peer", rows_csv)
            seconds = import_bench.raw_postgres(rows_csv, args.postgres, indexed=False)
            peer = {"rows": rows, "seconds": seconds, "entities_per_s": args.batch / seconds}
            rows_csv.unlink()
            sample.unlink()
            print(
                f"peer: COPY of {rows:,} statement rows ({args.batch:,} entities) into a "
                f"primary-key-only table: {seconds:.1f} s = {args.batch / seconds:,.0f} "
                f"entities/s; load {load()}"
            )
        if args.resume:
            resume_run(args, user, work, rng)
            return
        if args.clone_to:
            clone_run(args, user, work, peer, rng)
            return
        loaded = 0
        total_import = 0.0
        while loaded < args.entities:
            if free_gb(tempfile.gettempdir()) < args.min_free_gb:
                print(f"stopping: less than {args.min_free_gb} GB of disk free")
                break
            batch = import_batch(user, work, loaded, args.batch)
            loaded += args.batch
            total_import += batch["batch_seconds"]
            report_line(args, user, {"entities": loaded, **batch}, total_import, peer, rng)


def import_batch(user: Any, work: Path, start: int, size: int) -> dict[str, Any]:
    """Generated entities ``start .. start + size - 1`` through the product's importer."""
    from usalama.records.imports import import_file

    path = work / "batch.ftm.json"
    import_bench.generate(path, size, start=start)
    before = load()
    began = time.perf_counter()
    report = import_file(user, path, COLLECTION)
    seconds = time.perf_counter() - began
    path.unlink()
    return {
        "built": "imported",
        "batch_entities": size,
        "statements_added": report.statements_added,
        "batch_seconds": seconds,
        "batch_entities_per_s": size / seconds,
        "load_before": before,
    }


def report_line(
    args: argparse.Namespace,
    user: Any,
    line: dict[str, Any],
    total_import: float,
    peer: dict[str, float],
    rng: random.Random,
) -> None:
    """ANALYZE, time pages and searches, print one line and append it to ``--out``."""
    line["total_import_seconds"] = total_import
    line.setdefault("analyze_seconds", analyze())
    line["queries"] = figures = query_figures(user, line["entities"], args.samples, rng)
    line.update(load_after=load(), sizes=sizes(), peer=peer)
    with open(args.out, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    summary = ", ".join(
        f"{kind} p50 {f['p50_ms']:.0f} / p95 {f['p95_ms']:.0f} ms" for kind, f in figures.items()
    )
    db_gb = line["sizes"]["database"] / 2**30
    if "batch_seconds" in line:
        built = (
            f"batch of {line['batch_entities']:,} {line['batch_seconds']:6.1f} s = "
            f"{line['batch_entities_per_s']:6,.0f} entities/s (load {line['load_before']} -> "
            f"{line['load_after']})"
        )
    else:
        built = f"{line['built']} (load {line['load_after']})"
    print(f"{line['entities']:>11,} entities: {built}; database {db_gb:.1f} GB; {summary}")


def resume_run(args: argparse.Namespace, user: Any, work: Path, rng: random.Random) -> None:
    """One more importer batch on top of the store an earlier run left, then the queries."""
    from usalama.records.models import EntityRecord

    loaded = EntityRecord.objects.count()
    print(f"resuming on {loaded:,} entities (load {load()})")
    batch = import_batch(user, work, loaded, args.then_import)
    line = {"entities": loaded + args.then_import, **batch}
    report_line(args, user, line, batch["batch_seconds"], {}, rng)


def clone_run(
    args: argparse.Namespace, user: Any, work: Path, peer: dict[str, float], rng: random.Random
) -> None:
    """Import one batch, copy it in SQL up to ``--clone-to``, import ``--then-import`` more."""
    import scale_clone

    first = import_batch(user, work, 0, args.batch)
    report_line(args, user, {"entities": args.batch, **first}, first["batch_seconds"], peer, rng)
    copies = args.clone_to // args.batch - 1
    print(f"cloning the {args.batch:,} imported entities {copies} times (load {load()})")
    timings = scale_clone.grow(copies, args.batch, COLLECTION)
    counted = scale_clone.counts()
    print(f"cloned: {timings}; {counted}")
    sample = scale_clone.sample_clones(rng, args.batch, args.clone_to, args.check)
    problems = scale_clone.check_clones(sample, COLLECTION)
    added = scale_clone.reimport_clones(user, sample, COLLECTION, work)
    print(f"check of {len(sample)} clones: {problems} problems; re-import added {added} statements")
    cloned = {
        "entities": args.clone_to,
        "built": f"cloned in SQL from the first {args.batch:,}",
        "clone": timings,
        "counts": counted,
        "check": {"sampled": len(sample), "problems": problems, "reimport_added": added},
        "analyze_seconds": timings["vacuum_seconds"],
    }
    report_line(args, user, cloned, first["batch_seconds"], peer, rng)
    if args.then_import:
        batch = import_batch(user, work, args.clone_to, args.then_import)
        loaded = args.clone_to + args.then_import
        total = first["batch_seconds"] + batch["batch_seconds"]
        line = {"entities": loaded, **batch, "counts": scale_clone.counts()}
        report_line(args, user, line, total, peer, rng)
        # Idempotency: the start of the same batch again adds nothing.
        again = import_batch(user, work, args.clone_to, min(args.then_import, 10_000))
        print(f"re-import of the batch's first entities added {again['statements_added']}")


if __name__ == "__main__":
    main()
