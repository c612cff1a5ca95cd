"""Server-rendered pages: login with a second factor, dashboard, search, entity page, tokens.

Views only translate between HTTP and the services; access checks and audit happen there.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from usalama.accounts import services as accounts
from usalama.audit.services import Actor
from usalama.core.errors import InvalidInput, NotFound
from usalama.records import services as records
from usalama.web.forms import OtpForm, SearchForm, TokenForm


def safe_next(request: HttpRequest) -> str:
    """Where to go after login or the second factor: ``next`` only if it stays on this host."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("web:dashboard")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user: Any = form.get_user()
            login(request, user)
            if user.needs_second_factor and not settings.USALAMA_DEMO_SKIP_2FA:
                wanted = safe_next(request)
                if wanted == reverse("web:dashboard"):
                    return redirect("web:otp")
                return redirect(f"{reverse('web:otp')}?{urlencode({'next': wanted})}")
            accounts.audit_login(user, second_factor=False)
            return redirect(safe_next(request))
        accounts.audit_login_failed(request.POST.get("username", ""))
    from usalama.accounts.sso import providers

    buttons = [
        {"label": p.label, "url": reverse("web:sso_start", args=[p.slug])}
        for p in providers().values()
    ]
    next_query = urlencode({"next": safe_next(request)}) if request.GET.get("next") else ""
    return render(
        request,
        "web/login.html",
        {"form": form, "sso_providers": buttons, "next_query": next_query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect("web:dashboard")
    form = OtpForm(request.POST or None)
    has_device = user.totpdevice_set.filter(confirmed=True).exists()
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            accounts.audit_login(user, second_factor=True)
            return redirect(safe_next(request))
        accounts.audit_login_failed(user.username)
        form.add_error("token", _("That code is not valid. Codes change every 30 seconds."))
    return render(request, "web/otp.html", {"form": form, "has_device": has_device})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    collections = records.visible_collections(request.user)
    counts = records.collection_counts(c.id for c in collections)
    rows = [(c, counts.get(c.id, 0)) for c in collections]
    from usalama.desk.dashboard import panels  # delivery code: counts across the apps

    context = {"rows": rows, "form": SearchForm(), **panels(request.user)}
    return render(request, "web/dashboard.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits: list[records.SearchHit] = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        try:
            hits = records.search_entities(
                request.user, form.cleaned_data["q"], schema=form.cleaned_data["schema"] or None
            )
        except InvalidInput as error:
            form.add_error("q", error.message)
    template = "web/_search_results.html" if getattr(request, "htmx", False) else "web/search.html"
    return render(request, template, {"form": form, "hits": hits, "searched": searched})


@login_required
def entity(request: HttpRequest, entity_id: str) -> HttpResponse:
    try:
        view = records.get_entity(request.user, entity_id)
    except NotFound as missing:
        raise Http404 from missing
    return render(request, "web/entity.html", {"view": view})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                accounts.revoke_token(Actor.of(user), int(request.POST["revoke"]), owner=user)
                messages.success(request, _("Token revoked."))
            except (NotFound, ValueError):
                messages.error(request, _("No such token."))
            return redirect("web:tokens")
        if form.is_valid():
            new_token = accounts.create_token(Actor.of(user), user, form.cleaned_data["name"]).raw
    active = user.api_tokens.filter(revoked_at__isnull=True)
    return render(
        request, "web/tokens.html", {"form": form, "tokens": active, "new_token": new_token}
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)


@cache_control(public=True, max_age=86_400)
def basemap_data(request: HttpRequest) -> HttpResponse:
    """The offline base map's layers (county shapes, towns): public reference data, no login."""
    return HttpResponse(_basemap_json(), content_type="application/json")


@functools.cache
def _basemap_json() -> bytes:
    from usalama.data.geo import read_geo_csv

    counties = json.loads(
        resources.files("usalama.data").joinpath("geo", "kenya_counties.geojson").read_text()
    )
    places = [
        [row["name"], round(float(row["lat"]), 5), round(float(row["lon"]), 5), row["country"]]
        for row in read_geo_csv("east_africa_places.csv")
    ]
    return json.dumps(
        {
            "counties": counties,
            "places": places,
            "attribution": [
                ["© OpenStreetMap contributors (ODbL)", "https://www.openstreetmap.org/copyright"],
                ["GeoNames (CC BY 4.0)", "https://www.geonames.org/"],
            ],
        },
        separators=(",", ":"),
    ).encode()
