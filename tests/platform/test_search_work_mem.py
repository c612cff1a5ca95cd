"""On PostgreSQL a search runs with its own work_mem (USALAMA_SEARCH_WORK_MEM), and the
connection is back to its setting afterwards, even inside a caller's transaction (as here)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from usalama.records import services as records


def _work_mem() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_search_has_its_own_work_mem_and_leaves_the_session_as_it_was(
    world: dict[str, Any], settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("work_mem is PostgreSQL's; SQLite's FTS5 search has no such setting")
    settings.USALAMA_SEARCH_WORK_MEM = "48MB"
    before = _work_mem()
    assert before != "48MB"
    during: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT id FROM records_entityrecord"):
            during.append(_work_mem())
        return result

    with connection.execute_wrapper(spy):
        hits = records.search_entities(world["users"]["nps.analyst"], "wanjiku")
    assert [h.caption for h in hits] == ["Wanjiku Kamau"]
    assert during == ["48MB"]
    assert _work_mem() == before

    settings.USALAMA_SEARCH_WORK_MEM = ""  # the server's own setting
    during.clear()
    with connection.execute_wrapper(spy):
        records.search_entities(world["users"]["nps.analyst"], "wanjiku")
    assert during == [before]
