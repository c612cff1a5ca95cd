"""Case pages and the justice dashboard. Views translate HTTP to ``services``; they decide nothing.

Writes are POST-redirect-GET: a bad field comes back as a message naming it; a refused write
answers 403 (case visible) or 404 (not visible), as the services decided and audited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from usalama.analysis.justice import Period, iter_csv_lines
from usalama.audit.services import record
from usalama.cases import access, charts, evidence, forms, panels, redaction, services
from usalama.cases.models import Case, MlaRequest, Party, reads_cases
from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied, UsalamaError
from usalama.records import services as records

Action = Callable[..., None]
View = Callable[..., HttpResponse]


def _refused(error: UsalamaError) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404 from error
    return HttpResponse(error.message, status=error.http_status, content_type="text/plain")


def case_action(view: Action) -> View:
    """POST on a visible case; bad input back to the case page with a message."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, reference: str, **kwargs: Any) -> HttpResponse:
        try:
            case = services.get_case(request.user, reference, audit=False)
        except NotFound:
            record(
                request.user,
                "case.write_refused",
                object_type="case",
                details={"action": view.__name__, "reason": "case not visible"},
            )
            raise Http404 from None
        try:
            view(request, case, **kwargs)
        except InvalidInput as bad:
            messages.error(request, bad.message)
        except (NotFound, PermissionDenied) as refused:
            return _refused(refused)
        return redirect("cases:case", reference=case.reference)

    return wrapped


def _form_error(form: Any) -> InvalidInput:
    field, errors = next(iter(form.errors.items()))
    return InvalidInput(f"{field}: {' '.join(errors)}")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not reads_cases(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    cases = services.list_cases(request.user, query)
    may_open = request.user.has_role(*access.INVESTIGATOR_ROLES)  # type: ignore[union-attr]
    return render(
        request,
        "cases/index.html",
        {
            "cases": cases,
            "query": query,
            "form": forms.OpenCaseForm() if may_open else None,
        },
    )


@login_required
@require_POST
def open_case(request: HttpRequest) -> HttpResponse:
    form = forms.OpenCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form).message)
        return redirect("cases:index")
    try:
        case = services.open_case(request.user, **form.cleaned_data)
    except InvalidInput as bad:
        messages.error(request, bad.message)
        return redirect("cases:index")
    except PermissionDenied as refused:
        return _refused(refused)
    return redirect("cases:case", reference=case.reference)


@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = services.get_case(request.user, reference)
    except NotFound:
        raise Http404 from None
    user = request.user
    own_events, chains = services.chains(case)
    owner = access.owns(user, case)
    kinds = access.recordable_kinds(user)
    accused = [c.party for c in chains]
    complainants = list(case.parties.filter(role=Party.Role.COMPLAINANT))
    notices = list(case.notices.all())
    named = [p.entity_id for p in [*accused, *complainants]] + [n.entity_id for n in notices]
    exhibits = list(case.exhibits.prefetch_related("files", "transfers"))
    context = {
        "case": case,
        "owner": owner,
        "own_events": own_events,
        "chains": chains,
        "complainants": complainants,
        "offences": case.offences.all(),
        "exhibits": exhibits,
        "shares": case.shares.filter(revoked_at__isnull=True).select_related("agency"),
        "mla_requests": case.mla_requests.all(),
        "mla_statuses": MlaRequest.Status.choices,
        "notices": notices,
        "disclosures": case.disclosures.order_by("-created_at"),
        "today": timezone.localdate(),
        "intake_refs": case.split_refs("intake_refs"),
        "incident_refs": case.split_refs("incident_refs"),
        "event_form": (
            forms.EventForm(kinds=kinds, accused=accused, auto_id="event_%s") if kinds else None
        ),
        "may_disclose": owner or user.has_role("prosecutor"),  # type: ignore[union-attr]
        # entity pages and the link chart are for roles that read records (not clerks), and
        # only for the entities the user's agency may read: a shared case names the owner's
        # suspects, whose records need not be shared too (a link would answer 404)
        "readable": records.readable_entity_ids(user, named),
        "links": bool(getattr(user, "sees_records", False)),
    }
    if owner:
        context |= {
            "references_form": forms.ReferencesForm(instance=case, auto_id="refs_%s"),
            "party_form": forms.PartyForm(auto_id="party_%s"),
            "offence_form": forms.OffenceForm(auto_id="offence_%s"),
            "exhibit_form": forms.ExhibitForm(auto_id="exhibit_%s"),
            "share_form": forms.ShareForm(auto_id="share_%s"),
            "mla_form": forms.MlaForm(auto_id="mla_%s"),
            "notice_form": forms.NoticeForm(auto_id="notice_%s"),
        }
    if context["may_disclose"]:
        context["disclosure_form"] = forms.DisclosureForm(auto_id="disclosure_%s")
    context["panels"] = panels.render_all(request, case, owner)
    return render(request, "cases/case.html", context)


