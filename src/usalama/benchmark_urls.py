"""URLs of ``usalama.benchmark_settings``: every normal URL, plus ``/benchmark/bare/``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from usalama.urls import handler404, handler500
from usalama.urls import urlpatterns as normal_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """What Django serves with no work of ours: the peer of the intake endpoints. It answers
    GET and POST alike (a POST's body is read, as a form or JSON view would read it)."""
    request.body  # noqa: B018 - read the body like the endpoints it stands beside
    return HttpResponse(b'{"status": "ok"}', content_type="application/json", status=200)


urlpatterns = [path("benchmark/bare/", bare), *normal_urlpatterns]
