"""Records pages: collections with export, file import, and the progress of import jobs.

Views only translate between HTTP and the services (``services``, ``jobs``, ``exports``);
access checks and audit happen there. Another agency's job or collection answers 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from usalama.audit.services import Actor
from usalama.core.errors import NotFound, PermissionDenied, UsalamaError
from usalama.records import exports, jobs, services
from usalama.records.forms import NEW, ImportForm
from usalama.records.models import Collection, ImportJob
from usalama.records.uploads import LimitedUploadHandler


def _records_user(request: HttpRequest) -> Any:
    user: Any = request.user
    if not getattr(user, "sees_records", False):
        raise Http404  # the same answer as for a page that holds nothing for this user
    return user


# --- collections and export ---------------------------------------------------------------


@login_required
@require_GET
def collections(request: HttpRequest) -> HttpResponse:
    return _collections_page(request, _records_user(request))


def _collections_page(
    request: HttpRequest, user: Any, refused: str = "", status: int = 200
) -> HttpResponse:
    visible = services.visible_collections(user)
    counts = services.collection_counts(c.id for c in visible)
    rows = [
        {
            "collection": c,
            "count": counts.get(c.id, 0),
            "owned": c.agency_id == user.agency_id,
            "may_export": services.may_export(user, c),
        }
        for c in visible
    ]
    context = {"rows": rows, "formats": list(exports.FORMATS), "refused": refused}
    return render(request, "records/collections.html", context, status=status)


@login_required
@require_GET
def export(request: HttpRequest, collection_id: int) -> HttpResponseBase:
    user = _records_user(request)
    fmt = request.GET.get("format", "ftm")
    if fmt not in exports.FORMATS:
        raise Http404
    try:
        collection = services.get_collection(user, collection_id)
    except NotFound as missing:
        raise Http404 from missing
    try:
        return exports.download(user, collection, fmt)
    except PermissionDenied:
        message = _(
            "%(collection)s is handled %(code)s (no onward dissemination): only %(agency)s "
            "may export it. Nothing was exported."
        ) % {
            "collection": collection.label,
            "code": collection.handling,
            "agency": collection.agency.code,
        }
        return _collections_page(request, user, refused=message, status=403)


# --- imports ------------------------------------------------------------------------------------


def _owned_collections(user: Any) -> list[Collection]:
    return [c for c in services.visible_collections(user) if c.agency_id == user.agency_id]


def _imports_page(
    request: HttpRequest, user: Any, form: ImportForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "jobs": [_job_view(j) for j in jobs.agency_jobs(user)],
        "max_upload": settings.USALAMA_MAX_UPLOAD_BYTES,
        "refused": refused,
    }
    return render(request, "records/imports.html", context, status=status)


@csrf_exempt  # checked below, once the upload handler is in place (see _start_import)
@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    user = _records_user(request)
    if request.method == "GET":
        return _imports_page(request, user, ImportForm(collections=_owned_collections(user)))
    # The size guard must be first in the chain before anything reads the body, which is
    # why CSRF is checked after it (Django's documented way of changing upload handlers).
    guard = LimitedUploadHandler(request, settings.USALAMA_MAX_UPLOAD_BYTES)
    request.upload_handlers = [guard, *request.upload_handlers]
    request.POST  # noqa: B018 - parse now, through the guard
    if guard.exceeded:
        # Nothing was stored and nothing changes, so this answer needs no CSRF check.
        limit = filesizeformat(settings.USALAMA_MAX_UPLOAD_BYTES)
        message = _("The file is larger than the upload limit of %(limit)s; nothing was stored.")
        form = ImportForm(collections=_owned_collections(user))
        return _imports_page(request, user, form, status=413, refused=message % {"limit": limit})
    response: HttpResponse = _start_import(request)
    return response


@csrf_protect
def _start_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    owned = _owned_collections(user)
    chosen = request.POST.get("collection", "")
    if chosen.isdigit() and int(chosen) not in {c.pk for c in owned}:
        # a collection the form does not offer: another agency's (404) or granted (403);
        # refused and audited by the write gate, not just an invalid choice
        services.writable_collection(user, int(chosen), attempted="records.import")
    form = ImportForm(request.POST, request.FILES, collections=owned)
    if not form.is_valid():
        return _imports_page(request, user, form, status=400)
    data = form.cleaned_data
    # Everything about the upload has been checked by now, so a new collection is created
    # only for an import that will be queued.
    try:
        collection_id = _target_collection(user, data)
    except NotFound:
        # Another agency holds that name; saying so would tell who holds what.
        form.add_error("new_key", _("This name cannot be used; choose another."))
        return _imports_page(request, user, form, status=400)
    try:
        upload = data["file"]
        job = jobs.start_import_job(
            user,
            collection_id,
            upload,
            upload.name or "upload",
            upload.size or 0,
            fmt=data["format"] or None,
            mapping=form.mapping_text(),
            strict=data["strict"],
        )
    except UsalamaError as error:
        form.add_error(None, error.message)
        return _imports_page(request, user, form, status=error.http_status)
    return redirect("records:job", job_id=job.pk)


def _target_collection(user: Any, data: dict[str, Any]) -> int:
    if data["collection"] != NEW:
        return int(data["collection"])
    existing = Collection.objects.filter(key=data["new_key"]).first()
    if existing is not None and existing.agency_id == user.agency_id:
        return existing.pk
    collection = services.ensure_collection(  # NotFound if another agency holds the name
        Actor.of(user),
        key=data["new_key"],
        agency=user.agency,
        label=data["new_label"] or data["new_key"],
        reliability=data["reliability"],
        assessment=data["assessment"],
        handling=data["handling"],
        tlp=data["tlp"],
    )
    return collection.pk


def _job_view(job: ImportJob) -> dict[str, Any]:
    """What the progress display needs: percent, rate and whether to keep polling."""
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    percent = None
    if job.rows_total:
        percent = min(100, round(100 * job.rows_done / job.rows_total))
    rate = None
    if job.started_at and job.rows_done:
        end = job.finished_at or datetime.now(tz=UTC)
        seconds = max((end - job.started_at).total_seconds(), 0.001)
        rate = round(job.rows_done / seconds)
    phases = {"checking": _("Checking the file"), "writing": _("Writing records")}
    return {
        "job": job,
        "finished": finished,
        "percent": percent,
        "rate": rate,
        "phase": phases.get(job.phase, job.phase),
    }


def _get_job(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return jobs.get_job(_records_user(request), job_id)
    except NotFound as missing:
        raise Http404 from missing


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    view = _job_view(_get_job(request, job_id))
    if getattr(request, "htmx", False):
        return render(request, "records/_job_status.html", view)
    return render(request, "records/job.html", view)


@login_required
@require_GET
def job_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        found, text = jobs.job_errors_csv(_records_user(request), job_id)
    except NotFound as missing:
        raise Http404 from missing
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-errors.csv"'
    return response
