"""Sharing pages: grants given and received, requests for information, hit notices and the
dissemination log. Views translate HTTP to the services; checks and audit happen there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.accounts.models import Agency
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.records.models import Collection
from usalama.sharing import services
from usalama.sharing.models import RequestStatus


def _day_end(value: str, field: str) -> datetime | None:
    """A date from a form (YYYY-MM-DD) as the end of that day, in the server's time zone."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as bad:
        raise InvalidInput(f"{field}: not a date (YYYY-MM-DD)") from bad
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _agency_id(request: HttpRequest) -> int:
    return int(getattr(request.user, "agency_id", None) or 0)


def _agencies(request: HttpRequest) -> list[Agency]:
    return list(Agency.objects.exclude(id=_agency_id(request)).order_by("code"))


def _terms(request: HttpRequest) -> dict[str, Any]:
    """The terms every grant form carries: to which agency, why, on what conditions, until
    when (the expiry is checked when the action runs, so a bad date is a message)."""
    return {
        "agency_code": request.POST.get("agency", ""),
        "purpose": request.POST.get("purpose", ""),
        "conditions": request.POST.get("conditions", ""),
        "expires_at": _day_end(request.POST.get("expires", ""), _("Expiry")),
    }


def _act(
    request: HttpRequest, action: Callable[[], object], done: str, to: str, *args: Any
) -> HttpResponse:
    """Run one write from a form and answer the way every sharing action does: an object the
    user may not see is a 404, a refused action a 403, bad input a message on the page it came
    from; success leaves ``done`` as a message. Then back to ``to``."""
    try:
        action()
    except NotFound as missing:
        raise Http404 from missing
    except PermissionDenied as refused:
        return HttpResponseForbidden(refused.message)
    except InvalidInput as bad:
        messages.error(request, bad.message)
    else:
        messages.success(request, done)
    return redirect(to, *args)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not services.may_request(request.user):
        raise Http404
    user = request.user
    context = {
        "notices": services.notifications(user),
        "received": services.grants_received(user),
        "given": services.grants_given(user),
        "may_share": services.may_share(user),
        "own_collections": Collection.objects.filter(agency_id=_agency_id(request)),
        "agencies": _agencies(request),
        "entities_received": services.entity_grants_received(user),
        "entities_given": services.entity_grants_given(user),
        "cases_received": services.case_grants_received(user),
        "cases_given": services.case_grants_given(user),
        "own_cases": services.case_choices(user),
    }
    services.mark_read(user)
    return render(request, "sharing/index.html", context)


@login_required
@require_POST
def grant(request: HttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda: services.grant_collection(
            request.user,
            collection_id=_int(request.POST.get("collection")) or 0,
            **_terms(request),
        ),
        _("Shared. The other agency can read it now."),
        "sharing:index",
    )


@login_required
@require_POST
def revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.revoke_grant(request.user, grant_id),
        _("Revoked. The other agency can no longer read it."),
        "sharing:index",
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.acknowledge(request.user, grant_id),
        _("Conditions acknowledged. The collection is open to you."),
        "sharing:index",
    )


@login_required
def share_entities(request: HttpRequest) -> HttpResponse:
    """Pick entities of one's own agency (search, or ids passed from a chart selection) and
    share exactly those with another agency."""
    if not services.may_share(request.user):
        raise Http404
    picked = request.POST.getlist("entity") or request.GET.getlist("entity")
    if request.method == "POST":
        try:
            grant = services.grant_entities(
                request.user,
                entity_ids=picked,
                **_terms(request),
                label=request.POST.get("label", ""),
                with_links=request.POST.get("with_links") == "on",
            )
        except NotFound as missing:
            messages.error(request, missing.message)
        except PermissionDenied as refused:
            return HttpResponseForbidden(refused.message)
        except InvalidInput as bad:
            messages.error(request, bad.message)
        else:
            messages.success(request, _("Shared. The other agency can read these entities now."))
            return redirect("sharing:entity_grant", grant.pk)
    query = (request.POST.get("q") or request.GET.get("q", "")).strip()
    candidates = services.shareable_entities(request.user, query, picked)
    return render(
        request,
        "sharing/share_entities.html",
        {
            "query": query,
            "candidates": candidates,
            "picked": set(picked),
            "agencies": _agencies(request),
            "form": request.POST,
        },
    )


@login_required
def entity_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        view = services.get_entity_grant(request.user, grant_id)
    except NotFound as missing:
        raise Http404 from missing
    return render(
        request,
        "sharing/entity_grant.html",
        {"view": view, "may_share": services.may_share(request.user)},
    )


@login_required
@require_POST
def revoke_entity_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.revoke_entity_grant(request.user, grant_id),
        _("Revoked. The other agency can no longer read these entities."),
        "sharing:entity_grant",
        grant_id,
    )


@login_required
@require_POST
def acknowledge_entity_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.acknowledge_entity_grant(request.user, grant_id),
        _("Conditions acknowledged. The entities are open to you."),
        "sharing:entity_grant",
        grant_id,
    )


@login_required
@require_POST
def grant_case(request: HttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda: services.grant_case(
            request.user,
            reference=request.POST.get("case", ""),
            **_terms(request),
        ),
        _("Case shared read-only. The other agency can read it now."),
        "sharing:index",
    )


