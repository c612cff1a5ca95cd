"""Wellness pages. The counsellor's queue and records answer 404 to everyone but the wellness
counsellors of the officer's agency; officers see and answer their own offers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.wellness import services, ussd
from usalama.wellness.forms import IncidentForm, SelfReferralForm, UpdateForm, UssdPinForm


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        rows = services.list_referrals(user)
    except NotFound as error:
        raise Http404 from error
    return render(request, "wellness/queue.html", {"rows": rows})


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(
                user,
                pk,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except NotFound as error:
            raise Http404 from error
        except InvalidInput as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("wellness:referral", pk=pk)
    try:
        item, notes = services.get_referral(user, pk)
    except NotFound as error:
        raise Http404 from error
    form = UpdateForm(initial={"status": item.status})
    return render(request, "wellness/referral.html", {"item": item, "notes": notes, "form": form})


@login_required
def support(request: HttpRequest) -> HttpResponse:
    """Any officer: ask for a counsellor, and answer the offers made to you."""
    user: Any = request.user
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_refer(
                user,
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
            )
        except PermissionDenied as error:
            return HttpResponseForbidden(error.message)
        messages.success(request, _("Your request went to a counsellor, in confidence."))
        return redirect("wellness:support")
    offers = services.my_referrals(user)
    context = {
        "form": form,
        "offers": offers,
        "pin_form": UssdPinForm(),
        "has_pin": ussd.has_pin(user),
    }
    return render(request, "wellness/support.html", context)


@login_required
@require_POST
def ussd_pin(request: HttpRequest) -> HttpResponse:
    """Set the PIN for self-referral by USSD (*Wellness* in the public USSD menu)."""
    user: Any = request.user
    form = UssdPinForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("wellness:support")
    try:
        ussd.set_pin(user, form.cleaned_data["service_number"], form.cleaned_data["pin"])
    except PermissionDenied as error:
        return HttpResponseForbidden(error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your USSD PIN is set."))
    return redirect("wellness:support")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        services.answer_offer(user, pk, request.POST.get("accept") == "1")
    except NotFound as error:
        raise Http404 from error
    except InvalidInput as error:
        messages.error(request, error.message)
    return redirect("wellness:support")


@login_required
def incident(request: HttpRequest) -> HttpResponse:
    """Supervisors, commanders and desk officers record a critical incident; the officers named
    are offered a referral. The recorder never sees the referrals."""
    user: Any = request.user
    if not user.has_role(*services.RECORDING_ROLES) or user.agency is None:
        raise Http404
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        officers = []
        for line in form.cleaned_data["officers"].splitlines():
            number, _sep, name = line.partition(",")
            if number.strip() or name.strip():
                officers.append(
                    services.InvolvedOfficer(
                        name=name.strip() or number.strip(), service_number=number.strip()
                    )
                )
        try:
            _incident, offered = services.record_critical_incident(
                user,
                user.agency,
                kind=form.cleaned_data["kind"],
                occurred_at=form.cleaned_data["occurred_at"],
                place=form.cleaned_data["place"],
                officers=officers,
            )
        except (InvalidInput, PermissionDenied) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Recorded: %(n)d officer(s) offered a confidential referral.") % {"n": offered},
            )
            return redirect("wellness:incident")
    rows = services.incidents_for(user)
    return render(request, "wellness/incident.html", {"form": form, "rows": rows})