@case_action
def references(request: HttpRequest, case: Case) -> None:
    access.require_owner(request.user, case, "update")
    form = forms.ReferencesForm(request.POST, instance=Case.objects.get(pk=case.pk))
    if not form.is_valid():
        raise _form_error(form)
    services.update_references(request.user, case, **form.cleaned_data)


@case_action
def record_event(request: HttpRequest, case: Case) -> None:
    _own, chains = services.chains(case)
    form = forms.EventForm(
        request.POST,
        kinds=access.recordable_kinds(request.user) | {request.POST.get("kind", "")},
        accused=[c.party for c in chains],
    )
    if not form.is_valid():
        raise _form_error(form)
    data = form.cleaned_data
    services.record_event(
        request.user,
        case,
        kind=data["kind"],
        occurred_at=data["occurred_at"],
        accused=data["accused"],
        detail=data["detail"],
        note=data["note"],
    )
    messages.success(request, _("Event recorded."))


@case_action
def add_party(request: HttpRequest, case: Case) -> None:
    form = forms.PartyForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.add_party(request.user, case, **form.cleaned_data)


@case_action
def add_offence(request: HttpRequest, case: Case) -> None:
    form = forms.OffenceForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.add_offence(request.user, case, **form.cleaned_data)


@case_action
def add_exhibit(request: HttpRequest, case: Case) -> None:
    form = forms.ExhibitForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    uploads = [(f.name or "file", f.read()) for f in request.FILES.getlist("files")]
    evidence.add_exhibit(request.user, case, files=uploads, **form.cleaned_data)
    messages.success(request, _("Exhibit registered; you hold it."))


@case_action
def custody(request: HttpRequest, case: Case, exhibit_id: int) -> None:
    exhibit = evidence.get_exhibit(request.user, case, exhibit_id)
    form = forms.CustodyForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    evidence.receive_custody(request.user, exhibit, **form.cleaned_data)
    messages.success(request, _("Custody received and signed."))


@case_action
def share(request: HttpRequest, case: Case) -> None:
    form = forms.ShareForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.share_case(request.user, case, form.cleaned_data["agency"].strip().upper())
    messages.success(request, _("Case shared."))


@case_action
def add_mla(request: HttpRequest, case: Case) -> None:
    form = forms.MlaForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.add_mla_request(
        request.user, case, status="sent", sent_on=timezone.localdate(), **form.cleaned_data
    )


@case_action
def mla_status(request: HttpRequest, case: Case, request_id: int) -> None:
    services.update_mla_status(request.user, case, request_id, request.POST.get("status", ""))


@case_action
def add_notice(request: HttpRequest, case: Case) -> None:
    form = forms.NoticeForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.add_notice(request.user, case, **form.cleaned_data)


@case_action
def disclosure(request: HttpRequest, case: Case) -> None:
    form = forms.DisclosureForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    terms = [line for line in form.cleaned_data["redact"].splitlines() if line.strip()]
    regions = redaction.parse_boxes(form.cleaned_data["regions"])
    bundle = evidence.build_disclosure(request.user, case, redact=terms, regions=regions)
    messages.success(
        request, _("Disclosure bundle built, SHA-256 %(hash)s.") % {"hash": bundle.sha256}
    )


# --- the justice dashboard --------------------------------------------------------------------


def _period(params: Any) -> Period:
    """[from, to) from the query; by default the 365 days up to and including today."""
    default_to = timezone.localdate() + dt.timedelta(days=1)
    try:
        end = dt.date.fromisoformat(params.get("to") or default_to.isoformat())
        start = dt.date.fromisoformat(
            params.get("from") or (end - dt.timedelta(days=365)).isoformat()
        )
    except ValueError:
        raise InvalidInput(_("from/to: dates as YYYY-MM-DD")) from None
    return Period.of(start, end, params.get("tz") or settings.TIME_ZONE)


def _months(period: Period, count: int = 12) -> list[tuple[str, Period]]:
    """The ``count`` calendar months up to the one holding the period's last day."""
    last_day = (period.to_day or period.end.date()) - dt.timedelta(days=1)
    first = (dt.date(last_day.year, last_day.month, 1) + dt.timedelta(days=32)).replace(day=1)
    months = []
    for _index in range(count):
        start = (first - dt.timedelta(days=1)).replace(day=1)
        months.append((start.strftime("%Y-%m"), Period.of(start, first, period.tz)))
        first = start
    return list(reversed(months))