@login_required
@require_POST
def revoke_case_grant(request: HttpRequest, share_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.revoke_case_grant(request.user, share_id),
        _("Revoked. The other agency can no longer read the case."),
        "sharing:index",
    )


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    if not services.may_request(request.user):
        raise Http404
    box = services.inbox(request.user)
    return render(request, "sharing/requests.html", {"inbox": box, "now": timezone.now()})


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    if not services.may_request(request.user):
        raise Http404
    if request.method == "POST":
        try:
            rfi = services.send_request(
                request.user,
                originator_code=request.POST.get("agency", ""),
                subject=request.POST.get("subject", ""),
                purpose=request.POST.get("purpose", ""),
                due_by=_day_end(request.POST.get("due", ""), _("Deadline")),
            )
        except (InvalidInput, PermissionDenied) as bad:
            messages.error(request, bad.message)
        else:
            messages.success(request, _("Request sent."))
            return redirect("sharing:request", rfi.pk)
    return render(
        request,
        "sharing/new_request.html",
        {
            "agencies": _agencies(request),
            "agency": request.POST.get("agency") or request.GET.get("agency", ""),
            "subject": request.POST.get("subject") or request.GET.get("subject", ""),
            "purpose": request.POST.get("purpose", ""),
        },
    )


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        rfi = services.get_request(request.user, request_id)
    except NotFound as missing:
        raise Http404 from missing
    deciding = (
        rfi.status == RequestStatus.PENDING
        and rfi.originator_id == _agency_id(request)
        and services.may_share(request.user)
    )
    return render(
        request,
        "sharing/request.html",
        {
            "rfi": rfi,
            "deciding": deciding,
            "own_collections": Collection.objects.filter(agency_id=_agency_id(request)),
            "decisions": RequestStatus.choices[1:],
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: services.decide_request(
            request.user,
            request_id,
            decision=request.POST.get("decision", ""),
            collection_id=_int(request.POST.get("collection")),
            conditions=request.POST.get("conditions", ""),
            expires_at=_day_end(request.POST.get("expires", ""), _("Expiry")),
            note=request.POST.get("note", ""),
            entity_ids=_lines(request.POST.get("entities")),
        ),
        _("Decision recorded; the requester has been told."),
        "sharing:request",
        request_id,
    )


@login_required
def holders(request: HttpRequest) -> HttpResponse:
    if not services.may_request(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()
    found: list[services.Holder] = []
    if query:
        try:
            found = services.holders(request.user, query)
        except InvalidInput as bad:
            messages.error(request, bad.message)
    return render(request, "sharing/holders.html", {"query": query, "holders": found})


@login_required
def log(request: HttpRequest) -> HttpResponse:
    if not services.may_request(request.user):
        raise Http404
    return render(request, "sharing/log.html", {"events": services.dissemination_log(request.user)})


def _float(value: str | None, field: str) -> float:
    try:
        return float(value or "")
    except ValueError as bad:
        raise InvalidInput(f"{field}: not a number") from bad


def _moment(value: str | None, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError as bad:
        raise InvalidInput(f"{field}: not a date and time") from bad
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _lines(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace(",", "\n").splitlines() if part.strip()]


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    from usalama.sharing import deconfliction
    from usalama.sharing.models import Operation

    if not services.may_request(request.user):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("form") == "subject":
                _subject, alerts = deconfliction.register_subject(
                    request.user,
                    entity_id=request.POST.get("entity_id", "").strip(),
                    contact_phone=request.POST.get("contact_phone", ""),
                )
            else:
                _operation, alerts = deconfliction.register_operation(
                    request.user,
                    name=request.POST.get("name", ""),
                    place=request.POST.get("place", ""),
                    latitude=_float(request.POST.get("latitude"), _("Latitude")),
                    longitude=_float(request.POST.get("longitude"), _("Longitude")),
                    radius_m=int(_float(request.POST.get("radius_m"), _("Radius"))),
                    starts_at=_moment(request.POST.get("starts_at"), _("Starts")),
                    ends_at=_moment(request.POST.get("ends_at"), _("Ends")),
                    contact_phone=request.POST.get("contact_phone", ""),
                    targets=_lines(request.POST.get("targets")),
                    intelligence=request.POST.getlist("intelligence"),
                )
        except NotFound as missing:
            messages.error(request, missing.message)
        except InvalidInput as bad:
            messages.error(request, bad.message)
        else:
            if alerts:
                messages.warning(
                    request,
                    _("Another agency is working the same ground: see your notifications."),
                )
            else:
                messages.success(request, _("Registered. No overlap with another agency."))
            return redirect("sharing:operations")
    return render(
        request,
        "sharing/operations.html",
        {
            "operations": Operation.objects.visible_to(request.user),
            "collections": Collection.objects.visible_to(request.user).order_by("label"),
            "results": deconfliction.results_by_intelligence(request.user),
            "notices": services.notifications(request.user, limit=10),
        },
    )


@login_required
@require_POST
def outcome(request: HttpRequest, operation_id: int) -> HttpResponse:
    from usalama.sharing import deconfliction

    return _act(
        request,
        lambda: deconfliction.record_outcome(
            request.user,
            operation_id,
            arrests=int(_float(request.POST.get("arrests"), _("Arrests"))),
            seizures=request.POST.get("seizures", ""),
            note=request.POST.get("note", ""),
        ),
        _("Outcome recorded."),
        "sharing:operations",
    )
