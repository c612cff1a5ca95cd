"""Communications pages: the collections with call records, cell sites, and one analysis page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from usalama.analysis.comms.ftm import phone_entity
from usalama.comms import services
from usalama.comms.forms import AnalysisForm, CellsForm
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied, UsalamaError
from usalama.records import services as records

MAX_CELLS_BYTES = 50 * 1024 * 1024


def _or(value: Any, default: int) -> int:
    return default if value is None else int(value)


def _data_user(request: HttpRequest) -> Any:
    user = request.user
    if not getattr(user, "sees_records", False):
        raise DjangoPermissionDenied
    return user


def _index(request: HttpRequest, form: CellsForm, status: int = 200) -> HttpResponse:
    user = request.user
    context = {"rows": services.collections(user), "form": form}
    return render(request, "comms/index.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _data_user(request)
    return _index(request, CellsForm(collections=records.writable_collections(user)))


@login_required
@require_POST
def cells(request: HttpRequest) -> HttpResponse:
    user = _data_user(request)
    owned = records.writable_collections(user)
    chosen = request.POST.get("collection", "")
    if chosen.isdigit() and int(chosen) not in {c.pk for c in owned}:
        try:  # not offered: another agency's (404) or granted, read-only (403); audited
            records.writable_collection(user, int(chosen), attempted="comms.cells.import")
        except NotFound as missing:
            raise Http404(missing.message) from missing
        except PermissionDenied as refused:
            raise DjangoPermissionDenied(refused.message) from refused
    form = CellsForm(request.POST, request.FILES, collections=owned)
    if not form.is_valid():
        return _index(request, form, status=400)
    upload = form.cleaned_data["file"]
    if (upload.size or 0) > min(MAX_CELLS_BYTES, settings.USALAMA_MAX_UPLOAD_BYTES):
        form.add_error("file", _("The cells file is larger than 50 MB."))
        return _index(request, form, status=413)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cells.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            count = services.import_cells(
                user, int(form.cleaned_data["collection"]), path, upload.name or "cells.csv"
            )
        except UsalamaError as error:
            form.add_error("file", error.message)
            return _index(request, form, status=error.http_status)
    messages.success(request, _("%(count)d cell sites stored.") % {"count": count})
    return redirect("comms:analysis", collection_id=int(form.cleaned_data["collection"]))


@login_required
@require_GET
def analysis(request: HttpRequest, collection_id: int) -> HttpResponse:
    user = _data_user(request)
    form = AnalysisForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "comms/analysis.html", {"form": form, "a": None}, status=400)
    data = form.cleaned_data if request.GET else {}
    pair = None
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if first and second:
        pair = (first[:32], second[:32])
    try:
        result = services.analyse(
            user,
            collection_id,
            window_minutes=data.get("window") or 15,
            max_distance_m=float(_or(data.get("distance"), 1000)),
            number=(data.get("number") or "").strip(),
            pair=pair,
        )
    except NotFound as missing:
        raise Http404(missing.message) from missing
    except InvalidInput as error:
        form.add_error(None, error.message)
        return render(request, "comms/analysis.html", {"form": form, "a": None}, status=400)
    for meeting in result.meetings:
        meeting["node"] = phone_entity(meeting["a"])["id"]  # the number's node on the chart
    context = {
        "form": form,
        "a": result,
        "map_data": result.map_data,
        "tiles": settings.LEAFLET_CONFIG.get("TILES", ""),
    }
    return render(request, "comms/analysis.html", context)
