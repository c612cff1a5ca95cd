"""Full-text search over entity records: SQLite FTS5 or a PostgreSQL tsvector GIN index.

Both index ``EntityRecord.search_text``, which holds already-normalised tokens (see
``usalama.core.text``), so the two databases answer the same query the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

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
    placeholders = ",".join(["%s"] * len(allowed))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM records_entityrecord "
                "WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', %s) "
                f"AND collection_id IN ({placeholders}) "  # noqa: S608 - placeholders only
                "ORDER BY ts_rank(to_tsvector('simple', search_text), "
                "to_tsquery('simple', %s)) DESC, id LIMIT %s",
                [_tsquery(terms), *allowed, _tsquery(terms), limit],
            )
        else:
            cursor.execute(
                f"SELECT r.id FROM {FTS_TABLE} f JOIN records_entityrecord r ON r.id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH %s AND r.collection_id IN ({placeholders}) "  # noqa: S608
                f"ORDER BY bm25({FTS_TABLE}), r.id LIMIT %s",
                [_fts5_query(terms), *allowed, limit],
            )
        return [row[0] for row in cursor.fetchall()]
