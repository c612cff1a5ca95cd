"""Background imports: an uploaded file becomes an ImportJob run by a django-tasks worker.

``start_import_job`` stores the upload and enqueues ``records.tasks.run_import_job``; the
worker (``manage.py db_worker`` with the database backend) calls ``run_job``, which runs
``imports.import_file`` as the uploading user and records progress on the job row for
polling. Re-running a job that a killed worker left "running" resumes it without duplicates.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage

from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound, TooLarge, UsalamaError
from usalama.records import imports, services
from usalama.records.importers import FORMATS
from usalama.records.importers.comms import FORMATS as COMMS_FORMATS
from usalama.records.models import ImportJob

log = logging.getLogger("usalama.records.jobs")
_MAX_MAPPING_BYTES = 256 * 1024


def start_import_job(
    user: Any,
    collection_id: int,
    upload: IO[bytes],
    file_name: str,
    size: int,
    *,
    fmt: str | None = None,
    mapping: str = "",
    strict: bool = False,
) -> ImportJob:
    """Store the upload and queue its import into a collection the user's agency owns."""
    # a grant is read-only: only the owning agency imports (a refusal is audited)
    collection = services.writable_collection(user, collection_id, attempted="records.import")
    if size > settings.USALAMA_MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"the upload is {size:,} bytes; the limit is {settings.USALAMA_MAX_UPLOAD_BYTES:,}"
        )
    if fmt is not None and fmt not in FORMATS + COMMS_FORMATS:
        known = ", ".join(FORMATS + COMMS_FORMATS)
        raise InvalidInput(f"unknown format {fmt!r}; formats are: {known}")
    if len(mapping.encode()) > _MAX_MAPPING_BYTES:
        raise TooLarge("the mapping is larger than 256 KB")
    safe = Path(file_name).name[:200] or "upload"
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}-{safe}", upload)
    job = ImportJob.objects.create(
        collection=collection,
        user=user,
        file_name=safe,
        stored_path=stored,
        format=fmt or "",
        mapping=mapping,
        strict=strict,
    )
    record(
        user,
        "records.import.queued",
        object_type="collection",
        object_id=collection.pk,
        details={"job": job.pk, "file": safe, "format": fmt or "", "strict": strict},
    )
    from usalama.records.tasks import run_import_job

    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def get_job(user: Any, job_id: int) -> ImportJob:
    job = ImportJob.objects.visible_to(user).filter(id=job_id, collection__agency_id=user.agency_id)
    found = job.select_related("collection").first()
    if found is None:
        raise NotFound(f"import {job_id} not found")
    return found


def agency_jobs(user: Any, limit: int = 50) -> list[ImportJob]:
    """The latest imports into the user's agency's collections (by anyone in the agency)."""
    jobs = ImportJob.objects.visible_to(user).filter(collection__agency_id=user.agency_id)
    return list(jobs.select_related("collection", "user").order_by("-created_at")[:limit])


def job_errors_csv(user: Any, job_id: int) -> tuple[ImportJob, str]:
    """The rejected rows of a job as CSV (they quote the file's contents, so: audited)."""
    job = get_job(user, job_id)
    record(
        user,
        "records.import.errors",
        object_type="import_job",
        object_id=job.pk,
        details={"collection": job.collection.key, "rows": job.error_count},
    )
    return job, job.errors_csv or "row,field,reason\n"


def run_job(job_id: int) -> None:
    """Run one job to the end; every outcome is written on the job, nothing is raised."""
    job = ImportJob.objects.select_related("collection", "user__agency").get(id=job_id)
    if job.status == ImportJob.Status.DONE:
        return
    job.status, job.started_at, job.message = ImportJob.Status.RUNNING, _now(), ""
    job.save(update_fields=["status", "started_at", "message"])
    last = [0.0]

    def progress(phase: str, done: int, total: int | None) -> None:
        if time.monotonic() - last[0] < 1 and total != done:
            return
        last[0] = time.monotonic()
        ImportJob.objects.filter(id=job_id).update(phase=phase, rows_done=done, rows_total=total)

    mapping_dict = None
    try:
        if job.mapping:
            import yaml

            try:
                mapping_dict = yaml.safe_load(job.mapping)
            except yaml.YAMLError as error:
                raise InvalidInput("the mapping is not valid YAML") from error
            if not isinstance(mapping_dict, dict):
                raise InvalidInput("the mapping must be a YAML mapping with an 'entities' key")
        report = imports.import_file(
            job.user,
            default_storage.path(job.stored_path),
            job.collection.key,
            fmt=job.format or _format_of(job.file_name),
            mapping=mapping_dict,
            strict=job.strict,
            progress=progress,
            file_name=job.file_name,
        )
    except UsalamaError as error:
        rejected = getattr(error, "report", None)
        _finish(job, ImportJob.Status.FAILED, error.message, rejected)
        return
    except Exception:
        log.exception("import job %s failed", job_id)
        _finish(job, ImportJob.Status.FAILED, "internal error; it has been logged", None)
        return
    _finish(job, ImportJob.Status.DONE, report.summary(), report)


def _format_of(file_name: str) -> str:
    from usalama.records.importers import guess_format

    return guess_format(Path(file_name))


def _finish(job: ImportJob, status: str, message: str, report: Any) -> None:
    job.refresh_from_db()
    job.status, job.message, job.finished_at = status, message[:2000], _now()
    if report is not None:
        job.entities = report.entities
        job.statements_added = report.statements_added
        job.error_count = report.error_count
        job.errors_csv = report.errors_csv()
    job.save()
    # A finished job's upload is not needed again (a killed worker never gets here, so a
    # re-run of its job still finds the file and resumes).
    default_storage.delete(job.stored_path)


def _now() -> datetime:
    return datetime.now(tz=UTC)
