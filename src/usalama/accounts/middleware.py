"""A second factor is required for every role that sees records (unless a demo relaxes it)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from usalama.accounts.sso import PROVIDER_MFA_SESSION_KEY

# Paths a password-authenticated but not yet verified user may reach.
_OPEN_PREFIXES = ("/login", "/otp", "/logout", "/static/", "/api/", "/i18n/", "/lang/")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(PROVIDER_MFA_SESSION_KEY) == user.pk
        ):
            # the agency's sign-in provider asserted a second factor at this login (sso.py)
            user.is_verified = lambda: True
        if (
            user is not None
            and user.is_authenticated
            and not settings.USALAMA_DEMO_SKIP_2FA
            and user.needs_second_factor
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect("web:otp")
        return self.get_response(request)
