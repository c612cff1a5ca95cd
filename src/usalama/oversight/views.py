"""Oversight pages: the public complaint form and follow-up, IPOA's complaint workflow,
s. 25 notifications, and the early-intervention pages (a flag is an offer of support and
supervision, never a sanction). Views translate HTTP to ``services``; access and audit are there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.oversight import factors, services
from usalama.oversight.forms import (
    AllegationForm,
    FollowUpForm,
    NewAllegationForm,
    NotificationForm,
    PublicComplaintForm,
    ReferralForm,
    ResponseForm,
    SignOffForm,
    StageForm,
    SummonsForm,
)
from usalama.oversight.models import Finding, FlagStatus, Officer, Penalty, Stage


def _public(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: with no-referrer Chromium posts the form with "Origin: null",
    # which Django's CSRF check refuses; same-origin still sends nothing to other sites.
    response["Referrer-Policy"] = "same-origin"
    return response


def complain(request: HttpRequest) -> HttpResponse:
    """The public web form: anyone may complain about police conduct, anonymously if they wish."""
    form = PublicComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("website"):  # the honeypot: a bot filled the hidden field
            return _public(request, "oversight/complaint_done.html", {"code": None})
        occurred = None
        if data.get("occurred_date"):
            occurred = timezone.make_aware(
                dt.datetime.combine(data["occurred_date"], data.get("occurred_time") or dt.time(12))
            )
        try:
            complaint, code = services.file_public_complaint(
                description=data["description"],
                category=data["category"],
                place=data["place"],
                station=data["station"],
                occurred_at=occurred,
                officer_description=data["officer"],
                name=data["name"],
                phone=data["phone"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except NotFound:
            form.add_error(None, _("Complaints cannot be received right now. Please call IPOA."))
        else:
            return _public(
                request,
                "oversight/complaint_done.html",
                {"code": code, "reference": complaint.reference},
            )
    return _public(request, "oversight/complain.html", {"form": form})


def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_by_code(form.cleaned_data["code"])
        except NotFound:
            form.add_error("code", _("No complaint has this code."))
    return _public(request, "oversight/follow_up.html", {"form": form, "complaint": complaint})


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    stage = request.GET.get("stage", "")
    try:
        rows = services.list_complaints(user, stage)
    except InvalidInput as error:
        raise Http404 from error
    return render(
        request,
        "oversight/complaints.html",
        {"rows": rows, "stages": Stage.choices, "stage": stage},
    )


@login_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        item = services.get_complaint(user, pk)
    except NotFound as error:
        raise Http404 from error
    owner = item.agency_id == user.agency_id and user.has_role("oversight_investigator")
    suggested: list[Officer] = []
    if owner and request.GET.get("suggest"):
        suggested = services.suggest_officers(user, pk)
    context = {
        "item": item,
        "owner": owner,
        "form": StageForm(),
        "new_allegation": NewAllegationForm(),
        "summons_form": SummonsForm(),
        "findings": Finding.choices,
        "penalties": Penalty.choices,
        "suggested": suggested,
        "allegations": item.allegations.select_related("officer__agency"),
        "summonses": item.summonses.select_related("officer__agency"),
        "history": item.history.all(),
        "attachments": item.attachments.all(),
    }
    return render(request, "oversight/complaint.html", context)


@login_required
@require_POST
def move_stage(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form."))
        return redirect("oversight:complaint", pk=pk)
    data = form.cleaned_data
    return _complaint_write(
        request,
        pk,
        _("The complaint moved on."),
        lambda: services.move_stage(
            user,
            pk,
            data["to_stage"],
            note=data["note"],
            recommendation=data["recommendation"] or "",
            outcome=data["outcome"],
        ),
    )


def _complaint_write(
    request: HttpRequest, pk: int, done: str, write: Callable[[], object]
) -> HttpResponse:
    """Run one of IPOA's writes on a complaint and come back to its page with the result."""
    try:
        write()
    except NotFound as error:
        raise Http404 from error
    except PermissionDenied as error:
        return HttpResponseForbidden(error.message)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("oversight:complaint", pk=pk)


@login_required
@require_POST
def set_allegation(request: HttpRequest, pk: int, allegation_id: int) -> HttpResponse:
    form = AllegationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form."))
        return redirect("oversight:complaint", pk=pk)
    data = form.cleaned_data
    return _complaint_write(
        request,
        pk,
        _("The allegation is updated."),
        lambda: services.set_allegation(
            request.user,
            pk,
            allegation_id,
            officer=data["officer"],
            finding=data["finding"],
            penalty=data["penalty"],
        ),
    )


@login_required
@require_POST
def add_allegation(request: HttpRequest, pk: int) -> HttpResponse:
    form = NewAllegationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form."))
        return redirect("oversight:complaint", pk=pk)
    data = form.cleaned_data
    return _complaint_write(
        request,
        pk,
        _("The allegation is added."),
        lambda: services.add_allegation(
            request.user,
            pk,
            data["category"],
            officer=data["officer"],
            officer_description=data["officer_description"],
        ),
    )


