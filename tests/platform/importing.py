"""Helpers shared by the import and export tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from followthemoney.statement import Statement as FtmStatement
from followthemoney.statement import StatementEntity

from tests.shared_data import FIXTURES

MAPPINGS = FIXTURES / "mappings"
GOAML = FIXTURES / "goaml"


class _Dataset:
    def __init__(self, name: str) -> None:
        self.name = name


def write_demo_ftm(path: Path, people: int = 200) -> list[dict[str, Any]]:
    from usalama.demo import generate_world

    world = generate_world(seed=7, people=people)
    entities = [r.entity for r in world.records]
    write_jsonl(path, entities)
    return entities


def ingest(user: Any, key: str, entities: list[dict[str, Any]], **options: Any) -> tuple[Any, Any]:
    """Ingest ``entities`` into a new collection ``key`` of ``user``'s agency, through
    ``records.services.ingest_entities`` with ``options``; the collection and the result."""
    from usalama.audit.services import Actor
    from usalama.records import services
    from usalama.records.models import Source

    actor = Actor.of(user)
    collection = services.ensure_collection(actor, key=key, agency=user.agency, label=key)
    source = services.ensure_source(
        collection,
        kind=Source.Kind.IMPORT,
        name="demo",
        sha256="",
        importer="test",
        importer_version="1",
        created_by="test",
    )
    items = [(entity, f"line {n}") for n, entity in enumerate(entities, 1)]
    result = services.ingest_entities(actor, collection, source, items, audit=False, **options)
    return collection, result


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item) + "\n")


def expected_statements(entities: list[dict[str, Any]], collection_key: str) -> int:
    """How many distinct statements the store should hold for these entities."""
    ids: set[str] = set()
    for data in entities:
        entity = StatementEntity.from_data(_Dataset(collection_key), data)  # type: ignore[arg-type]
        ids.update(s.id or "" for s in FtmStatement.from_entity(entity, dataset=collection_key))
    return len(ids)


def counts(collection_key: str) -> tuple[int, int]:
    from usalama.records.models import EntityRecord, Statement

    return (
        EntityRecord.objects.filter(collection__key=collection_key).count(),
        Statement.objects.filter(collection__key=collection_key).count(),
    )
