"""Community pages: alerts (draft, approve, figures), barazas (schedule, attendance, issues
and actions), the public baraza page and the gateways' delivery-report webhook."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from usalama.community import services
from usalama.community.forms import (
    AlertForm,
    AttendanceForm,
    BarazaForm,
    DecisionForm,
    IssueForm,
    IssueUpdateForm,
)
from usalama.community.models import IssueStatus
from usalama.core.errors import InvalidInput, NotFound
from usalama.data import areas


def _invalid(form: Any) -> InvalidInput:
    return InvalidInput(
        "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = services.list_alerts(user)
    if request.method == "POST":
        form = AlertForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        alert = services.draft_alert(
            user,
            data["title"],
            data["message_sw"],
            data["message_en"],
            [w for w in data["wards"].replace(";", ",").split(",")],
        )
        messages.success(request, _("Draft saved. A supervisor must approve it before it is sent."))
        return redirect("community:alert", alert_id=alert.pk)
    return render(
        request,
        "community/alerts.html",
        {"rows": rows, "form": AlertForm(), "may_draft": services.drafts_alerts(user)},
    )


@login_required
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    found = services.get_alert(request.user, alert_id)
    wards = [(code, areas.ward_label(code)) for code in found.wards]
    may_decide = (
        services.approves_alerts(request.user)
        and found.status == "draft"
        and found.drafted_by_id != request.user.pk
    )
    return render(
        request,
        "community/alert.html",
        {
            "alert": found,
            "wards": wards,
            "figures": services.figures(found),
            "may_decide": may_decide,
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    approve = form.cleaned_data["decision"] == "approve"
    services.decide_alert(request.user, alert_id, approve, form.cleaned_data["note"])
    messages.success(
        request, _("Approved: the alert is being sent.") if approve else _("Rejected.")
    )
    return redirect("community:alert", alert_id=alert_id)


@login_required
def barazas(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = services.list_barazas(user)
    if request.method == "POST":
        form = BarazaForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        baraza = services.schedule_baraza(
            user, data["ward"], data["held_at"], data["place"], data["convenor"]
        )
        messages.success(request, _("Baraza scheduled."))
        return redirect("community:baraza", baraza_id=baraza.pk)
    return render(
        request,
        "community/barazas.html",
        {"rows": [(b, areas.ward_label(b.ward_code)) for b in rows], "form": BarazaForm()},
    )


@login_required
def baraza(request: HttpRequest, baraza_id: int) -> HttpResponse:
    found = services.get_baraza(request.user, baraza_id)
    if request.method == "POST":
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.record_attendance(request.user, baraza_id, form.cleaned_data["attendance"])
        return redirect("community:baraza", baraza_id=baraza_id)
    issues = [
        (i, IssueUpdateForm(initial={"status": i.status, "action": i.action}, prefix=f"i{i.pk}"))
        for i in found.issues.all()
    ]
    return render(
        request,
        "community/baraza.html",
        {
            "baraza": found,
            "ward": areas.ward_label(found.ward_code),
            "issues": issues,
            "attendance_form": AttendanceForm(initial={"attendance": found.attendance}),
            "issue_form": IssueForm(),
        },
    )


@login_required
@require_POST
def add_issue(request: HttpRequest, baraza_id: int) -> HttpResponse:
    form = IssueForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.add_issue(request.user, baraza_id, form.cleaned_data["text"])
    return redirect("community:baraza", baraza_id=baraza_id)


@login_required
@require_POST
def update_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    prefix = f"i{issue_id}"
    form = IssueUpdateForm(
        request.POST, prefix=prefix if f"{prefix}-status" in request.POST else None
    )
    if not form.is_valid():
        raise _invalid(form)
    issue = services.update_issue(
        request.user, issue_id, form.cleaned_data["status"], form.cleaned_data["action"]
    )
    return redirect("community:baraza", baraza_id=issue.baraza_id)


def public_barazas(request: HttpRequest) -> HttpResponse:
    """No login, no JavaScript, no personal data: wards, dates, places, offices, issues."""
    county = request.GET.get("county", "")
    if county and not areas.is_area(areas.COUNTY, county):
        return HttpResponse(
            _("Unknown county."), status=400, content_type="text/plain; charset=utf-8"
        )
    rows = [
        (b, areas.ward_label(b.ward_code), list(b.issues.all()))
        for b in services.public_barazas(county)
    ]
    counties = sorted(
        {
            (w[1], w[0])
            for w in (
                (c, areas.name_of(areas.COUNTY, c))
                for _l, c in areas.children(areas.NATIONAL, areas.NATIONAL_CODE)
            )
        }
    )
    response = render(
        request,
        "community/public_barazas.html",
        {
            "rows": rows,
            "county": county,
            "counties": counties,
            "statuses": dict(IssueStatus.choices),
        },
    )
    return response


# --- gateway delivery reports ------------------------------------------------------------


def _secret_ok(request: HttpRequest) -> bool:
    from usalama.intake.webhooks import presented_secret

    configured = str(getattr(settings, "USALAMA_GATEWAY_SECRET", "") or "")
    given = presented_secret(request)
    return bool(configured and given and hmac.compare_digest(given.encode(), configured.encode()))


@csrf_exempt
def delivery_report(request: HttpRequest) -> HttpResponse:
    """Africa's Talking-style delivery report (``id``, ``status``, ``failureReason``),
    authenticated like intake's webhooks: the shared secret in a header, never in the URL.
    A wrong or missing secret answers 404 like an unknown path; nothing is changed."""
    if not _secret_ok(request):
        return HttpResponseNotFound("Not Found", content_type="text/plain")
    if request.method != "POST":
        return HttpResponse("POST only", status=405, content_type="text/plain")
    try:
        services.record_delivery(
            str(request.POST.get("id", ""))[:100],
            str(request.POST.get("status", ""))[:40],
            str(request.POST.get("failureReason", ""))[:100],
        )
    except InvalidInput as bad:
        return HttpResponse(f"rejected: {bad.message}", status=400, content_type="text/plain")
    except NotFound:
        return HttpResponseNotFound("unknown message id", content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")