KPI_LABELS = {
    "arrests": gettext_lazy("Arrests"),
    "court_within_24h_rate": gettext_lazy("Brought to court within 24 hours"),
    "charged": gettext_lazy("Charged"),
    "median_days_report_to_charge": gettext_lazy("Median days from report to charge"),
    "judgments": gettext_lazy("Judgments"),
    "clearance_rate": gettext_lazy("Clearance rate (judgments / charged)"),
    "conviction_rate": gettext_lazy("Conviction rate"),
    "pending_at_end": gettext_lazy("Accused pending at the end"),
    "disposition_time_days": gettext_lazy("Disposition time (days)"),
    "backlog_share": gettext_lazy("Backlog share (pending over a year)"),
    "adjournment_rate": gettext_lazy("Adjournment rate"),
    "median_remand_days": gettext_lazy("Median days in remand"),
    "unsentenced_detainee_share": gettext_lazy("Unsentenced detainees (SDG 16.3.2)"),
}
RATE_KEYS = {
    "court_within_24h_rate",
    "clearance_rate",
    "conviction_rate",
    "backlog_share",
    "adjournment_rate",
    "unsentenced_detainee_share",
}


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:.1f} %"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}"


@login_required
def justice(request: HttpRequest) -> HttpResponse:
    if not reads_cases(request.user):
        raise Http404
    error = ""
    try:
        period = _period(request.GET)
    except InvalidInput as bad:
        error = bad.message
        period = _period({})
    # ?waiting=all lists every file waiting for a charge decision (the prosecutor's work, from
    # the first page), not only those past the usual wait
    odpp_days = 0 if request.GET.get("waiting") == "all" else settings.JUSTICE_ODPP_WAIT_DAYS
    board = services.dashboard(request.user, period, odpp_days=odpp_days)
    months = _months(period)
    series = services.monthly_series(request.user, [p for _label, p in months])
    labels = [label for label, _p in months]
    svgs = [
        charts.monthly(
            labels,
            {
                _("charged"): [s["charged"] for s in series],
                _("judgments"): [s["judgments"] for s in series],
            },
            title=_("Charged and judgments per month"),
            ylabel=_("accused"),
        ),
        charts.monthly(
            labels,
            {
                _("within 24 h"): [s["court_within_24h_rate"] for s in series],
                _("adjourned"): [s["adjournment_rate"] for s in series],
                _("convicted"): [s["conviction_rate"] for s in series],
            },
            title=_("Rates per month"),
            ylabel=_("share"),
            kind="line",
        ),
    ]

    def name(case_id: str, accused_id: str) -> str:
        return board.names.get((case_id, accused_id), accused_id)

    rows = [
        {"key": key, "label": label, "shown": _shown(key, board.kpis[key])}
        for key, label in KPI_LABELS.items()
    ]
    return render(
        request,
        "cases/justice.html",
        {
            "board": board,
            "rows": rows,
            "attrition": board.kpis["attrition"],
            "charts": svgs,
            "error": error,
            "odpp_days": odpp_days,
            "period_from": str(period.from_day),
            "period_to": str(period.to_day),
            "breaches": [(b, name(b.case_id, b.accused_id)) for b in board.breaches],
            "remands": [(r, name(r.case_id, r.accused_id)) for r in board.remands],
            "adjournments": [(c, name(c, a), n) for c, a, n in board.adjournments],
        },
    )


def _csv_response(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def justice_csv(request: HttpRequest) -> HttpResponse:
    """The KPIs as ``kpi,value`` rows (exact figures, the same as ``usalama justice kpis``)."""
    if not reads_cases(request.user):
        raise Http404
    try:
        period = _period(request.GET)
    except InvalidInput as bad:
        return HttpResponse(bad.message, status=400, content_type="text/plain")
    from usalama.analysis.justice import compute_kpis

    figures = compute_kpis(services.event_log(request.user), period)
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer, lineterminator="\n")
    writer.writerow(["kpi", "value"])
    for key, value in figures.items():
        if isinstance(value, dict):
            writer.writerows([f"{key}.{sub}", number] for sub, number in value.items())
        else:
            writer.writerow([key, "" if value is None else repr(value)])
    record(
        request.user,
        "justice.export",
        object_type="justice",
        details={"format": "kpis.csv", "from": period.start.isoformat()},
    )
    return _csv_response(buffer.getvalue(), "justice-kpis.csv")


@login_required
def justice_events(request: HttpRequest) -> HttpResponse:
    """The event log the user sees, in the format ``usalama justice kpis --events`` reads."""
    if not reads_cases(request.user):
        raise Http404
    log = services.event_log(request.user)
    record(
        request.user,
        "justice.export",
        object_type="justice",
        details={"format": "events.csv", "events": len(log)},
    )
    return _csv_response("".join(iter_csv_lines(log)), "justice-events.csv")


@login_required
def disclosure_download(request: HttpRequest, reference: str, bundle_id: int) -> HttpResponse:
    try:
        case = services.get_case(request.user, reference, audit=False)
        bundle, content = evidence.open_disclosure(request.user, case, bundle_id)
    except (NotFound, PermissionDenied) as refused:
        return _refused(refused)
    response = HttpResponse(content, content_type="application/zip")
    name = f"{case.reference}-disclosure-{bundle.pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
