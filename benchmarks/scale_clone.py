"""Growing a store imported by ``pg_scale_bench`` to N entities by copying its rows in SQL.

Importing 10,000,000 entities through the product's importer takes hours on a shared
machine; copying the first batch's rows nine times takes minutes. Each copy ``k`` renumbers
the generator's entities ``i -> i + k * batch``, and with them every key and value the
generator derives from ``i``: entity ids (``bench-p{i}``), directorship references, the number
in names and captions, the ID number (``20000000 + i``) and the registration number
(``PVT-{i:07d}``). The random parts (first name, surname, birth date, phone) are copied, so
the name frequencies are those of a generated population ``copies`` times larger.

Every row is what the importer would have written for that entity: statement ids are FtM's
statement keys (SHA-1 of ``collection.entity.prop.value``, computed with pgcrypto), the ``id``
statement carries FtM's entity checksum over the sorted statement ids, and the search row's
``search_text`` is the original's tokens renumbered and de-duplicated as
``records.indexing.search_text`` does. ``check_clones`` verifies a sample against FtM and the
product's own indexing code, and ``reimport_clones`` re-imports some clones through the
importer (which must find nothing new).

The two tables' indexes and key constraints are dropped while copying and built again
afterwards, with the same names and definitions: one sorted build instead of millions of
random inserts. A freshly built B-tree is denser than one grown by inserts, so the sizes
measured after cloning are a little below those of an imported store.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

STATEMENTS = "records_statement"
RECORDS = "records_entityrecord"
STATEMENT_COLUMNS = (
    "id, entity_id, canonical_id, schema, prop, prop_type, value, lang, original_value, "
    "collection_id, source_id, record_ref, reliability, assessment, handling, first_seen, last_seen"
)
RECORD_COLUMNS = (
    "collection_id, entity_id, canonical_id, schema, caption, search_text, statement_count, "
    "first_seen, last_seen"
)
# The generator's entity ids: a letter for the kind, then the entity's number.
NUMBER = r"(regexp_match(entity_id, '^bench-[pcd]([0-9]+)$'))[1]::bigint"

# The renumbered copy of one statement's value (``n`` the entity's number, ``%(off)s`` the
# shift): references to other entities, numbers in names, identifiers; the rest unchanged.
NEW_VALUE = r"""CASE
    WHEN b.prop_type = 'entity' AND b.value ~ '^bench-[pcd][0-9]+$'
        THEN regexp_replace(b.value, '[0-9]+$', '')
            || ((regexp_match(b.value, '([0-9]+)$'))[1]::bigint + %(off)s)::text
    WHEN b.prop = 'idNumber' THEN (b.value::bigint + %(off)s)::text
    WHEN b.prop = 'registrationNumber' THEN 'PVT-' || pg_temp.pad7(b.n + %(off)s)
    WHEN b.prop_type = 'name'
        THEN regexp_replace(b.value, '\m' || b.n || '\M', (b.n + %(off)s)::text, 'g')
    ELSE b.value END"""

# FtM's statement key: sha1("{dataset}.{entity_id}.{prop}.{value}[@{lang}]").
KEY = (
    "encode(digest(%(dataset)s || '.' || {entity} || '.' || {prop} || '.' || {value}"
    " || CASE WHEN {lang} <> '' THEN '@' || {lang} ELSE '' END, 'sha1'), 'hex')"
)

COPY_STATEMENTS = f"""
INSERT INTO {STATEMENTS} ({STATEMENT_COLUMNS})
WITH fresh AS MATERIALIZED (
    SELECT b.n, regexp_replace(b.entity_id, '[0-9]+$', '') || (b.n + %(off)s)::text AS entity_id,
        b.schema, b.prop, b.prop_type, {NEW_VALUE} AS value, b.lang, b.original_value,
        b.collection_id, b.source_id, b.record_ref, b.reliability, b.assessment, b.handling,
        b.first_seen, b.last_seen
    FROM bench_clone_statements b WHERE b.prop <> 'id'
), keyed AS MATERIALIZED (
    SELECT {KEY.format(entity="entity_id", prop="prop", value="value", lang="lang")} AS id, *
    FROM fresh
), checksums AS (
    -- FtM's entity checksum: sha1(schema + the entity's statement ids in sorted order)
    SELECT n, entity_id, encode(digest(min(schema)
        || string_agg(id, '' ORDER BY id COLLATE "C"), 'sha1'), 'hex') AS checksum
    FROM keyed GROUP BY n, entity_id
)
SELECT id, entity_id, entity_id, schema, prop, prop_type, value, lang, original_value,
    collection_id, source_id, record_ref, reliability, assessment, handling, first_seen, last_seen
