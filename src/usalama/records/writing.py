"""Writing one chunk of entities: their statements and their search rows, as one unit.

A chunk is first prepared (``prepare_chunk``: FtM cleaning, statement keys, search rows; no
database, so it may run in a worker process) and then stored (``store_chunk``). The caller
holds the transaction (``records.services.ingest_entities`` opens one per chunk), so a chunk
is stored whole or not at all. Statement ids are FtM statement keys, which makes
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

import multiprocessing
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
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
from usalama.records.models import Collection, Statement

# Chunks a worker may prepare ahead of the one being written.
AHEAD = 2
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


@dataclass(frozen=True)
class Target:
    """Where a chunk goes, as plain values, so that a worker process can prepare chunks."""

    collection_key: str
    collection_id: int
    source_id: int
    seen: Any  # the write time, already adapted for the database


# Per entity: its id, its statement rows, and its search row should it be new.
Prepared = list[tuple[str, list[tuple[Any, ...]], tuple[Any, ...]]]


def prepare_chunk(target: Target, items: Sequence[tuple[dict[str, Any], str]]) -> Prepared:
    """The CPU-bound half of a write: clean, make statements and search rows. No database."""
    prepared: Prepared = []
    for data, ref in items:
        entity = statement_entity(data, target.collection_key, ref)
        entity_id = str(entity.id)
        rows = _statement_rows(entity, target.collection_id, target.source_id, ref, target.seen)
        record = record_row(
            target.collection_id, entity_id, entity_id, entity, len(rows), target.seen, target.seen
        )
        prepared.append((entity_id, rows, record))
    return prepared


def store_chunk(collection: Collection, prepared: Prepared, seen_at: datetime) -> IngestResult:
    """Store a prepared chunk's statements and search rows. Run it in a transaction."""
    ids = [entity_id for entity_id, _rows, _record in prepared]
    repeated = {entity_id for entity_id, n in Counter(ids).items() if n > 1}
    known = _with_statements(collection.pk, sorted(set(ids))) | repeated
    fresh: list[tuple[Any, ...]] = []
    again: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    for entity_id, rows, record in prepared:
        if entity_id in known:
            again.extend(rows)
        else:
            fresh.extend(rows)
            records.append(record)
    insert_tuples(STATEMENT_TABLE, STATEMENT_COLUMNS, fresh)
    added = len(fresh) + _merge(again, seen_at)
    insert_tuples(RECORD_TABLE, RECORD_COLUMNS, records)
    if known:
        rebuild_records(collection, known)
    return IngestResult(
        entities=len(prepared), statements_added=added, statements_seen=len(fresh) + len(again)
    )


def prepared_chunks(
    target: Target, chunks: Iterator[list[tuple[dict[str, Any], str]]], *, parallel: bool
) -> Iterator[Prepared]:
    """The chunks, prepared in order; with ``parallel``, by a worker process, ahead of the writer.

    Preparing (FtM cleaning, statement keys, search text) is about half of an import's CPU
    time and needs no database, so on a machine with a second core a forked worker prepares
    the next chunks while this process writes the current one. At most ``AHEAD`` chunks wait,
    so memory stays flat. The worker never touches the database; chunks are still written
    one transaction each, in file order, by this process. Without ``fork`` (or asked not to)
    the chunks are prepared here, one by one.
    """
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield prepare_chunk(target, chunk)
        return
    work = partial(prepare_chunk, target)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        waiting: deque[Future[Prepared]] = deque()
        for chunk in chunks:
            waiting.append(pool.submit(work, chunk))
            if len(waiting) > AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


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
