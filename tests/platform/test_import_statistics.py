"""A long import keeps PostgreSQL's planner statistics true as it fills the statement tables.

Without them the per-chunk "already stored?" look-up of a new collection scans the whole
collection (see ``records.bulk.PlannerStatistics``); SQLite plans by rule and is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.platform.importing import ingest, write_demo_ftm

pytestmark = pytest.mark.django_db


def _estimated_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_analyses_each_time_the_rows_written_have_doubled_and_once_at_the_end(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from usalama.records.bulk import PlannerStatistics

    monkeypatch.setattr(PlannerStatistics, "FIRST", 10)
    statistics = PlannerStatistics("records_statement", also=["records_entityrecord"])
    for _ in range(10):
        statistics.wrote(10)
    # analysed at 10, 20, 40 and 80 rows written: never again before 160
    on_postgres = connection.vendor == "postgresql"
    assert statistics.runs == (4 if on_postgres else 0)
    statistics.finished()
    assert statistics.runs == (5 if on_postgres else 0)
    assert statistics.written == 100


def test_a_short_write_is_not_analysed(world: Any) -> None:
    from usalama.records.bulk import PlannerStatistics

    statistics = PlannerStatistics("records_statement")
    statistics.wrote(PlannerStatistics.FIRST - 1)
    statistics.finished()
    assert statistics.runs == 0


def test_an_import_leaves_the_planner_an_estimate_of_what_it_wrote(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from usalama.records.bulk import PlannerStatistics
    from usalama.records.models import EntityRecord, Statement

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(PlannerStatistics, "FIRST", 50)
    entities = write_demo_ftm(tmp_path / "demo.ftm.json", people=60)
    ingest(world["users"]["nps.analyst"], "analysed", entities, chunk_size=10)
    # Both tables were analysed once all was written (each small enough to be read whole).
    assert _estimated_rows("records_statement") == Statement.objects.count()
    assert _estimated_rows("records_entityrecord") == EntityRecord.objects.count()
