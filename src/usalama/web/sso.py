"""Signing in through an agency's OpenID Connect provider: the start and the callback.

The code flow of ``mozilla-django-oidc`` (state, nonce and PKCE kept in the session by the
library's helpers; the token exchange and ID-token checks in ``accounts.sso.OidcBackend``).
The start takes the provider from the URL; the one callback (the redirect URI registered
with every provider) takes it from the state, which is bound to it and used once. ``next``
stays on this host (``views.safe_next``). Every refusal is audited with its reason and shown
as one plain message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.utils import (
    absolutify,
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from usalama.accounts import sso
from usalama.web.views import safe_next

_NEXT_KEY = "usalama_sso_next"


def _provider_or_404(slug: str) -> sso.Provider:
    found = sso.provider(slug)
    if found is None:
        raise Http404
    return found


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    provider = _provider_or_404(slug)
    state = get_random_string(32)
    verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "scope": provider.scopes,
        "client_id": provider.client_id,
        "redirect_uri": absolutify(request, reverse("web:sso_callback")),
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    request.session["oidc_states"][state]["provider"] = slug
    request.session[_NEXT_KEY] = safe_next(request)
    request.session.modified = True
    return HttpResponseRedirect(f"{provider.authorization_endpoint}?{urlencode(params)}")


def _refuse(request: HttpRequest, slug: str, reason: str) -> HttpResponse:
    sso.audit_refused(slug, reason)
    messages.error(request, _("Sign-in through your agency's provider did not succeed."))
    return redirect("web:login")


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """One callback for every provider (its redirect URI): the state names the provider."""
    states: dict[str, Any] = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    pending = states.pop(state, None) if state else None
    request.session["oidc_states"] = states  # a state is used once, whatever follows
    slug = str((pending or {}).get("provider") or "")
    if request.GET.get("error"):
        return _refuse(request, slug, f"the provider answered {request.GET['error'][:60]}")
    if pending is None or not request.GET.get("code"):
        return _refuse(request, slug, "unknown or reused state")
    provider = sso.provider(slug)
    if provider is None:
        return _refuse(request, slug, "the provider is no longer configured")
    wanted = request.session.pop(_NEXT_KEY, None) or reverse("web:dashboard")
    try:
        backend = sso.OidcBackend(provider)
        user = backend.authenticate(
            request, nonce=pending["nonce"], code_verifier=pending.get("code_verifier")
        )
    except sso.SignInRefused as refused:
        return _refuse(request, slug, refused.reason)
    except SuspiciousOperation as suspicious:
        return _refuse(request, slug, str(suspicious))
    except (requests.RequestException, ValueError, ImproperlyConfigured) as error:
        return _refuse(request, slug, f"the provider could not be reached: {type(error).__name__}")
    if user is None or not user.is_active:
        return _refuse(request, slug, "no account")
    provider_mfa = request.session.get(sso.PROVIDER_MFA_SESSION_KEY) == user.pk
    login(request, user, backend="usalama.accounts.sso.OidcBackend")  # rotates the session key
    request.session[sso.PROVIDER_MFA_SESSION_KEY] = user.pk if provider_mfa else None
    if user.needs_second_factor and not provider_mfa and not settings.USALAMA_DEMO_SKIP_2FA:
        sso.audit_signed_in(user, slug, provider_mfa=False)
        if wanted == reverse("web:dashboard"):
            return redirect("web:otp")
        return redirect(f"{reverse('web:otp')}?{urlencode({'next': wanted})}")
    sso.audit_signed_in(user, slug, provider_mfa=provider_mfa)
    return redirect(wanted)
