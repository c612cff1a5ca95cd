"""Where an import's time goes: each write step timed on its own, chunks prepared in-process.

    USALAMA_DATABASE_URL=postgresql://... USALAMA_VAR_DIR=/tmp/phases \\
        .venv/bin/python benchmarks/import_phases.py FILE.ftm.json

Runs ``records.imports.import_file`` on a migrated database (make FILE with
``import_bench.generate``) with the preparing worker off, and prints seconds spent in:
preparing chunks (FtM cleaning, statement keys, search rows), the per-chunk look-up of
entities already stored, the statement and search-row inserts, and the rest of each chunk's
store call; ``total`` minus those is reading, the check pass and the commits (on PostgreSQL the
deferred foreign-key checks ran at commit before migration ``records.0007``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usalama.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records import bulk, imports, services, writing

    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    def insert(table: str, columns: Any, rows: Any) -> None:
        timed(f"insert {table}", bulk.insert_tuples)(table, columns, rows)

    writing.prepare_chunk = timed("prepare", writing.prepare_chunk)  # type: ignore[assignment]
    writing._with_statements = timed("already stored?", writing._with_statements)  # type: ignore[assignment]
    writing.insert_tuples = insert  # type: ignore[assignment]
    services.store_chunk = timed("store (all of it)", writing.store_chunk)  # type: ignore[assignment]
    imports.PARALLEL_FROM = sys.maxsize
    actor = Actor(name="bench")
    agency = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
    user = accounts.create_user(
        actor,
        username="bench",
        agency=agency,
        roles=["analyst"],
        password="a long bench pass 42",  # noqa: S106 - throwaway database
    ).user
    start = time.perf_counter()
    report = imports.import_file(user, sys.argv[1], "bench")
    spent["total"] = time.perf_counter() - start
    figures = {name: round(seconds, 2) for name, seconds in spent.items()}
    print(json.dumps(figures, indent=1))
    print(f"{report.entities:,} entities; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
