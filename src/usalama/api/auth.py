"""Bearer-token authentication for the JSON API.

A token's scope limits what it may call: a ``sensor`` token (issued from the admin console for
ANPR cameras) is accepted only by ``POST /api/v1/sensors/anpr``; anywhere else it is refused
with 403 and the attempt is audited.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from usalama.accounts.services import refuse_token_scope, token_for_raw
from usalama.core.errors import AuthenticationRequired

# the url_name of the one operation a sensor token may call (see watchlists.api)
SENSOR_OPERATIONS = frozenset({"sensors_anpr"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = token_for_raw(token)
        except AuthenticationRequired:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        if api_token.is_sensor:
            match = request.resolver_match
            if match is None or match.url_name not in SENSOR_OPERATIONS:
                refuse_token_scope(api_token, f"{request.method} {request.path}")
        return api_token.user


token_auth = TokenAuth()
