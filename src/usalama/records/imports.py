"""Importing a file into a collection: the use case behind the CLI, the API and the web.

Two passes over the file. The first parses everything and writes nothing: a fatal problem
(bad mapping, wrong or truncated file, binary garbage, too large) raises before any row is
stored, and ``strict`` rejects a file with any bad row. It runs the readers' structural
checks only (``importers.check_entity``), which are what makes the second pass's FtM
cleaning succeed, so values are cleaned once, in the second pass. That pass writes the good
records through ``records.services.ingest_entities`` in chunks, each one transaction
(statements plus their search rows; see ``records.writing``). Statement ids are FtM statement
keys, so a run killed at any point and started again stores every statement exactly once:
the re-run recognises the entities already stored, adds what they lack and rebuilds their
search rows from the database, and writes the rest as new.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from usalama.audit.services import Actor, record
from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.records import services
from usalama.records.importers import (
    FORMATS,
    IMPORTER_VERSION,
    Reader,
    RowError,
    comms,
    csv_mapped,
    ftm,
    goaml,
    guess_format,
)
from usalama.records.importers.limits import MAX_ERRORS_KEPT, check_file
from usalama.records.models import Collection, Source

log = logging.getLogger("usalama.records.imports")

# (phase, records done, records in total or None). Phases: "checking", "writing".
Progress = Callable[[str, int, int | None], None]
# From this many good records on, a worker process prepares chunks while this one writes:
# starting it costs a fork (milliseconds), small against the seconds such a file takes.
PARALLEL_FROM = 20_000
T = TypeVar("T")


class RowErrors:
    """The rejected rows of an import report (``error_count`` counts them all, ``errors``
    keeps the first ``MAX_ERRORS_KEPT``); shared by every report built on these readers."""

    error_count: int
    errors: list[RowError]

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    def errors_csv(self) -> str:
        """The rejected rows as CSV: row, field, reason (what the user downloads)."""
        out = io.StringIO()
        writer = spreadsheets.writer(out, lineterminator="\n")
        writer.writerow(["row", "field", "reason"])
        for error in self.errors:
            writer.writerow([error.row, error.field, error.reason])
        return out.getvalue()


@dataclass
class ImportReport(RowErrors):
    collection: str
    file_name: str
    sha256: str
    format: str
    records: int = 0
    entities: int = 0
    statements_added: int = 0
    statements_seen: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    created_collection: bool = False
    collection_entities: int = 0

    def summary(self) -> str:
        return (
            f"{self.file_name} → {self.collection}: {self.records:,} records read, "
            f"{self.statements_added:,} new statements, {self.error_count:,} rejected; "
            f"the collection now holds {self.collection_entities:,} entities"
        )


class ImportRejected(InvalidInput):
    """``strict`` import of a file with bad rows: nothing written; the report lists them."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


def reader(
    fmt: str,
    path: Path,
    mapping: Any,
    collection_key: str,
    sha256: str = "",
    comms_options: comms.CommsOptions | None = None,
    file_name: str | None = None,
) -> Callable[[], Reader]:
    """How to read ``path`` in format ``fmt`` (called once for each pass over the file)."""
    if fmt in comms.FORMATS:
        if mapping is not None and fmt != "cdr" and not isinstance(mapping, dict):
            # (from the web, a dict carries the provenance: court order, device, examiner)
            raise InvalidInput(f"a {fmt} export takes no mapping")
        return lambda: comms.read(
            path, fmt, sha256, mapping=mapping, options=comms_options, file_name=file_name
        )
    if fmt in ("csv", "xlsx"):
        if mapping is None:
            raise InvalidInput(f"a {fmt} import needs a mapping file (--mapping MAPPING.yml)")
        mappings = csv_mapped.load_mapping(mapping, key_prefix=collection_key)
        return lambda: csv_mapped.read(path, fmt, mappings)
    if fmt == "ftm":
        return lambda: ftm.read(path)
    if fmt == "goaml":
        return lambda: goaml.read(path)
    raise InvalidInput(f"unknown format {fmt!r}; formats are: {', '.join(FORMATS + comms.FORMATS)}")


