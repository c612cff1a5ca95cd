"""Refusing an oversized API request before its body is read.

Django spools a multipart upload of any size to a temporary file before a view runs, so the
API's import endpoint could only say "too large" after taking in the whole body (a 2 GB
upload would fill the disk first). The declared length is known at once: past the upload
limit (plus room for the form's other fields) the answer is 413, and not one byte is read.
A body cannot outgrow its declared length: Django reads at most CONTENT_LENGTH bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from usalama.records.uploads import FORM_OVERHEAD_BYTES

API_PREFIX = "/api/"


class ApiUploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            limit = settings.USALAMA_MAX_UPLOAD_BYTES
            if declared > limit + FORM_OVERHEAD_BYTES:
                message = f"the request body is {declared:,} bytes; the upload limit is {limit:,}"
                return JsonResponse({"code": "too_large", "message": message}, status=413)
        return self.get_response(request)
