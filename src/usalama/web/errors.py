"""One place where a page view's deliberate errors become HTTP answers.

A view that lets a ``UsalamaError`` escape (a refused write, a missing object) answers with
the error's status — 404 for what is missing or not visible, 403 for a refused action, 4xx
for bad input — never a 500 with a stack trace. The JSON API maps the same errors itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

from usalama.core.errors import NotFound, PermissionDenied, UsalamaError


class UsalamaErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UsalamaError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, Http404())
        if isinstance(exception, PermissionDenied):
            return HttpResponse(exception.message, status=403, content_type="text/plain")
        if not 400 <= exception.http_status < 500:
            return None  # e.g. a broken audit chain: a server fault, logged as one
        return HttpResponse(
            exception.message, status=exception.http_status, content_type="text/plain"
        )