FROM keyed
UNION ALL
SELECT {KEY.format(entity="c.entity_id", prop="'id'", value="c.checksum", lang="b.lang")},
    c.entity_id, c.entity_id, b.schema, b.prop, b.prop_type, c.checksum, b.lang,
    b.original_value, b.collection_id, b.source_id, b.record_ref, b.reliability, b.assessment,
    b.handling, b.first_seen, b.last_seen
FROM checksums c JOIN bench_clone_statements b ON b.n = c.n AND b.prop = 'id'
"""

# One search-text token renumbered: the number in a name, the ID number, the registration
# number (normalised "pvt0001234", and its digits alone as a token of their own).
RENUMBERED_WORD = """CASE u.t
    WHEN r.n::text THEN (r.n + %(off)s)::text
    WHEN (20000000 + r.n)::text THEN (20000000 + r.n + %(off)s)::text
    WHEN 'pvt' || pg_temp.pad7(r.n) THEN 'pvt' || pg_temp.pad7(r.n + %(off)s)
    WHEN pg_temp.pad7(r.n) THEN pg_temp.pad7(r.n + %(off)s)
    ELSE u.t END"""

COPY_RECORDS = f"""
INSERT INTO {RECORDS} ({RECORD_COLUMNS})
SELECT r.collection_id, e.entity_id, e.entity_id, r.schema,
    regexp_replace(r.caption, '\\m' || r.n || '\\M', (r.n + %(off)s)::text, 'g'),
    coalesce((
        -- renumbered tokens, each kept once at its first place (as records.indexing does)
        SELECT string_agg(t, ' ' ORDER BY o) FROM (
            SELECT DISTINCT ON (t) t, o FROM (
                SELECT {RENUMBERED_WORD} AS t, u.o
                FROM unnest(string_to_array(r.search_text, ' ')) WITH ORDINALITY AS u(t, o)
            ) AS renumbered ORDER BY t, o
        ) AS kept
    ), ''),
    r.statement_count, r.first_seen, r.last_seen
FROM bench_clone_records r,
    LATERAL (SELECT regexp_replace(r.entity_id, '[0-9]+$', '') || (r.n + %(off)s)::text
        AS entity_id) AS e
