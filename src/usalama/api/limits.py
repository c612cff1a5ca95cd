"""Refusing an oversized request before its body is read — on every path, web and API.

Django spools a multipart upload of any size to a temporary file before a view runs, so a
view can only say "too large" after taking in the whole body (a 2 GB upload would fill the
disk first, and the web report form once took three 60 MB photos). The declared length is
known at once, and a body cannot outgrow it (Django reads at most CONTENT_LENGTH bytes), so
one check here bounds every request:

- the public pages and API that take photos (the report form, a local leader's report, the
  public API): :data:`~usalama.intake.photos.MAX_PHOTOS` photos of at most
  :data:`~usalama.intake.photos.MAX_PHOTO_BYTES` each, plus room for the form's fields;
- every other path: the upload limit ``USALAMA_MAX_UPLOAD_BYTES`` plus room for the form.

Past its limit a request is answered 413 (JSON under ``/api/``, a short page elsewhere) and
not one byte of it is read. Each file is then checked against its own limit before it is
read (the report form's photos field, the import form's guard in ``records.uploads``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from usalama.intake.photos import MAX_PHOTO_BYTES, MAX_PHOTOS
from usalama.records.uploads import FORM_OVERHEAD_BYTES

API_PREFIX = "/api/"
PHOTO_PATHS = ("/report/", "/intake/leader/report/", "/api/v1/public/")


def request_limit(path: str) -> int:
    """The most bytes a request to ``path`` may declare."""
    if path.startswith(PHOTO_PATHS):
        return MAX_PHOTOS * MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES
    return int(settings.USALAMA_MAX_UPLOAD_BYTES) + FORM_OVERHEAD_BYTES


class ApiUploadLimitMiddleware:
    """The request-size limit (the name is historical: it now covers every path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = request_limit(request.path)
        if declared > limit:
            return self._refuse(request, declared, limit)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, declared: int, limit: int) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            if request.path.startswith(PHOTO_PATHS):
                allowed = f"the limit here is {limit:,}"
            else:
                allowed = f"the upload limit is {settings.USALAMA_MAX_UPLOAD_BYTES:,}"
            message = f"the request body is {declared:,} bytes; {allowed}"
            response: HttpResponse = JsonResponse(
                {"code": "too_large", "message": message}, status=413
            )
        else:
            if request.path.startswith(PHOTO_PATHS):
                text = _(
                    "Too much was sent: at most %(count)s photos of %(size)s each. "
                    "Nothing was stored; go back and send smaller photos."
                ) % {"count": MAX_PHOTOS, "size": filesizeformat(MAX_PHOTO_BYTES)}
            else:
                text = _(
                    "The upload is larger than the limit of %(limit)s; nothing was stored."
                ) % {"limit": filesizeformat(limit)}
            response = render(request, "web/too_large.html", {"text": text}, status=413)
        response["Connection"] = "close"  # the unread body is not drained
        return response
