"""The import's write path: search rows built from the entities in hand equal a rebuild from
the stored statements, and entities met again (in the same file, in another file) merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.platform.importing import counts, ingest, write_demo_ftm, write_jsonl

pytestmark = pytest.mark.django_db


def _import(world: Any, path: Path, key: str) -> Any:
    from usalama.records.imports import import_file

    return import_file(world["users"]["nps.analyst"], path, key)


def _records(key: str) -> dict[str, tuple[Any, ...]]:
    from usalama.records.models import EntityRecord

    return {
        r.entity_id: (
            r.canonical_id,
            r.schema,
            r.caption,
            sorted(r.search_text.split()),
            r.statement_count,
            r.first_seen,
            r.last_seen,
        )
        for r in EntityRecord.objects.filter(collection__key=key)
    }


def test_search_rows_of_a_first_import_equal_a_rebuild_from_statements(
    world: Any, tmp_path: Path
) -> None:
    from usalama.records.indexing import rebuild_records
    from usalama.records.models import Collection

    path = tmp_path / "demo.ftm.json"
    write_demo_ftm(path, people=40)
    _import(world, path, "fresh")
    written = _records("fresh")
    assert written and all(row[3] for row in written.values() if row[1] == "Person")
    rebuild_records(Collection.objects.get(key="fresh"))
    assert _records("fresh") == written


def test_an_entity_met_again_in_the_file_and_in_another_file_has_one_merged_row(
    world: Any, tmp_path: Path
) -> None:
    from usalama.records.models import Statement
    from usalama.records.services import search_entities

    first = tmp_path / "first.ftm.json"
    write_jsonl(
        first,
        [
            {"id": "m-1", "schema": "Person", "properties": {"name": ["Halima Noor"]}},
            {"id": "m-2", "schema": "Company", "properties": {"name": ["Tana Traders"]}},
            {"id": "m-1", "schema": "Person", "properties": {"phone": ["+254711222333"]}},
        ],
    )
    _import(world, first, "merged")
    second = tmp_path / "second.ftm.json"
    write_jsonl(
        second, [{"id": "m-1", "schema": "Person", "properties": {"idNumber": ["31234567"]}}]
    )
    report = _import(world, second, "merged")
    assert report.statements_added == 2  # idNumber, and the id statement's new checksum
    stored = Statement.objects.filter(collection__key="merged", entity_id="m-1").count()
    rows = _records("merged")
    assert counts("merged")[0] == 2
    assert rows["m-1"][4] == stored
    assert {"halima", "noor", "254711222333", "31234567"} <= set(rows["m-1"][3])
    user = world["users"]["nps.analyst"]
    for query in ("Halima Noor", "0711 222 333", "31234567"):
        assert [hit.entity_id for hit in search_entities(user, query)] == ["m-1"], query


def test_chunks_prepared_by_a_worker_process_store_what_a_serial_run_stores(
    world: Any, tmp_path: Path
) -> None:
    from usalama.records.models import Statement

    entities = write_demo_ftm(tmp_path / "demo.ftm.json", people=25)
    stored = {}
    for key, parallel in (("serial", False), ("parallel", True)):
        # Chunks of 7 so that several are prepared ahead of the one being written.
        collection, result = ingest(
            world["users"]["nps.analyst"], key, entities, chunk_size=7, parallel=parallel
        )
        assert result.entities == len(entities)
        # The id statement's value is a checksum of statement keys, which include the collection.
        statements = Statement.objects.filter(collection=collection).exclude(prop="id")
        stored[key] = (
            sorted(statements.values_list("entity_id", "prop", "value", "record_ref")),
            {k: v[:5] for k, v in _records(key).items()},
        )
    assert stored["parallel"] == stored["serial"]
    assert stored["serial"][0] and stored["serial"][1]


def test_without_database_constraints_stored_statements_still_protect_their_source(
    world: Any, tmp_path: Path
) -> None:
    """Statements and search rows refer to their collection and source without a database
    constraint (migration 0007): Django's protection on delete still holds."""
    from django.db.models import ProtectedError

    from usalama.records.models import Collection, Source

    path = tmp_path / "one.ftm.json"
    write_jsonl(path, [{"id": "k-1", "schema": "Person", "properties": {"name": ["Juma Said"]}}])
    _import(world, path, "kept")
    before = counts("kept")
    with pytest.raises(ProtectedError):
        Source.objects.get(collection__key="kept").delete()
    with pytest.raises(ProtectedError):
        Collection.objects.get(key="kept").delete()
    assert counts("kept") == before == (1, 2)


def test_statement_tables_carry_only_the_indexes_reads_use(world: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("records_statement", "records_entityrecord"):
            constraints = connection.introspection.get_constraints(cursor, table)
            indexed = {
                tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]
            }
            assert ("collection_id",) not in indexed, table
            assert ("collection_id", "entity_id") in indexed, table
            assert not [name for name in constraints if name.endswith("_like")], table
            assert not [c for c in constraints.values() if c["foreign_key"]], table
