"""Import benchmark: N generated FtM entities through ``usalama.records.imports``.

Prints entities/s and peak RSS for the real import next to the raw-insert rate of the same
statement rows measured in the same run (plain sqlite3 ``executemany`` into an empty table;
PostgreSQL ``COPY``), on SQLite and, when reachable, on PostgreSQL.

    .venv/bin/python benchmarks/import_bench.py --entities 50000
    .venv/bin/python benchmarks/import_bench.py --entities 1000000 --postgres postgresql://...

Each backend runs in its own child process (a fresh Django set-up on a fresh database), so
peak RSS is the import's own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/usalama_import_bench"
FIRST = ["Achieng", "Brian", "Chebet", "Daudi", "Esther", "Faith", "Halima", "Juma", "Wanjiku"]
LAST = ["Otieno", "Kiprop", "Mutai", "Mwangi", "Noor", "Kariuki", "Omondi", "Said", "Kamau"]


def generate(path: Path, n: int, seed: int = 7) -> None:
    """People, companies and the directorships between them: ~5 statements per entity."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
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


def _rows(path: Path, key: str) -> list[tuple[str, ...]]:
    from followthemoney.statement import Statement, StatementEntity

    class _Dataset:
        name = key

    rows: list[tuple[str, ...]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            entity = StatementEntity.from_data(_Dataset(), json.loads(line))  # type: ignore[arg-type]
            for s in Statement.from_entity(entity, dataset=key):
                rows.append((s.id or "", s.entity_id, s.schema, s.prop, s.prop_type, s.value))
    return rows


RAW_DDL = (
    "CREATE TABLE raw_statement (id varchar(64) PRIMARY KEY, entity_id varchar(200), "
    "schema varchar(64), prop varchar(64), prop_type varchar(32), value text)"
)


def raw_sqlite(rows: list[tuple[str, ...]], directory: Path) -> float:
    import sqlite3

    db = sqlite3.connect(directory / "raw.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(RAW_DDL)
    start = time.perf_counter()
    db.executemany("INSERT INTO raw_statement VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    return time.perf_counter() - start


def raw_postgres(rows: list[tuple[str, ...]], url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS raw_statement")
        conn.execute(RAW_DDL)
        start = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY raw_statement FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
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
    from usalama.records.imports import import_file

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
    peak = [process.memory_info().rss]

    def progress(phase: str, done: int, total: int | None) -> None:
        peak[0] = max(peak[0], process.memory_info().rss)

    start = time.perf_counter()
    report = import_file(user, path, "bench", progress=progress)
    elapsed = time.perf_counter() - start
    peak[0] = max(peak[0], process.memory_info().rss)
    print(
        json.dumps(
            {
                "entities": report.entities,
                "statements": report.statements_added,
                "seconds": elapsed,
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


def report_line(label: str, figures: dict[str, float], raw_seconds: float, rows: int) -> None:
    rate = figures["entities"] / figures["seconds"]
    raw_rate = figures["entities"] / raw_seconds
    print(
        f"{label:<10} import {figures['entities']:>9,.0f} entities "
        f"({figures['statements']:,.0f} statements) in {figures['seconds']:7.1f} s = "
        f"{rate:9,.0f} entities/s; peak RSS {figures['peak_rss_mb']:,.0f} MB | raw insert of "
        f"{rows:,} rows {raw_seconds:6.2f} s = {raw_rate:10,.0f} entities/s | "
        f"ratio {rate / raw_rate:.3f}"
    )
    projected = 1_000_000 / rate / 60
    print(f"{'':<10} projected 1,000,000 entities: {projected:.1f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("USALAMA_BENCH_PG", PG_DEFAULT))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, os.environ.get("USALAMA_DATABASE_URL", ""))
        return
    with tempfile.TemporaryDirectory(prefix="usalama-import-bench-") as tmp:
        work = Path(tmp)
        path = work / "bench.ftm.json"
        start = time.perf_counter()
        generate(path, args.entities)
        print(f"generated {args.entities:,} entities in {time.perf_counter() - start:.1f} s")
        rows = _rows(path, "bench")
        print(f"{len(rows):,} statements; {os.cpu_count()} CPUs")
        sqlite_dir = work / "sqlite"
        sqlite_dir.mkdir()
        figures = run_child(path, sqlite_dir, None)
        report_line("SQLite", figures, raw_sqlite(rows, work), len(rows))
        if not args.no_postgres and _pg_reset(args.postgres):
            pg_dir = work / "pg"
            pg_dir.mkdir()
            figures = run_child(path, pg_dir, args.postgres)
            report_line("PostgreSQL", figures, raw_postgres(rows, args.postgres), len(rows))


if __name__ == "__main__":
    main()