"""

PAD7 = (
    "CREATE OR REPLACE FUNCTION pg_temp.pad7(x bigint) RETURNS text IMMUTABLE LANGUAGE sql "
    "AS $$ SELECT lpad(x::text, greatest(7, length(x::text)), '0') $$"
)


def _ddl(cursor: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The two tables' plain indexes (name, definition) and key constraints (table, name, def)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text IN (%s, %s) AND contype IN ('p', 'u')",
        [STATEMENTS, RECORDS],
    )
    constraints = [(str(t), str(n), str(d)) for t, n, d in cursor.fetchall()]
    backing = {name for _table, name, _def in constraints}
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s)",
        [STATEMENTS, RECORDS],
    )
    indexes = [(str(n), str(d)) for n, d in cursor.fetchall() if n not in backing]
    return indexes, constraints


def grow(copies: int, batch: int, dataset: str, log: Any = print) -> dict[str, float]:
    """Add ``copies`` renumbered copies of the store's rows (entities ``0 .. batch - 1``)."""
    from django.db import connection

    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(PAD7)
        start = time.perf_counter()
        cursor.execute("DROP TABLE IF EXISTS bench_clone_statements, bench_clone_records")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_clone_statements AS "
            f"SELECT *, {NUMBER} AS n FROM {STATEMENTS}"
        )
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_clone_records AS SELECT *, {NUMBER} AS n FROM {RECORDS}"
        )
        cursor.execute("SELECT count(*), max(n) FROM bench_clone_records")
        entities, highest = cursor.fetchone()
        if entities != batch or highest != batch - 1:
            raise SystemExit(f"expected entities 0..{batch - 1}, found {entities} up to {highest}")
        indexes, constraints = _ddl(cursor)
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        timings["prepare_seconds"] = time.perf_counter() - start
        copy_seconds = 0.0
        for k in range(1, copies + 1):
            params: dict[str, int | str] = {"off": k * batch, "dataset": dataset}
            start = time.perf_counter()
            cursor.execute(COPY_STATEMENTS, params)
            cursor.execute(COPY_RECORDS, params)
            copy_seconds += time.perf_counter() - start
            log(f"  copy {k}/{copies}: {time.perf_counter() - start:.0f} s")
        timings["copy_seconds"] = copy_seconds
        start = time.perf_counter()
        for name, definition in indexes:
            step = time.perf_counter()
            cursor.execute(definition)
            log(f"  index {name}: {time.perf_counter() - step:.0f} s")
        for table, name, definition in constraints:
            step = time.perf_counter()
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            log(f"  constraint {name}: {time.perf_counter() - step:.0f} s")
        timings["index_seconds"] = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_clone_statements, bench_clone_records")
        # The sequence behind EntityRecord.id moved on with the inserts; nothing to reset.
        start = time.perf_counter()
        for table in (STATEMENTS, RECORDS):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        timings["vacuum_seconds"] = time.perf_counter() - start
        # The pages and searches measured next run with the server's settings, not these.
        cursor.execute("RESET work_mem")
        cursor.execute("RESET maintenance_work_mem")
    return timings


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STATEMENTS}")
        statements = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT count(*), count(DISTINCT entity_id) FROM {RECORDS}")
        records, distinct = cursor.fetchone()
    return {"statements": statements, "records": int(records), "distinct_entities": int(distinct)}


def check_clones(entity_ids: list[str], dataset: str) -> int:
    """Each entity's rows, checked against FtM and the product's indexing: problems found."""
    from followthemoney.statement import Statement as FtmStatement

    from usalama.records.indexing import entity_from_rows, search_text
    from usalama.records.models import EntityRecord, Statement

    problems = 0
    for entity_id in entity_ids:
        rows = list(Statement.objects.filter(entity_id=entity_id).select_related("collection"))
        record = EntityRecord.objects.get(entity_id=entity_id)
        entity = entity_from_rows(rows)
        for row in rows:
            value = row.value
            if row.prop == "id":  # FtM's checksum of the entity's other statement ids
                value = next(str(s.value) for s in entity.statements if s.prop == "id")
            key = FtmStatement.make_key(dataset, row.entity_id, row.prop, value, False)
            if (key, value) != (row.id, row.value):
                problems += 1
                print(f"  {entity_id}: {row.prop} {row.id} = {row.value} != {key} = {value}")
        if record.search_text != search_text(entity) or record.statement_count != len(rows):
            problems += 1
            print(f"  {entity_id}: search row {record.search_text!r} != {search_text(entity)!r}")
        if record.caption != (entity.caption or entity.schema.name):
            problems += 1
            print(f"  {entity_id}: caption {record.caption!r} != {entity.caption!r}")
    return problems


def reimport_clones(user: Any, entity_ids: list[str], collection: str, work: Path) -> int:
    """Re-import these stored entities (as FtM JSON) through the importer: statements added."""
    from usalama.records.imports import import_file
    from usalama.records.indexing import entity_from_rows
    from usalama.records.models import Statement

    path = work / "clones.ftm.json"
    with path.open("w", encoding="utf-8") as out:
        for entity_id in entity_ids:
            rows = Statement.objects.filter(entity_id=entity_id).select_related("collection")
            data = entity_from_rows(rows).to_dict()
            out.write(json.dumps({k: data[k] for k in ("id", "schema", "properties")}) + "\n")
    report = import_file(user, path, collection)
    path.unlink()
    return report.statements_added


def sample_clones(rng: random.Random, batch: int, total: int, n: int) -> list[str]:
    """Entity ids of ``n`` cloned entities (numbers ``batch`` .. ``total - 1``), all kinds."""
    numbers = [rng.randrange(batch, total) for _ in range(n)]
    return [f"bench-{'p' if i % 10 < 6 else 'c' if i % 10 < 8 else 'd'}{i}" for i in numbers]
