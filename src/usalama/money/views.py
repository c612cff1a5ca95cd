"""Money pages: alerts queue, alert with its evidence graph, account page, trace view, exports.

Views only translate between HTTP and the services; access checks and audit happen there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound
from usalama.money import charts, services, tracing
from usalama.money.models import AlertStatus

ACCOUNT_HREF = "/money/accounts/{id}/"


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in (*AlertStatus.values, "all"):
        status = "open"
    rows = services.list_alerts(request.user, None if status == "all" else status)
    return render(
        request,
        "money/alerts.html",
        {"alerts": rows, "status": status, "statuses": AlertStatus.choices},
    )


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        alert = services.get_alert(request.user, alert_id)
    except NotFound as missing:
        raise Http404 from missing
    evidence = services.evidence_transfers(request.user, alert)
    graph = tracing.evidence_graph(
        alert.account, evidence, ACCOUNT_HREF, _("Evidence: transfers behind this alert")
    )
    return render(
        request,
        "money/alert.html",
        {
            "alert": alert,
            "evidence": evidence,
            "graph": mark_safe(graph),  # noqa: S308 - built by charts.py, every text escaped
            "trace_url": _trace_url(alert.account.pk),
            "statuses": AlertStatus.choices,
        },
    )


@login_required
@require_POST
def alert_review(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        services.review_alert(
            request.user, alert_id, request.POST.get("status", ""), request.POST.get("note", "")
        )
    except NotFound as missing:
        raise Http404 from missing
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Alert updated."))
    return redirect("money:alert", alert_id=alert_id)


@login_required
def account(request: HttpRequest, account_id: int) -> HttpResponse:
    try:
        item = services.get_account(request.user, account_id)
    except NotFound as missing:
        raise Http404 from missing
    transfers = services.account_transfers(request.user, item)
    series = services.balance_series(item, transfers)
    plot = charts.balance_svg(
        series, title=_("Balance from the transfers we hold"), currency=item.currency
    )
    return render(
        request,
        "money/account.html",
        {
            "account": item,
            "transfers": transfers[-200:],
            "transfer_count": len(transfers),
            "counterparties": services.counterparties(item, transfers)[:50],
            "siblings": services.holder_accounts(request.user, item),
            "plot": mark_safe(plot),  # noqa: S308 - matplotlib's own SVG
            "trace_url": _trace_url(item.pk),
            "alerts": item.alerts.all(),
        },
    )


def _trace_url(account_id: int, **params: Any) -> str:
    query: dict[str, Any] = {
        "account": account_id,
        "direction": "forward",
        "model": "haircut",
        "hops": 5,
    }
    query.update(params)
    return f"{reverse('money:trace')}?{urlencode(query)}"


def _trace_args(request: HttpRequest) -> dict[str, Any]:
    try:
        account_id = int(request.GET.get("account", ""))
        hops = int(request.GET.get("hops", "5"))
    except ValueError as error:
        raise Http404 from error
    return {
        "account_id": account_id,
        "direction": request.GET.get("direction", "forward"),
        "model": request.GET.get("model", "haircut"),
        "hops": hops,
    }


def _window(request: HttpRequest) -> dict[str, date | None]:
    """The optional time window (``from``/``to`` as YYYY-MM-DD); a bad date is 400."""
    window: dict[str, date | None] = {}
    for name, key in (("from", "since"), ("to", "until")):
        text = request.GET.get(name, "").strip()
        try:
            window[key] = date.fromisoformat(text) if text else None
        except ValueError:
            raise InvalidInput(
                _("%(name)s: a date as YYYY-MM-DD, not %(value)s") % {"name": name, "value": text}
            ) from None
    return window


def _run_trace(request: HttpRequest) -> tracing.TraceView | str:
    args = _trace_args(request)
    try:
        args |= _window(request)
        return services.trace(request.user, **args)
    except NotFound as missing:
        raise Http404 from missing
    except InvalidInput as error:
        return error.message


def _trace_context(request: HttpRequest, view: tracing.TraceView) -> dict[str, Any]:
    query = request.GET.urlencode()
    return {
        "view": view,
        "flow": mark_safe(  # noqa: S308 - built by charts.py, every text escaped
            tracing.flow_graph(view, ACCOUNT_HREF, _("Flow of the traced money"))
        ),
        "sankey": mark_safe(  # noqa: S308 - built by charts.py, every text escaped
            tracing.sankey(view, ACCOUNT_HREF, _("Amounts by hop"))
        ),
        "query": query,
        "models": services.MODELS,
        "directions": services.DIRECTIONS,
    }


@login_required
def trace(request: HttpRequest) -> HttpResponse:
    if "account" not in request.GET:
        return render(request, "money/trace.html", {"error": _("Choose an account to trace.")})
    result = _run_trace(request)
    if isinstance(result, str):
        return render(request, "money/trace.html", {"error": result}, status=400)
    return render(request, "money/trace.html", _trace_context(request, result))


@login_required
def trace_csv(request: HttpRequest) -> HttpResponse:
    result = _run_trace(request)
    if isinstance(result, str):
        return HttpResponse(result, status=400, content_type="text/plain; charset=utf-8")
    body = services.export_trace(request.user, result, "csv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trace-{result.seed.pk}.csv"'
    return response


@login_required
def trace_report(request: HttpRequest) -> HttpResponse:
    result = _run_trace(request)
    if isinstance(result, str):
        return HttpResponse(result, status=400, content_type="text/plain; charset=utf-8")
    services.export_trace(request.user, result, "html")
    context = _trace_context(request, result)
    context["generated"] = tracing.now()
    return render(request, "money/trace_report.html", context)
