"""What a locked-out login sees: a plain page, no hint of whether the account exists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "message": "too many failed logins; try again later"},
            status=429,
        )
    return HttpResponse(render_to_string("web/locked_out.html", request=request), status=429)
