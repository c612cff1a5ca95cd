"""Response headers for pages that carry a user's data.

``Cache-Control: no-store`` on every answer to a signed-in user and on every API answer, so
that neither a shared proxy nor the browser's cache (the back button of a shared computer)
keeps a copy of intelligence data. Static files are served earlier, by WhiteNoise, and keep
their long cache lifetime.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"
# The public portal's statistics hold no one's data (checked, aggregated tables): cacheable.
PUBLIC_STATISTICS = ("/api/v1/public/statistics", "/api/v1/public/months")


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Without a session cookie nobody is signed in: the session is then not even read
        # (public intake pages never touch it).
        user = getattr(request, "user", None)
        signed_in = bool(
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and user is not None
            and user.is_authenticated
        )
        public_statistics = request.path.startswith(PUBLIC_STATISTICS) and not signed_in
        if signed_in or (request.path.startswith(API_PREFIX) and not public_statistics):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