def _target_agency(user: Any, agency: Any) -> Any:
    from usalama.accounts.models import Agency

    if not getattr(user, "sees_records", False):
        raise PermissionDenied(f"{user.get_username()} has no role that may import records")
    if agency is None:
        return user.agency
    code = agency.code if isinstance(agency, Agency) else str(agency).upper()
    if code != user.agency.code:
        raise PermissionDenied(
            f"{user.get_username()} works for {user.agency.code} and may import only into "
            f"{user.agency.code} collections"
        )
    return user.agency


def import_file(
    actor_user: Any,
    path: str | Path,
    collection_key: str,
    agency: Any = None,
    fmt: str | None = None,
    mapping: Path | dict[str, Any] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    *,
    file_name: str | None = None,
    label: str | None = None,
    comms_options: comms.CommsOptions | None = None,
) -> ImportReport:
    """Import ``path`` into the collection ``collection_key`` as ``actor_user``. Audited."""
    path = Path(path)
    name = file_name or path.name
    owner = _target_agency(actor_user, agency)
    _check_key(collection_key)
    existing = Collection.objects.filter(key=collection_key).first()
    if existing is not None and existing.agency_id != owner.id:
        raise NotFound(f"collection {collection_key!r} not found")
    check_file(path, settings.USALAMA_MAX_UPLOAD_BYTES)
    fmt = fmt or guess_format(path)
    sha256 = services.file_sha256(str(path))
    read = reader(fmt, path, mapping, collection_key, sha256, comms_options, name)
    report = ImportReport(collection=collection_key, file_name=name, sha256=sha256, format=fmt)
    notify = progress or (lambda phase, done, total: None)

    # Pass 1: parse everything, write nothing.
    good = 0
    for item in counted(read(), "checking", None, notify):
        if isinstance(item, RowError):
            report.add_error(item)
        else:
            good += 1
    if strict and report.error_count:
        first = report.errors[0]
        raise ImportRejected(
            f"{report.error_count} bad record(s), so nothing was imported (strict); first: "
            f"{first.row}, field {first.field or '-'}: {first.reason}",
            report,
        )
    if good == 0:
        detail = ""
        if report.errors:
            first = report.errors[0]
            detail = f"; first: {first.row}, field {first.field or '-'}: {first.reason}"
        raise ImportRejected(f"{name}: no record could be imported{detail}", report)

    # Pass 2: write in chunks, each one transaction.
    actor = Actor.of(actor_user)
    with transaction.atomic():
        collection = services.ensure_collection(
            actor, key=collection_key, agency=owner, label=label or collection_key
        )
        report.created_collection = existing is None
        source = services.ensure_source(
            collection,
            kind=Source.Kind.IMPORT,
            name=name[:300],
            sha256=report.sha256,
            importer=f"usalama.{fmt}",
            importer_version=IMPORTER_VERSION,
            created_by=actor.name,
        )
    good_items = (item for item in read() if not isinstance(item, RowError))
    entities: Iterator[tuple[dict[str, Any], str]]
    entities = counted(good_items, "writing", good, notify)
    result = services.ingest_entities(
        actor, collection, source, entities, audit=False, parallel=good >= PARALLEL_FROM
    )
    report.entities = result.entities
    report.statements_added = result.statements_added
    report.statements_seen = result.statements_seen
    report.records = good
    report.collection_entities = collection.entities.count()
    services.mark_source_complete(source)
    record(
        actor,
        "records.import",
        object_type="collection",
        object_id=collection.pk,
        details={
            "file": name,
            "sha256": report.sha256,
            "format": fmt,
            "importer_version": IMPORTER_VERSION,
            "entities": report.entities,
            "statements_added": report.statements_added,
            "rejected": report.error_count,
        },
    )
    return report


def _check_key(key: str) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_slug

    try:
        validate_slug(key)
    except ValidationError as error:
        raise InvalidInput(
            f"collection name {key!r} must be letters, digits, '-' or '_' only"
        ) from error
    if len(key) > 100:
        raise InvalidInput("collection name is longer than 100 characters")


def counted(items: Iterator[T], phase: str, total: int | None, notify: Progress) -> Iterator[T]:
    """``items`` unchanged, telling ``notify`` every 500 and at the end how many went by."""
    done = 0
    for item in items:
        done += 1
        if done % 500 == 0:
            notify(phase, done, total)
        yield item
    notify(phase, done, total if total is not None else done)
