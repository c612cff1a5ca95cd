"""Turning stored statements into entities and search rows (one place for both)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from followthemoney import model
from followthemoney.statement import Statement as FtmStatement
from followthemoney.statement import StatementEntity
from followthemoney.types import registry

from usalama.core.text import normalise_identifier, normalise_phone, tokens
from usalama.records.bulk import insert_tuples
from usalama.records.models import Collection, EntityRecord, Statement

_IDENTIFIER_TYPES = {registry.identifier, registry.checksum}
_MAX_SEARCH_TEXT = 20_000


class _Dataset:
    """The minimal dataset object StatementEntity needs: a name."""

    def __init__(self, name: str) -> None:
        self.name = name


def entity_from_rows(rows: Iterable[Statement]) -> StatementEntity:
    """Aggregate stored statements (of one entity id, or of one canonical id) into an entity."""
    statements = [
        FtmStatement(
            entity_id=row.entity_id,
            prop=row.prop,
            schema=row.schema,
            value=row.value,
            dataset=row.collection.key if hasattr(row, "collection") else "",
            lang=row.lang or None,
            original_value=row.original_value or None,
            id=row.id,
            canonical_id=row.canonical_id,
            first_seen=row.first_seen.isoformat(),
            last_seen=row.last_seen.isoformat(),
        )
        for row in rows
    ]
    return StatementEntity.from_statements(_Dataset("usalama"), statements)  # type: ignore[arg-type]


def search_text(entity: StatementEntity) -> str:
    """Normalised tokens for names, identifiers, phones and emails of one entity."""
    words: list[str] = []
    for prop, value in entity.itervalues():
        kind = prop.type
        if kind == registry.name:
            words.extend(tokens(value))
        elif kind == registry.phone:
            words.append(_phone_token(value))
        elif kind in _IDENTIFIER_TYPES or prop.name in {"accountNumber", "publicKey", "idNumber"}:
            words.extend(tokens(normalise_identifier(value)))
            words.extend(tokens(value))
        elif kind == registry.email:
            words.extend(tokens(value))
    unique = list(dict.fromkeys(words))
    return " ".join(unique)[:_MAX_SEARCH_TEXT]


RECORD_COLUMNS = (
    "collection_id",
    "entity_id",
    "canonical_id",
    "schema",
    "caption",
    "search_text",
    "statement_count",
    "first_seen",
    "last_seen",
)
RECORD_TABLE = EntityRecord._meta.db_table


def record_row(
    collection_id: int,
    entity_id: str,
    canonical_id: str,
    entity: StatementEntity,
    statement_count: int,
    first_seen: Any,
    last_seen: Any,
) -> tuple[Any, ...]:
    """One EntityRecord as a tuple in the order of ``RECORD_COLUMNS`` (times already adapted)."""
    return (
        collection_id,
        entity_id,
        canonical_id,
        entity.schema.name,
        (entity.caption or schema_label(entity.schema.name))[:500],
        search_text(entity),
        statement_count,
        first_seen,
        last_seen,
    )


def _phone_token(value: str) -> str:
    # Stored phones are FtM-cleaned, i.e. already E.164 ("+254712345678"): their digits are
    # what normalise_phone would give, without parsing each number again (a third of the
    # cost of building a search row). Anything else takes the full path.
    if value.startswith("+") and value[1:].isdigit():
        return value[1:]
    return normalise_phone(value) or "".join(tokens(value))


def rebuild_records(collection: Collection, entity_ids: Iterable[str] | None = None) -> int:
    """Recompute the EntityRecord rows of a collection (or of some of its entities).

    Reads the entities' stored statements back: the way for entities that already had
    statements before a write (see ``records.writing``) and for whole-collection rebuilds.
    """
    statements = Statement.objects.filter(collection=collection).select_related("collection")
    if entity_ids is not None:
        ids = list(entity_ids)
        statements = statements.filter(entity_id__in=ids)
        EntityRecord.objects.filter(collection=collection, entity_id__in=ids).delete()
    else:
        EntityRecord.objects.filter(collection=collection).delete()
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for row in statements.order_by("entity_id").iterator(chunk_size=5000):
        grouped[row.entity_id].append(row)
    adapt = connection.ops.adapt_datetimefield_value
    batch: list[tuple[Any, ...]] = []
    for entity_id, rows in grouped.items():
        batch.append(
            record_row(
                collection.pk,
                entity_id,
                rows[0].canonical_id,
                entity_from_rows(rows),
                len(rows),
                adapt(min(r.first_seen for r in rows)),
                adapt(max(r.last_seen for r in rows)),
            )
        )
        if len(batch) >= 2000:
            insert_tuples(RECORD_TABLE, RECORD_COLUMNS, batch)
            batch = []
    insert_tuples(RECORD_TABLE, RECORD_COLUMNS, batch)
    return len(grouped)


def schema_label(name: str) -> str:
    from django.utils.translation import gettext

    schema: Any = model.get(name)
    return gettext(str(schema.label)) if schema is not None else name
