"""Full-text search over entity records: SQLite FTS5 or a PostgreSQL tsvector GIN index.

Both index ``EntityRecord.search_text``, which holds already-normalised tokens (see
``usalama.core.text``), so the two databases answer the same query the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from usalama.core.text import query_alternatives

FTS_TABLE = "records_entity_fts"


def _fts5_query(readings: list[list[str]]) -> str:
    # Terms are [0-9a-z]+ only, so quoting cannot be escaped out of; * makes each a prefix.
    return " OR ".join(
        "(" + " AND ".join(f'"{term}"*' for term in terms) + ")" for terms in readings
    )


def _tsquery(readings: list[list[str]]) -> str:
    return " | ".join("(" + " & ".join(f"{term}:*" for term in terms) + ")" for terms in readings)


def matching_record_ids(query: str, collection_ids: Iterable[int], limit: int) -> list[int]:
    """Ids of EntityRecords in the given collections whose tokens match every query term."""
    terms = query_alternatives(query)
    allowed = [int(cid) for cid in collection_ids]
    if not terms or not allowed:
        return []
    # Only "%s" placeholders are formatted into the SQL; every value travels as a parameter.
    placeholders = ",".join(["%s"] * len(allowed))
    if connection.vendor == "postgresql":
        sql = (  # noqa: S608, UP032 - only placeholders are formatted in
            "SELECT id FROM records_entityrecord "
            "WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', %s) "
            "AND collection_id IN ({}) "
            "ORDER BY ts_rank(to_tsvector('simple', search_text), "
            "to_tsquery('simple', %s)) DESC, id LIMIT %s"
        ).format(placeholders)
        params: list[Any] = [_tsquery(terms), *allowed, _tsquery(terms), limit]
    else:
        sql = (  # noqa: S608, UP032 - only placeholders are formatted in
            "SELECT r.id FROM {table} f JOIN records_entityrecord r ON r.id = f.rowid "
            "WHERE {table} MATCH %s AND r.collection_id IN ({ids}) "
            "ORDER BY bm25({table}), r.id LIMIT %s"
        ).format(table=FTS_TABLE, ids=placeholders)
        params = [_fts5_query(terms), *allowed, limit]
    work_mem = connection.vendor == "postgresql" and settings.USALAMA_SEARCH_WORK_MEM
    with transaction.atomic(), connection.cursor() as cursor:
        if not work_mem:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
        # Local to the transaction, and put back after the search: when a caller's
        # transaction encloses this one, its later queries keep their own setting.
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [work_mem]
        )
        previous = cursor.fetchone()[0]
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT set_config('work_mem', %s, true)", [previous])
        return ids
