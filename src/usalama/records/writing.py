"""Writing one chunk of entities: their statements and their search rows, as one unit.

The caller holds the transaction (``records.services.ingest_entities`` opens one per chunk),
so a chunk is stored whole or not at all. Statement ids are FtM statement keys, which makes
every write idempotent; the question per entity is only how much work that takes:

- an entity with no statement yet in the collection (the whole of a first import) is
  written straight away: its statements cannot exist, so none is looked up, and its search
  row is built from the entity in hand rather than read back from the database;
- an entity that already has statements in the collection (a re-import, a run resumed after
  a kill, the same id twice in a file, statements of one entity scattered through a file)
  has each statement looked up: new ones are inserted, known ones only get ``last_seen``
  moved on, and its search row is rebuilt from everything stored for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.statement import Statement as FtmStatement
from followthemoney.statement import StatementEntity

from usalama.core.errors import InvalidInput
from usalama.records.bulk import in_clause, insert_tuples
from usalama.records.indexing import (
    RECORD_COLUMNS,
    RECORD_TABLE,
    _Dataset,
    rebuild_records,
    record_row,
)
from usalama.records.models import Collection, Source, Statement

STATEMENT_TABLE = Statement._meta.db_table
STATEMENT_COLUMNS = (
    "id",
    "entity_id",
    "canonical_id",
    "schema",
    "prop",
    "prop_type",
    "value",
    "lang",
    "original_value",
    "collection_id",
    "source_id",
    "record_ref",
    "reliability",
    "assessment",
    "handling",
    "first_seen",
    "last_seen",
)


@dataclass
class IngestResult:
    entities: int = 0
    statements_added: int = 0
    statements_seen: int = 0

    def add(self, other: IngestResult) -> None:
        self.entities += other.entities
        self.statements_added += other.statements_added
        self.statements_seen += other.statements_seen


def statement_entity(entity_data: dict[str, Any], dataset: str, record_ref: str) -> StatementEntity:
    """The entity with cleaned values, as FtM statements. Raises InvalidInput on bad data.

    Values are cleaned once, by an ``EntityProxy`` (phones to E.164, dates, countries...), and
    the statements are made from the cleaned values, so a raw value that cleaning changed is
    not kept as ``original_value``, the same as every import before.
    """
    try:
        proxy = model.get_proxy(entity_data, cleaned=False)
    except InvalidData as error:
        raise InvalidInput(f"record {record_ref}: {error}") from error
    if not proxy.id:
        raise InvalidInput(f"record {record_ref}: entity has no id")
    return StatementEntity.from_data(_Dataset(dataset), proxy.to_dict(), cleaned=True)  # type: ignore[arg-type]


def _statement_rows(
    entity: StatementEntity, collection_id: int, source_id: int, ref: str, seen: Any
) -> list[tuple[Any, ...]]:
    rows = []
    stmt: FtmStatement
    for stmt in entity.statements:
        rows.append(
            (
                stmt.id or "",
                stmt.entity_id,
                stmt.canonical_id or stmt.entity_id,
                stmt.schema,
                stmt.prop,
                stmt.prop_type,
                stmt.value,
                stmt.lang or "",
                stmt.original_value or "",
                collection_id,
                source_id,
                ref,
                "",
                "",
                "",
                seen,
                seen,
            )
        )
    return rows


def write_chunk(
    collection: Collection,
    source: Source,
    items: Sequence[tuple[dict[str, Any], str]],
    seen_at: datetime,
) -> IngestResult:
    """Store ``items`` (entity dict, record reference) and their search rows, in a transaction."""
    entities = [(statement_entity(data, collection.key, ref), ref) for data, ref in items]
    ids = [str(entity.id) for entity, _ref in entities]
    repeated = {entity_id for entity_id, n in Counter(ids).items() if n > 1}
    known = _with_statements(collection.pk, sorted(set(ids))) | repeated
    seen = connection.ops.adapt_datetimefield_value(seen_at)
    fresh: list[tuple[Any, ...]] = []
    again: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    for entity, ref in entities:
        entity_id = str(entity.id)
        rows = _statement_rows(entity, collection.pk, source.pk, ref, seen)
        if entity_id in known:
            again.extend(rows)
            continue
        fresh.extend(rows)
        count = len(rows)
        records.append(record_row(collection.pk, entity_id, entity_id, entity, count, seen, seen))
    insert_tuples(STATEMENT_TABLE, STATEMENT_COLUMNS, fresh)
    added = len(fresh) + _merge(again, seen_at)
    insert_tuples(RECORD_TABLE, RECORD_COLUMNS, records)
    if known:
        rebuild_records(collection, known)
    return IngestResult(
        entities=len(entities), statements_added=added, statements_seen=len(fresh) + len(again)
    )


def _with_statements(collection_id: int, entity_ids: list[str]) -> set[str]:
    """Which of ``entity_ids`` already have statements in the collection (one indexed query)."""
    if not entity_ids:
        return set()
    match, params = in_clause("entity_id", entity_ids)
    # Only the table name and in_clause's placeholders are formatted in; values are parameters.
    sql = f"SELECT DISTINCT entity_id FROM {STATEMENT_TABLE} WHERE collection_id = %s AND {match}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [collection_id, *params])
        return {row[0] for row in cursor.fetchall()}


def _merge(rows: list[tuple[Any, ...]], seen_at: datetime) -> int:
    """Insert the statements not stored yet, move ``last_seen`` of the others; count the new."""
    if not rows:
        return 0
    unique = {row[0]: row for row in rows}
    stored: set[str] = set()
    ids = list(unique)
    for start in range(0, len(ids), 5000):
        batch = ids[start : start + 5000]
        stored.update(Statement.objects.filter(id__in=batch).values_list("id", flat=True))
    new = [row for statement_id, row in unique.items() if statement_id not in stored]
    insert_tuples(STATEMENT_TABLE, STATEMENT_COLUMNS, new)
    known = sorted(stored)
    for start in range(0, len(known), 5000):
        Statement.objects.filter(id__in=known[start : start + 5000]).update(last_seen=seen_at)
    return len(new)
