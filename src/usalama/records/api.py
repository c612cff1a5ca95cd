"""API: collections and entities, always through the records services (access + audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, UploadedFile
from ninja.params.functions import File as NinjaFile
from ninja.params.functions import Form, Query

from usalama.records import exports, jobs, services

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


# --- imports and exports ------------------------------------------------------------------------


class ImportJobOut(Schema):
    id: int
    collection_id: int
    file_name: str
    format: str
    strict: bool
    status: str
    phase: str
    rows_done: int
    rows_total: int | None
    entities: int
    statements_added: int
    error_count: int
    message: str
    created_at: datetime
    finished_at: datetime | None


def _job_out(job: Any) -> dict[str, Any]:
    return {field: getattr(job, field) for field in ImportJobOut.model_fields}


@router.post("/collections/{collection_id}/imports", response={202: ImportJobOut})
def start_import(
    request: HttpRequest,
    collection_id: int,
    file: UploadedFile = NinjaFile(...),  # noqa: B008 - ninja's way of declaring a file
    format: str | None = Form(None, pattern=r"^(csv|xlsx|ftm|goaml)$"),
    mapping: str = Form("", max_length=262_144),
    strict: bool = Form(False),
) -> Any:
    """Upload a file and import it in the background; poll ``GET /imports/{id}``."""
    job = jobs.start_import_job(
        request.user,
        collection_id,
        file,
        file.name or "upload",
        file.size or 0,
        fmt=format,
        mapping=mapping,
        strict=strict,
    )
    return 202, _job_out(job)


@router.get("/imports/{job_id}", response=ImportJobOut)
def import_status(request: HttpRequest, job_id: int) -> Any:
    return _job_out(jobs.get_job(request.user, job_id))


@router.get("/imports/{job_id}/errors.csv")
def import_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """The rejected rows of an import as CSV: row, field, reason."""
    job, text = jobs.job_errors_csv(request.user, job_id)
    response = HttpResponse(text, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@router.get("/collections/{collection_id}/export")
def export_collection(
    request: HttpRequest,
    collection_id: int,
    format: str = Query("ftm", pattern=r"^(ftm|csv|geojson)$"),
) -> FileResponse:
    """The collection as FtM JSON lines, CSV or GeoJSON (audited; handling codes apply)."""
    collection = services.get_collection(request.user, collection_id)
    return exports.download(request.user, collection, format)
