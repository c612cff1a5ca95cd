"""Exporting a collection as FtM JSON lines, a CSV table or GeoJSON. Audited.

The gate is the same as for reading (``visible_to``), plus handling codes: a collection
marked H2/H3 (no onward dissemination) leaves only by its originating agency's hand, and a
shared collection's own H2/H3 statements are left out for everyone else. FtM JSON keeps
entity ids as stored, so an export re-imports onto the same entities and statements.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from django.http import FileResponse
from followthemoney.statement import Statement as FtmStatement
from followthemoney.statement import StatementEntity

from usalama.audit.services import record
from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.records import services
from usalama.records.grading import NO_ONWARD_DISSEMINATION
from usalama.records.indexing import _Dataset
from usalama.records.models import Collection, Statement

# format -> (content type, file name suffix) of a download
DOWNLOAD_TYPES = {
    "ftm": ("application/x-ndjson", "ftm.json"),
    "csv": ("text/csv", "csv"),
    "geojson": ("application/geo+json", "geojson"),
}
FORMATS = tuple(DOWNLOAD_TYPES)
Progress = Callable[[int, int | None], None]
_FIELDS = ("entity_id", "schema", "prop", "value", "lang", "original_value", "id")


def exportable_collection(user: Any, collection_key: str) -> Collection:
    """The collection if the user may see it and take it out; NotFound / PermissionDenied."""
    collection = (
        Collection.objects.visible_to(user).select_related("agency").filter(key=collection_key)
    ).first()
    if collection is None:
        raise NotFound(f"collection {collection_key!r} not found")
    if not services.may_export(user, collection):
        raise PermissionDenied(
            f"collection {collection_key!r} is handled {collection.handling} (no onward "
            f"dissemination): only {collection.agency.code} may export it"
        )
    return collection


def export_collection(
    user: Any,
    collection_key: str,
    fmt: str,
    out: TextIO,
    progress: Progress | None = None,
) -> int:
    """Write the collection to ``out`` in ``fmt``; returns the number of entities written."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}; formats are: {', '.join(FORMATS)}")
    collection = exportable_collection(user, collection_key)
    record(
        user,
        "export",
        object_type="collection",
        object_id=collection.pk,
        details={"key": collection.key, "format": fmt},
    )
    entities = _entities(user, collection, progress)
    if fmt == "ftm":
        return _write_ftm(entities, out)
    if fmt == "csv":
        return _write_csv(entities, out, _props(user, collection))
    return _write_geojson(entities, out)


def download(user: Any, collection: Collection, fmt: str) -> FileResponse:
    """The export as a file download, for the web and the API.

    Written to a spool first (memory, then disk past 8 MB) and sent only when complete, so a
    refusal (PermissionDenied) or an error is still an ordinary answer, never a half-sent file.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
    try:
        export_collection(user, collection.key, fmt, text)
    except BaseException:
        spool.close()
        raise
    text.flush()
    text.detach()
    spool.seek(0)
    content_type, suffix = DOWNLOAD_TYPES[fmt]
    return FileResponse(
        spool, as_attachment=True, filename=f"{collection.key}.{suffix}", content_type=content_type
    )


def _statements(user: Any, collection: Collection) -> Any:
    rows = Statement.objects.filter(collection=collection)
    if getattr(user, "agency_id", None) != collection.agency_id:
        rows = rows.exclude(handling__in=list(NO_ONWARD_DISSEMINATION))
    return rows


def _entities(
    user: Any, collection: Collection, progress: Progress | None
) -> Iterator[StatementEntity]:
    dataset = _Dataset(collection.key)
    total = collection.entities.count()
    rows = (
        _statements(user, collection).order_by("entity_id", "prop", "value").values_list(*_FIELDS)
    )
    current: str | None = None
    batch: list[FtmStatement] = []
    done = 0
    for entity_id, schema, prop, value, lang, original, stmt_id in rows.iterator(chunk_size=5000):
        if entity_id != current and batch:
            yield StatementEntity.from_statements(dataset, batch)  # type: ignore[arg-type]
            done += 1
            if progress and done % 1000 == 0:
                progress(done, total)
            batch = []
        current = entity_id
        batch.append(
            FtmStatement(
                entity_id=entity_id,
                prop=prop,
                schema=schema,
                value=value,
                dataset=collection.key,
                lang=lang or None,
                original_value=original or None,
                id=stmt_id,
            )
        )
    if batch:
        yield StatementEntity.from_statements(dataset, batch)  # type: ignore[arg-type]
        done += 1
    if progress:
        progress(done, total)


def _plain(entity: StatementEntity) -> dict[str, Any]:
    properties: dict[str, list[str]] = {}
    for prop, value in entity.itervalues():
        properties.setdefault(prop.name, []).append(value)
    return {"id": entity.id, "schema": entity.schema.name, "properties": properties}


def _write_ftm(entities: Iterator[StatementEntity], out: TextIO) -> int:
    count = 0
    for entity in entities:
        out.write(json.dumps(_plain(entity), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        count += 1
    return count


def _props(user: Any, collection: Collection) -> list[str]:
    names = _statements(user, collection).values_list("prop", flat=True).distinct()
    return sorted(p for p in set(names) if p != services.BASE_PROP)


def _write_csv(entities: Iterator[StatementEntity], out: TextIO, props: list[str]) -> int:
    writer = spreadsheets.writer(out, lineterminator="\n")
    writer.writerow(["id", "schema", "caption", *props])
    count = 0
    for entity in entities:
        values = _plain(entity)["properties"]
        writer.writerow(
            [entity.id, entity.schema.name, entity.caption]
            + ["; ".join(values.get(p, [])) for p in props]
        )
        count += 1
    return count


def _write_geojson(entities: Iterator[StatementEntity], out: TextIO) -> int:
    out.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for entity in entities:
        point = _point(entity)
        if point is None:
            continue
        feature = {
            "type": "Feature",
            "id": entity.id,
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": {
                "schema": entity.schema.name,
                "caption": entity.caption,
                **{k: v for k, v in _plain(entity)["properties"].items()},
            },
        }
        out.write((",\n" if count else "") + json.dumps(feature, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def _point(entity: StatementEntity) -> tuple[float, float] | None:
    if not (entity.schema.get("latitude") and entity.schema.get("longitude")):
        return None
    try:
        lat = float(entity.first("latitude") or "")
        lon = float(entity.first("longitude") or "")
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lon, lat
