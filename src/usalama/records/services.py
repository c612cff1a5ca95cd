"""Use cases of the records app: the only code that writes records, checks access and audits.

Everything another app needs from records goes through these functions.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from followthemoney.statement import StatementEntity

from usalama.accounts.models import Agency
from usalama.audit.services import Actor, record, record_refused
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.core.text import clean_text
from usalama.records.bulk import PlannerStatistics, bulk_writes, commit_without_flush_wait
from usalama.records.grading import NO_ONWARD_DISSEMINATION
from usalama.records.indexing import RECORD_TABLE, entity_from_rows, schema_label
from usalama.records.labels import translate_label
from usalama.records.models import (
    Collection,
    EntityRecord,
    GrantedEntity,
    Source,
    Statement,
    granted_entities_q,
    open_entity_grant_ids,
)
from usalama.records.search import matching_record_ids
from usalama.records.signals import entities_ingested, entity_read
from usalama.records.writing import (
    STATEMENT_TABLE,
    IngestResult,
    Target,
    prepared_chunks,
    store_chunk,
)

BASE_PROP = "id"
# Entities per transaction: big enough that per-chunk queries and commits cost little (going
# from 2,000 to 5,000 gained nothing measurable), small enough that a chunk stays a few MB.
CHUNK_ENTITIES = 2000
T = TypeVar("T")


# --- collections ------------------------------------------------------------------------------


def visible_collections(user: Any) -> list[Collection]:
    return list(Collection.objects.visible_to(user).select_related("agency").order_by("label"))


def writable_collections(user: Any) -> list[Collection]:
    """Collections the user may change (import into, resolve, scan): its agency's own."""
    return list(Collection.objects.writable_by(user).select_related("agency").order_by("label"))


def get_collection(user: Any, collection_id: int) -> Collection:
    try:
        return Collection.objects.visible_to(user).select_related("agency").get(id=collection_id)
    except Collection.DoesNotExist as missing:
        raise NotFound(f"collection {collection_id} not found") from missing


def writable_collection(
    user: Any, collection: Collection | int | str, *, attempted: str
) -> Collection:
    """The collection (object, id or key) if ``user`` may write into it; else refuse, audited.

    Not visible at all answers ``NotFound`` (as if missing); visible through a grant but not
    writable answers ``PermissionDenied``. Either way the attempt is audited under the acting
    user, with the owner's agency so that its administrators see it too. ``user=None`` is the
    operator at the CLI, who may write anything.
    """
    if isinstance(collection, Collection):
        found: Collection | None = collection
    else:
        lookup = {"id": collection} if isinstance(collection, int) else {"key": collection}
        found = Collection.objects.select_related("agency").filter(**lookup).first()
    if found is None:
        refuse_write(user, attempted, "collection", collection, owner_agency="", visible=False)
        raise NotFound(f"collection {collection} not found")
    if user is None or Collection.objects.writable_by(user).filter(id=found.pk).exists():
        return found
    visible = Collection.objects.visible_to(user).filter(id=found.pk).exists()
    owner = Agency.objects.filter(id=found.agency_id).values_list("code", flat=True).first() or ""
    refuse_write(user, attempted, "collection", found.pk, owner_agency=owner, visible=visible)
    if not visible:
        raise NotFound(f"collection {collection} not found")
    raise PermissionDenied("only the owning agency may change this collection or its records")


def refuse_write(
    user: Any,
    attempted: str,
    object_type: str,
    object_id: Any,
    *,
    owner_agency: str,
    visible: bool,
) -> None:
    """Audit a refused write. Call it before opening the write's transaction (a refusal
    raises, and whatever that transaction held would be rolled back with it)."""
    reason = "read-only grant" if visible else "not visible"
    record_refused(
        user,
        attempted,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        owner_agency=owner_agency,
    )


def ensure_collection(
    actor: Actor,
    *,
    key: str,
    agency: Agency,
    label: str,
    summary: str = "",
    reliability: str = "X",
    assessment: str = "4",
    handling: str = "H2",
    tlp: str = "AMBER",
) -> Collection:
    """Create the collection if missing (audited); an existing one must belong to ``agency``."""
    existing = Collection.objects.filter(key=key).first()
    if existing is not None:
        if existing.agency_id != agency.id:
            raise NotFound(f"collection {key!r} not found")
        return existing
    collection = Collection.objects.create(
        key=key,
        label=label,
        summary=summary,
        agency=agency,
        reliability=reliability,
        assessment=assessment,
        handling=handling,
        tlp=tlp,
    )
    record(
        actor,
        "collection.create",
        object_type="collection",
        object_id=collection.pk,
        details={"key": key, "agency": agency.code},
    )
    return collection


