"""API: collections and entities, always through the records services (access + audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Query

from usalama.records import services

router = Router(tags=["records"])


class CollectionOut(Schema):
    id: int
    key: str
    label: str
    summary: str
    agency: str
    reliability: str
    assessment: str
    handling: str
    tlp: str
    entity_count: int


class SearchHitOut(Schema):
    id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    collections: list[str]
    agencies: list[str]


class SearchOut(Schema):
    query: str
    total: int
    results: list[SearchHitOut]


class ProvenanceOut(Schema):
    value: str
    collection: str
    agency: str
    source: str
    record: str
    reliability: str
    assessment: str
    handling: str
    first_seen: datetime
    last_seen: datetime


class PropertyOut(Schema):
    name: str
    label: str
    type: str
    values: list[ProvenanceOut]


class LinkOut(Schema):
    id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    via: str


class EntityOut(Schema):
    id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    collections: list[str]
    properties: list[PropertyOut]
    referenced_by: list[LinkOut]


def _collection_out(collection: Any, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "id": collection.id,
        "key": collection.key,
        "label": collection.label,
        "summary": collection.summary,
        "agency": collection.agency.code,
        "reliability": collection.reliability,
        "assessment": collection.assessment,
        "handling": collection.handling,
        "tlp": collection.tlp,
        "entity_count": counts.get(collection.id, 0),
    }


@router.get("/collections", response=list[CollectionOut])
def list_collections(request: HttpRequest) -> Any:
    collections = services.visible_collections(request.user)
    counts = services.collection_counts(c.id for c in collections)
    return [_collection_out(c, counts) for c in collections]


@router.get("/collections/{collection_id}", response=CollectionOut)
def get_collection(request: HttpRequest, collection_id: int) -> Any:
    collection = services.get_collection(request.user, collection_id)
    return _collection_out(collection, services.collection_counts([collection.id]))


@router.get("/entities", response=SearchOut, by_alias=True)
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200),
    schema_: str | None = Query(None, alias="schema", max_length=64, pattern=r"^[A-Za-z]+$"),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    hits = services.search_entities(request.user, q, schema=schema_, limit=limit)
    return {
        "query": q,
        "total": len(hits),
        "results": [
            {
                "id": h.entity_id,
                "schema": h.schema,
                "caption": h.caption,
                "collections": h.collections,
                "agencies": h.agencies,
            }
            for h in hits
        ],
    }


@router.get("/entities/{entity_id}", response=EntityOut, by_alias=True)
def get_entity(request: HttpRequest, entity_id: str) -> Any:
    view = services.get_entity(request.user, entity_id)
    return {
        "id": view.entity_id,
        "schema": view.schema,
        "caption": view.caption,
        "collections": view.collections,
        "properties": [
            {
                "name": p.name,
                "label": p.label,
                "type": p.type,
                "values": [
                    {
                        "value": v.value,
                        "collection": v.collection,
                        "agency": v.agency,
                        "source": v.source,
                        "record": v.record_ref,
                        "reliability": v.reliability,
                        "assessment": v.assessment,
                        "handling": v.handling,
                        "first_seen": v.first_seen,
                        "last_seen": v.last_seen,
                    }
                    for v in p.values
                ],
            }
            for p in view.properties
        ],
        "referenced_by": [
            {
                "id": link.entity_id,
                "schema": link.schema,
                "caption": link.caption,
                "via": link.via_property,
            }
            for link in view.referenced_by
        ],
    }
