"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from usalama.accounts.services import user_for_token
from usalama.core.errors import AuthenticationRequired


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = user_for_token(token)
        except AuthenticationRequired:
            return None
        request.user = user
        return user


token_auth = TokenAuth()