def collection_counts(collection_ids: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    rows = EntityRecord.objects.filter(collection_id__in=list(collection_ids)).values_list(
        "collection_id", flat=True
    )
    for cid in rows.iterator(chunk_size=10_000):
        counts[cid] += 1
    return dict(counts)


# --- writing statements --------------------------------------------------------------------------


def ensure_source(
    collection: Collection,
    *,
    kind: str,
    name: str,
    sha256: str,
    importer: str,
    importer_version: str,
    created_by: str,
) -> Source:
    source, _created = Source.objects.get_or_create(
        collection=collection,
        kind=kind,
        name=name,
        sha256=sha256,
        defaults={
            "importer": importer,
            "importer_version": importer_version,
            "created_by": created_by,
        },
    )
    return source


def mark_source_complete(source: Source) -> None:
    source.completed_at = datetime.now(tz=UTC)
    source.save(update_fields=["completed_at"])


def ingest_entities(
    actor: Actor,
    collection: Collection,
    source: Source,
    entities: Iterable[tuple[dict[str, Any], str]],
    *,
    chunk_size: int = CHUNK_ENTITIES,
    audit: bool = True,
    parallel: bool = False,
) -> IngestResult:
    """Store entities as statements with their search rows, one transaction per chunk.

    Statement ids are FtM's statement keys (collection, entity, property, value), so a
    statement already stored is recognised and only its ``last_seen`` moves on: re-ingesting
    adds nothing, and a run stopped at any point can simply be run again.
    ``audit=False`` is for callers that write one event for a whole run (``records.imports``);
    ``parallel`` prepares chunks in a worker process (worth it for large inputs only; see
    ``records.writing.prepared_chunks``).
    """
    result = IngestResult()
    seen_at = datetime.now(tz=UTC)
    target = Target(
        collection_key=collection.key,
        collection_id=collection.pk,
        source_id=source.pk,
        seen=connection.ops.adapt_datetimefield_value(seen_at),
    )
    batches = chunks(iter(entities), chunk_size)
    statistics = PlannerStatistics(STATEMENT_TABLE, also=[RECORD_TABLE])
    with bulk_writes():
        for prepared in prepared_chunks(target, batches, parallel=parallel):
            with transaction.atomic():
                commit_without_flush_wait()
                stored = store_chunk(collection, prepared, seen_at)
            result.add(stored)
            statistics.wrote(stored.statements_seen)
    statistics.finished()
    if result.entities:
        entities_ingested.send_robust(Collection, collection_id=collection.pk, since=seen_at)
    if not audit:
        return result
    record(
        actor,
        "records.ingest",
        object_type="collection",
        object_id=collection.pk,
        details={
            "source": source.name,
            "entities": result.entities,
            "statements_added": result.statements_added,
        },
    )
    return result


def chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    entity_id: str
    schema: str
    schema_label: str
    caption: str
    collections: list[str]
    agencies: list[str]


def search_entities(
    user: Any, query: str, *, schema: str | None = None, limit: int | None = None
) -> list[SearchHit]:
    """Entities visible to the user matching every term of the query. Audited."""
    query = clean_text(query).strip()
    if len(query) > 200:
        raise InvalidInput("search query is longer than 200 characters")
    max_results = min(
        limit or settings.USALAMA_SEARCH_MAX_RESULTS, settings.USALAMA_SEARCH_MAX_RESULTS
    )
    allowed = list(Collection.objects.visible_to(user).values_list("id", flat=True))
    ids = matching_record_ids(query, allowed, max_results * 3)
    # Entities granted one by one: search their collections, keep only the granted records.
    grant_ids = open_entity_grant_ids(user)
    if grant_ids:
        granted_in = set(
            GrantedEntity.objects.filter(grant_id__in=grant_ids)
            .exclude(collection_id__in=allowed)
            .values_list("collection_id", flat=True)
        )
        if granted_in:
            extra = matching_record_ids(query, sorted(granted_in), 5_000)
            ids += list(
                EntityRecord.objects.filter(id__in=extra)
                .filter(granted_entities_q(grant_ids))
                .values_list("id", flat=True)[: max_results * 3]
            )
    records_qs = EntityRecord.objects.filter(id__in=ids).select_related("collection__agency")
    if schema:
        records_qs = records_qs.filter(schema=schema)
    order = {rid: i for i, rid in enumerate(ids)}
    grouped: dict[str, list[EntityRecord]] = {}
    for rec in sorted(records_qs, key=lambda r: order[r.id]):
        grouped.setdefault(rec.entity_id, []).append(rec)
    hits = [
        SearchHit(
            entity_id=entity_id,
            schema=recs[0].schema,
            schema_label=schema_label(recs[0].schema),
            caption=recs[0].caption,
            collections=sorted({r.collection.label for r in recs}),
            agencies=sorted({r.collection.agency.code for r in recs}),
        )
        for entity_id, recs in grouped.items()
    ][:max_results]
    record(
        user,
        "search",
        object_type="entity",
        query=query,
        details={"results": len(hits), "schema": schema or ""},
    )
    return hits


@dataclass(frozen=True)
class Provenance:
    value: str
    collection: str
    collection_id: int
    agency: str
    source: str
    record_ref: str
    reliability: str
    assessment: str
    handling: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class PropertyValues:
    name: str
    label: str
    type: str
    values: list[Provenance]


@dataclass(frozen=True)
class LinkedEntity:
    entity_id: str
    schema: str
    caption: str
    via_property: str


@dataclass
class EntityView:
    entity_id: str
    schema: str
    schema_label: str
    caption: str
    properties: list[PropertyValues] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    referenced_by: list[LinkedEntity] = field(default_factory=list)
    entity: StatementEntity | None = None


def readable_entity_ids(user: Any, entity_ids: Iterable[str]) -> set[str]:
    """Those of ``entity_ids`` whose page the user may open (the gate of ``get_entity``).

    Pages that name entities from another agency's work (a shared case, say) link only these:
    a link to the rest would answer 404."""
    wanted = {e for e in entity_ids if e}
    if not wanted:
        return set()
    rows = EntityRecord.objects.visible_to(user).filter(entity_id__in=wanted)
    return set(rows.values_list("entity_id", flat=True))


def get_entity(user: Any, entity_id: str) -> EntityView:
    """The entity as the user may see it: only statements from visible collections. Audited.

    Unknown and not-visible entities raise the same NotFound, so existence is not revealed.
    """
    if len(entity_id) > 200:
        raise NotFound("entity not found")
    rows = list(
        Statement.objects.visible_to(user)
        .filter(entity_id=entity_id)
        .select_related("collection__agency", "source")
        .order_by("prop", "value")
    )
    if not rows:
        raise NotFound("entity not found")
    entity = entity_from_rows(rows)
    entity.id = entity_id
    by_prop: dict[str, list[Statement]] = defaultdict(list)
    for row in rows:
        if row.prop != BASE_PROP:
            by_prop[row.prop].append(row)
    properties: list[PropertyValues] = []
    for prop_name, prop_rows in by_prop.items():
        prop = entity.schema.get(prop_name)
        if prop is None or prop.hidden:
            continue
        properties.append(
            PropertyValues(
                name=prop_name,
                label=translate_label(str(prop.label)),
                type=prop.type.name,
                values=[_provenance(r) for r in prop_rows],
            )
        )
    properties.sort(key=lambda p: (p.name != "name", p.label))
    view = EntityView(
        entity_id=entity_id,
        schema=entity.schema.name,
        schema_label=translate_label(str(entity.schema.label)),
        caption=entity.caption,
        properties=properties,
        collections=sorted({r.collection.label for r in rows}),
        referenced_by=_referenced_by(user, entity_id),
        entity=entity,
    )
    record(
        user,
        "entity.read",
        object_type="entity",
        object_id=entity_id,
        details={"statements": len(rows)},
    )
    entity_read.send(
        sender=Statement,
        user=user,
        entity_id=entity_id,
        collection_ids=sorted({r.collection_id for r in rows}),
    )
    return view


def _provenance(row: Statement) -> Provenance:
    return Provenance(
        value=row.value,
        collection=row.collection.label,
        collection_id=row.collection_id,
        agency=row.collection.agency.code,
        source=row.source.name,
        record_ref=row.record_ref,
        reliability=row.effective_reliability,
        assessment=row.effective_assessment,
        handling=row.effective_handling,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


def _referenced_by(user: Any, entity_id: str, limit: int = 200) -> list[LinkedEntity]:
    """Relationship entities (directorships, ownerships, family...) pointing at this entity."""
    refs = (
        Statement.objects.visible_to(user)
        .filter(prop_type="entity", value=entity_id)
        .values_list("entity_id", "prop")[:limit]
    )
    via = dict(refs)
    if not via:
        return []
    recs = EntityRecord.objects.visible_to(user).filter(entity_id__in=list(via))
    seen: dict[str, LinkedEntity] = {}
    for rec in recs:
        seen.setdefault(
            rec.entity_id, LinkedEntity(rec.entity_id, rec.schema, rec.caption, via[rec.entity_id])
        )
    return sorted(seen.values(), key=lambda link: (link.schema, link.caption))


def may_export(user: Any, collection: Collection) -> bool:
    """H2/H3 material leaves only by its originator's hand."""
    if collection.handling not in NO_ONWARD_DISSEMINATION:
        return True
    return bool(getattr(user, "agency_id", None) == collection.agency_id)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
