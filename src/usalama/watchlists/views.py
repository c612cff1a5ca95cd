"""Watchlist pages: lists and entries, the alert inbox, the plate-hits map, subscriptions.

Views translate between HTTP and ``services``: access checks and audit happen there. A refused
write answers 403 (visible, read-only) or 404 (not visible), never a stack trace.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.watchlists import forms, importing, services
from usalama.watchlists.delivery import delivery_counts
from usalama.watchlists.models import AlertContact, Subscription, Watchlist, WatchlistAlert

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _data_user(request: HttpRequest) -> None:
    if not getattr(request.user, "sees_records", False):
        raise Http404


def _refused(error: Exception) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404
    return HttpResponse(str(error), status=403, content_type="text/plain; charset=utf-8")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _data_user(request)
    form = forms.WatchlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_watchlist(request.user, **form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
        except PermissionDenied as error:
            return _refused(error)
        else:
            return redirect("watchlists:detail", watchlist_id=created.pk)
    rows = [
        (w, services.may_write(request.user, w), w.entries.filter(active=True).count())
        for w in services.visible_watchlists(request.user)
    ]
    return render(
        request,
        "watchlists/index.html",
        {"rows": rows, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def detail(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    _data_user(request)
    try:
        watchlist, entries = services.entries(request.user, watchlist_id)
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "watchlists/detail.html",
        {
            "watchlist": watchlist,
            "entries": entries,
            "writable": services.may_write(request.user, watchlist),
            "import_form": forms.ImportForm(),
            "grant_form": forms.GrantForm(),
            "grants": watchlist.grants.filter(revoked_at__isnull=True).select_related("agency"),
        },
    )


def _mapping(text: str) -> dict[str, str]:
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        column, sep, prop = line.partition("=")
        if not sep or not column.strip() or not prop.strip():
            raise InvalidInput(_("mapping line %(n)s: write 'column = property'") % {"n": number})
        mapping[column.strip()] = prop.strip()
    if not mapping:
        raise InvalidInput(_("a CSV needs a mapping of its columns to properties"))
    return mapping


@login_required
@require_POST
def import_entries(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    _data_user(request)
    form = forms.ImportForm(request.POST, request.FILES)
    try:
        services.writable_watchlist(request.user, watchlist_id, "add_entries")
        if not form.is_valid():
            raise InvalidInput("; ".join(str(e) for errs in form.errors.values() for e in errs))
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise InvalidInput(_("the file is larger than 20 MB"))
        expires = form.cleaned_data["expires_at"]
        if not upload.name.lower().endswith(".csv"):
            # FtM JSON lines, OpenSanctions exports included: the streaming importer
            report = _import_ftm_upload(request, watchlist_id, upload, expires)
            messages.success(
                request,
                _(
                    "%(added)s entries added, %(updated)s updated, %(skipped)s other entities "
                    "skipped; records are being screened."
                )
                % {"added": report.added, "updated": report.updated, "skipped": report.skipped},
            )
            return redirect("watchlists:detail", watchlist_id=watchlist_id)
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput(_("the file is not UTF-8 text")) from error
        if upload.name.lower().endswith(".csv"):
            entities = services.parse_csv(
                text,
                form.cleaned_data["schema"] or "Person",
                _mapping(form.cleaned_data["mapping"]),
                form.cleaned_data["id_column"],
            )
        else:
            entities = services.parse_ftm_lines(text)
        result = services.add_entries(
            request.user,
            watchlist_id,
            entities,
            reason=form.cleaned_data["reason"],
            expires_at=datetime.combine(expires, time.max, tzinfo=UTC) if expires else None,
            source=upload.name,
        )
    except (NotFound, PermissionDenied) as error:
        return _refused(error)
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("watchlists:detail", watchlist_id=watchlist_id)
    services.queue_screening(watchlist_id)
    messages.success(
        request,
        _("%(added)s entries added, %(updated)s updated; records are being screened.")
        % {"added": result.added, "updated": result.updated},
    )
    return redirect("watchlists:detail", watchlist_id=watchlist_id)


def _import_ftm_upload(
    request: HttpRequest, watchlist_id: int, upload: Any, expires: Any
) -> importing.WatchlistImportReport:
    form_reason = request.POST.get("reason", "")[:2000]
    watchlist = services.writable_watchlist(request.user, watchlist_id, "add_entries")
    with tempfile.NamedTemporaryFile(suffix=".ftm.json") as handle:
        for piece in upload.chunks():
            handle.write(piece)
        handle.flush()
        return importing.import_watchlist_file(
            request.user,
            handle.name,
            watchlist.key,
            fmt="ftm",
            reason=form_reason,
            expires_at=datetime.combine(expires, time.max, tzinfo=UTC) if expires else None,
            file_name=upload.name,
        )


@login_required
@require_POST
def grant(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    _data_user(request)
    form = forms.GrantForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("give an agency code"))
        services.grant(request.user, watchlist_id, form.cleaned_data["agency"].strip().upper())
    except (NotFound, PermissionDenied) as error:
        return _refused(error)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        services.queue_screening(watchlist_id)
        messages.success(request, _("Shared read-only."))
    return redirect("watchlists:detail", watchlist_id=watchlist_id)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _data_user(request)
    status = request.GET.get("status", "")
    try:
        alerts = services.inbox(request.user, status)
    except InvalidInput:
        status, alerts = "", services.inbox(request.user)
    return render(
        request,
        "watchlists/inbox.html",
        {
            "alerts": alerts,
            "status": status,
            "statuses": WatchlistAlert.Status.choices,
        },
    )


@login_required
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    _data_user(request)
    try:
        found = services.get_alert(request.user, alert_id)
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "watchlists/alert.html",
        {
            "alert": found,
            "provenance": services.record_provenance(found),
            "deliveries": delivery_counts(found),
            "decisions": forms.DecisionForm.base_fields["status"].choices,  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, alert_id: int) -> HttpResponse:
    _data_user(request)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            _("Choose true match, false positive or needs review."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        services.decide(
            request.user, alert_id, form.cleaned_data["status"], form.cleaned_data["note"]
        )
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Decision recorded."))
    return redirect("watchlists:alert", alert_id=alert_id)


@login_required
def live_map(request: HttpRequest) -> HttpResponse:
    _data_user(request)
    return render(
        request,
        "watchlists/map.html",
        {
            "tiles": settings.LEAFLET_CONFIG.get("TILES", ""),
            "retention_days": services.retention_days(),
        },
    )


@login_required
def map_hits(request: HttpRequest) -> JsonResponse:
    _data_user(request)
    return JsonResponse({"hits": services.map_hits(request.user)})


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    _data_user(request)
    form = forms.SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscribe(
                request.user,
                form.cleaned_data["kind"],
                form.cleaned_data["value"],
                by_email=form.cleaned_data["by_email"],
                by_sms=form.cleaned_data["by_sms"],
                phone=form.cleaned_data["phone"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("You will be alerted when a new record matches."))
            return redirect("watchlists:subscriptions")
    rows = Subscription.objects.visible_to(request.user).order_by("-created_at")
    viewer: Any = request.user
    contact = AlertContact.objects.filter(user=viewer).first()
    return render(
        request,
        "watchlists/subscriptions.html",
        {
            "rows": rows,
            "form": form,
            "phone": contact.phone if contact else "",
            "watchlists": Watchlist.objects.visible_to(request.user).order_by("label"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def unsubscribe(request: HttpRequest, subscription_id: int) -> HttpResponse:
    _data_user(request)
    try:
        services.unsubscribe(request.user, subscription_id)
    except NotFound as error:
        raise Http404 from error
    return redirect("watchlists:subscriptions")
