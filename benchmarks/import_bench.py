"""Import benchmark: N generated FtM entities through ``usalama.records.imports``.

Prints entities/s and peak RSS for the real import next to the raw-insert rate of the same
statement rows measured in the same run (plain sqlite3 ``executemany`` into an empty table;
PostgreSQL ``COPY``), on SQLite and, when reachable, on PostgreSQL.

    .venv/bin/python benchmarks/import_bench.py --entities 50000
    .venv/bin/python benchmarks/import_bench.py --entities 1000000 --postgres postgresql://...

Each backend runs in its own child process (a fresh Django set-up on a fresh database), so
peak RSS is the import's own. Two raw peers are timed after each import, on the same rows
(all 17 columns, streamed from a CSV so memory stays flat at any size): an insert into a
table with only the primary key (the physical limit) and into a table with the indexes
``records_statement`` has (what the uniqueness and look-ups the product needs cost by
themselves). Neither peer builds search rows or checks anything.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/usalama_import_bench"
FIRST = ["Achieng", "Brian", "Chebet", "Daudi", "Esther", "Faith", "Halima", "Juma", "Wanjiku"]
LAST = ["Otieno", "Kiprop", "Mutai", "Mwangi", "Noor", "Kariuki", "Omondi", "Said", "Kamau"]


def generate(path: Path, n: int, seed: int = 7, start: int = 0) -> None:
    """People, companies and the directorships between them: ~5 statements per entity.

    Entities ``start`` .. ``start + n - 1`` (``start`` a multiple of 10, so that each
    directorship's person and company are in the same file).
    """
    rng = random.Random(seed + start)
    with path.open("w", encoding="utf-8") as out:
        for i in range(start, start + n):
            kind = i % 10
            if kind < 6:
                entity = {
                    "id": f"bench-p{i}",
                    "schema": "Person",
                    "properties": {
                        "name": [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"],
                        "birthDate": [
                            f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                        ],
                        "idNumber": [str(20_000_000 + i)],
                        "phone": [f"+2547{rng.randint(10_000_000, 99_999_999)}"],
                    },
                }
            elif kind < 8:
                entity = {
                    "id": f"bench-c{i}",
                    "schema": "Company",
                    "properties": {
                        "name": [f"{rng.choice(LAST)} Holdings {i} Ltd"],
                        "registrationNumber": [f"PVT-{i:07d}"],
                        "jurisdiction": ["ke"],
                    },
                }
            else:
                entity = {
                    "id": f"bench-d{i}",
                    "schema": "Directorship",
                    "properties": {
                        "director": [f"bench-p{i - kind}"],
                        "organization": [f"bench-c{i - kind + 6}"],
                        "role": ["director"],
                    },
                }
            out.write(json.dumps(entity) + "\n")


STAMP = "2026-01-01 00:00:00+00:00"


def write_rows(path: Path, key: str, out_path: Path) -> int:
    """The statement rows the import stores, as CSV (all 17 columns), streamed (flat memory)."""
    from followthemoney.statement import Statement, StatementEntity

    class _Dataset:
        name = key

    count = 0
    with path.open(encoding="utf-8") as handle, out_path.open("w", newline="") as out:
        writer = csv.writer(out)
        for number, line in enumerate(handle, 1):
            entity = StatementEntity.from_data(_Dataset(), json.loads(line))  # type: ignore[arg-type]
            for s in Statement.from_entity(entity, dataset=key):
                writer.writerow(
                    (
                        *(s.id, s.entity_id, s.entity_id, s.schema, s.prop, s.prop_type, s.value),
                        *("", "", 1, 1, f"line {number}", "", "", "", STAMP, STAMP),
                    )
                )
                count += 1
    return count


COLUMNS = (
    "id varchar(64) PRIMARY KEY, entity_id varchar(200) NOT NULL, "
    "canonical_id varchar(200) NOT NULL, schema varchar(64) NOT NULL, prop varchar(64) NOT NULL, "
    "prop_type varchar(32) NOT NULL, value text NOT NULL, lang varchar(3) NOT NULL, "
    "original_value text NOT NULL, collection_id bigint NOT NULL, source_id bigint NOT NULL, "
    "record_ref varchar(100) NOT NULL, reliability varchar(1) NOT NULL, "
    "assessment varchar(1) NOT NULL, handling varchar(2) NOT NULL, "
    "first_seen {stamp} NOT NULL, last_seen {stamp} NOT NULL"
)
# The indexes records_statement has since records.0007 (see records.models.Statement).
INDEXES = (
    "CREATE INDEX raw_entity ON raw_statement (entity_id)",
    "CREATE INDEX raw_canonical ON raw_statement (canonical_id)",
    "CREATE INDEX raw_source ON raw_statement (source_id)",
    "CREATE INDEX raw_collection_entity ON raw_statement (collection_id, entity_id)",
    "CREATE INDEX raw_entity_ref ON raw_statement (value) WHERE prop_type = 'entity'",
)


def raw_sqlite(rows_csv: Path, directory: Path, indexed: bool) -> float:
    """One transaction of ``executemany`` fed from the CSV (reading it is part of the time)."""
    import sqlite3

    path = directory / f"raw-{int(indexed)}.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE raw_statement ({COLUMNS.format(stamp='datetime')})")
    for ddl in INDEXES if indexed else ():
        db.execute(ddl)
    start = time.perf_counter()
    with rows_csv.open(newline="") as handle:
        db.executemany(
            f"INSERT INTO raw_statement VALUES ({', '.join('?' * 17)})", csv.reader(handle)
        )
    db.commit()
    elapsed = time.perf_counter() - start
    db.close()
    for leftover in directory.glob(f"raw-{int(indexed)}.sqlite3*"):
        leftover.unlink()
    return elapsed


# With NULL '\N' an empty CSV field is an empty string (the columns are NOT NULL), as stored.
COPY_CSV = "COPY raw_statement FROM STDIN (FORMAT csv, NULL '\\N')"


def raw_postgres(rows_csv: Path, url: str, indexed: bool) -> float:
    """``COPY ... FROM STDIN`` of the CSV, streamed in 1 MiB blocks."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS raw_statement")
        conn.execute(f"CREATE TABLE raw_statement ({COLUMNS.format(stamp='timestamptz')})")
        for ddl in INDEXES if indexed else ():
            conn.execute(ddl)
        start = time.perf_counter()
        with (
            rows_csv.open("rb") as handle,
            conn.cursor() as cur,
            cur.copy(COPY_CSV) as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE raw_statement")
    return elapsed


def child(path: str, database_url: str) -> None:
    """Runs in a fresh process: migrate, make a user, import, print JSON figures."""
    import psutil

    os.environ["DJANGO_SETTINGS_MODULE"] = "usalama.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records import imports
    from usalama.records.imports import import_file

    if os.environ.get("USALAMA_BENCH_NO_WORKER"):
        imports.PARALLEL_FROM = sys.maxsize  # to measure what the preparing worker gives

    actor = Actor(name="bench")
    agency = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
    user = accounts.create_user(
        actor,
        username="bench",
        agency=agency,
        roles=["analyst"],
        password="a long bench pass 42",  # noqa: S106 - throwaway database
    ).user
    process = psutil.Process()

    def rss() -> int:
        # The import process plus the worker preparing chunks, if any (the sum overstates a
        # little: a forked worker shares its unchanged pages with its parent).
        total = process.memory_info().rss
        for worker in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += worker.memory_info().rss
        return int(total)

    peak = [rss()]
    checked = [0.0]

    def progress(phase: str, done: int, total: int | None) -> None:
        # Called every 500 records: often enough to catch the peak of a chunk being written.
        peak[0] = max(peak[0], rss())
        if phase == "writing" and not checked[0]:
            checked[0] = time.perf_counter() - start

    start = time.perf_counter()
    report = import_file(user, path, "bench", progress=progress)
    elapsed = time.perf_counter() - start
    peak[0] = max(peak[0], rss())
    print(
        json.dumps(
            {
                "entities": report.entities,
                "statements": report.statements_added,
                "seconds": elapsed,
                "check_seconds": checked[0],
                "peak_rss_mb": peak[0] / 2**20,
            }
        )
    )


def run_child(path: Path, var_dir: Path, database_url: str | None) -> dict[str, float]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    if database_url:
        env["USALAMA_DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"import child failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _pg_reset(url: str) -> bool:
    try:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as error:
        print(f"PostgreSQL not reachable ({type(error).__name__}); skipping it")
        return False


def report_line(label: str, figures: dict[str, float], raw: dict[str, float], rows: int) -> None:
    rate = figures["entities"] / figures["seconds"]
    print(
        f"{label:<10} import {figures['entities']:>9,.0f} entities "
        f"({figures['statements']:,.0f} statements) in {figures['seconds']:7.1f} s "
        f"(check pass {figures['check_seconds']:.1f} s) = {rate:9,.0f} entities/s; "
        f"peak RSS {figures['peak_rss_mb']:,.0f} MB (import process + preparing worker)"
    )
    for peer, seconds in raw.items():
        raw_rate = figures["entities"] / seconds
        print(
            f"{'':<10} raw insert, {peer}: {rows:,} rows in {seconds:6.1f} s = "
            f"{raw_rate:10,.0f} entities/s | import/raw ratio {rate / raw_rate:.3f}"
        )
    projected = 1_000_000 / rate / 60
    print(f"{'':<10} projected 1,000,000 entities: {projected:.1f} min")


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("USALAMA_BENCH_PG", PG_DEFAULT))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-worker", action="store_true", help="prepare chunks in-process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures as they come
    if args.child:
        child(args.child, os.environ.get("USALAMA_DATABASE_URL", ""))
        return
    if args.no_worker:
        os.environ["USALAMA_BENCH_NO_WORKER"] = "1"
    with tempfile.TemporaryDirectory(prefix="usalama-import-bench-") as tmp:
        work = Path(tmp)
        path = work / "bench.ftm.json"
        start = time.perf_counter()
        generate(path, args.entities)
        print(f"generated {args.entities:,} entities in {time.perf_counter() - start:.1f} s")
        rows_csv = work / "rows.csv"
        rows = write_rows(path, "bench", rows_csv)
        print(f"{rows:,} statements; {os.cpu_count()} CPUs; load average {load()}")
        peers = ("plain table (primary key only)", "table with records_statement's indexes")
        if not args.no_sqlite:
            sqlite_dir = work / "sqlite"
            sqlite_dir.mkdir()
            figures = run_child(path, sqlite_dir, None)
            shutil.rmtree(sqlite_dir)
            raw = {peers[0]: raw_sqlite(rows_csv, work, False)}
            raw[peers[1]] = raw_sqlite(rows_csv, work, True)
            report_line("SQLite", figures, raw, rows)
            print(f"{'':<10} load average after: {load()}")
        if not args.no_postgres and _pg_reset(args.postgres):
            pg_dir = work / "pg"
            pg_dir.mkdir()
            figures = run_child(path, pg_dir, args.postgres)
            _pg_reset(args.postgres)  # the raw peers write into an empty database too
            raw = {peers[0]: raw_postgres(rows_csv, args.postgres, False)}
            raw[peers[1]] = raw_postgres(rows_csv, args.postgres, True)
            report_line("PostgreSQL", figures, raw, rows)
            print(f"{'':<10} load average after: {load()}")


if __name__ == "__main__":
    main()