@login_required
@require_POST
def issue_summons(request: HttpRequest, pk: int) -> HttpResponse:
    form = SummonsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the officer and the date to appear by."))
        return redirect("oversight:complaint", pk=pk)
    data = form.cleaned_data
    # due at the end of the day given, in the installation's time zone
    due = timezone.make_aware(dt.datetime.combine(data["due"], dt.time(23, 59)))
    return _complaint_write(
        request,
        pk,
        _("The summons is issued."),
        lambda: services.issue_summons(request.user, pk, due_at=due, officer=data["officer"]),
    )


@login_required
@require_POST
def record_attendance(request: HttpRequest, pk: int, summons_id: int) -> HttpResponse:
    return _complaint_write(
        request,
        pk,
        _("The officer's attendance is recorded."),
        lambda: services.record_attendance(request.user, pk, summons_id),
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = NotificationForm(request.POST or None)
    police = bool(user.agency and user.agency.kind == "police" and user.sees_records)
    if request.method == "POST":
        if not police:
            try:  # refused and audited by the service
                services.notify(user, kind="", occurred_at=timezone.now(), place="", summary="")
            except PermissionDenied as error:
                return HttpResponseForbidden(error.message)
        if form.is_valid():
            data = form.cleaned_data
            numbers = [n.strip() for n in data["officers"].split(",") if n.strip()]
            officers = list(
                Officer.objects.filter(agency_id=user.agency_id, service_number__in=numbers)
            )
            try:
                services.notify(
                    user,
                    kind=data["kind"],
                    occurred_at=data["occurred_at"],
                    place=data["place"],
                    summary=data["summary"],
                    officers=officers,
                )
            except (InvalidInput, NotFound, PermissionDenied) as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("IPOA has been notified."))
                return redirect("oversight:notifications")
    rows = services.list_notifications(user)
    return render(
        request, "oversight/notifications.html", {"rows": rows, "form": form, "police": police}
    )


@login_required
def flags(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = services.list_flags(user)
    for row in rows:
        row.factor_list = factors.describe(row.factors)  # type: ignore[attr-defined]
    models = services.models_for(user)
    return render(request, "oversight/flags.html", {"rows": rows, "models": models})


@login_required
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        item = services.get_flag(user, pk)
    except NotFound as error:
        raise Http404 from error
    is_officer = item.officer.user_id == user.pk
    form = ResponseForm(request.POST or None)
    if request.method == "POST":
        try:
            if "status" in request.POST:
                services.update_flag(user, pk, request.POST["status"], request.POST.get("note", ""))
            elif form.is_valid():
                services.respond_to_flag(user, pk, form.cleaned_data["response"])
        except PermissionDenied as error:
            return HttpResponseForbidden(error.message)
        except InvalidInput as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("oversight:flag", pk=pk)
    context = {
        "item": item,
        "factors": factors.describe(item.factors),
        "is_officer": is_officer,
        "form": form,
        "statuses": FlagStatus.choices,
    }
    return render(request, "oversight/flag.html", context)


@login_required
def model(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        item = services.get_model(user, pk)
    except NotFound as error:
        raise Http404 from error
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off(user, pk, form.cleaned_data["note"])
        except InvalidInput as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Signed off: the model is deployed."))
        return redirect("oversight:model", pk=pk)
    tables = [
        {**table, "label": factors.grouping_label(str(table.get("grouping", "")))}
        for table in item.fairness
    ]
    return render(request, "oversight/model.html", {"item": item, "form": form, "tables": tables})


@login_required
def refer(request: HttpRequest) -> HttpResponse:
    """A police agency's supervisor or internal affairs refers a complaint to IPOA: it arrives
    in IPOA's receipt stage, marked as a police referral, and is shared back read-only."""
    user: Any = request.user
    if request.method != "POST" and not services.may_refer(user):
        raise Http404
    form = ReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numbers = list(dict.fromkeys(n.strip() for n in data["officers"].split(",") if n.strip()))
        # officers_for: a referrer's own agency's officers (nobody's for anyone else, so the
        # answer never says which numbers exist elsewhere)
        candidates = services.officers_for(user).filter(
            service_number__in=[*numbers, *(n.upper() for n in numbers)]
        )
        known = {o.service_number.upper(): o for o in candidates}
        missing = [n for n in numbers if n.upper() not in known]
        if not services.may_refer(user):
            missing = []  # refused (and audited) by the service below
        if missing:
            form.add_error(
                "officers",
                _("No officer of your agency has the service number(s): %(numbers)s")
                % {"numbers": ", ".join(missing)},
            )
        else:
            try:
                complaint = services.refer_complaint(
                    user,
                    description=data["description"],
                    place=data["place"],
                    station=data["station"],
                    occurred_at=data["occurred_at"],
                    officers=[known[n.upper()] for n in numbers if n.upper() in known],
                    categories=data["categories"],
                    attachments=[(f.name, f.read()) for f in data["attachments"]],
                )
            except PermissionDenied as error:
                return HttpResponseForbidden(error.message)
            except (InvalidInput, NotFound) as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Referred to IPOA as %(reference)s.") % {"reference": complaint.reference},
                )
                return redirect("oversight:complaint", pk=complaint.pk)
    return render(request, "oversight/refer.html", {"form": form})


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    user: Any = request.user
    try:
        item = services.read_attachment(user, pk, attachment_id)
    except NotFound as error:
        raise Http404 from error
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["Cache-Control"] = "no-store"
    return response
