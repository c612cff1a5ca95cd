"""The leaders' dashboards: an indicator against target, rankings, drill-down from county to
ward to the records behind a figure, the funnel, targets with their history, and the monthly
review pack (HTML and PDF). Views translate HTTP to ``services``; access and audit are there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from usalama.audit.services import record_refused
from usalama.core.errors import InvalidInput, PermissionDenied
from usalama.data import areas
from usalama.kpis import charts, pack, schedule, services
from usalama.kpis.forms import TargetForm
from usalama.kpis.registry import BY_KEY, FAMILIES, INDICATORS, ROLE_FAMILY
from usalama.kpis.sources import Window


def _default_family(user: Any) -> str:
    for role, family in ROLE_FAMILY.items():
        if user.has_role(role):
            return family
    return "police"


def _choice(request: HttpRequest, user: Any) -> dict[str, str]:
    family = request.GET.get("family") or _default_family(user)
    if family not in FAMILIES:
        raise InvalidInput(f"unknown group {family!r}")
    default = next(i.key for i in INDICATORS if i.family == family)
    key = request.GET.get("indicator") or default
    ind = services.indicator(key)
    level = request.GET.get("level") or areas.NATIONAL
    code = request.GET.get("area") or (areas.NATIONAL_CODE if level == areas.NATIONAL else "")
    services.check_area(ind, level, code)
    return {"family": ind.family, "indicator": key, "level": level, "area": code}


def dashboard_url(**params: str) -> str:
    return reverse("kpis:dashboard") + "?" + urlencode(params)


def _breadcrumbs(level: str, code: str, key: str, period: str) -> list[tuple[str, str]]:
    trail = []
    current: tuple[str, str] | None = (level, code)
    while current is not None:
        lvl, cd = current
        trail.append(
            (
                areas.name_of(lvl, cd),
                dashboard_url(indicator=key, level=lvl, area=cd, period=period),
            )
        )
        current = (
            areas.parent(lvl, cd) if lvl != areas.STATION else (areas.NATIONAL, areas.NATIONAL_CODE)
        )
    return trail[::-1]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.require_reader(user)
    choice = _choice(request, user)
    ind = BY_KEY[choice["indicator"]]
    periods = services.latest_periods(pack.TREND_MONTHS)
    period = request.GET.get("period") or (periods[-1] if periods else "")
    if period and period not in periods:
        Window.of(period)  # a malformed month is a 400
        periods = sorted({*periods, period})[-pack.TREND_MONTHS :]
    if not periods:
        schedule.ensure_scheduled()
    points = services.series(user, ind.key, choice["level"], choice["area"], periods)
    current = next((p for p in points if p.period == period), None)
    trend = (
        charts.trend_svg(
            periods,
            [p.value for p in points],
            [p.target for p in points],
            title=f"{ind.name} · {areas.name_of(choice['level'], choice['area'])}",
            unit=str(ind.unit),
            value_label=_("Value"),
            target_label=_("Target"),
        )
        if periods
        else ""
    )
    children = (
        services.children_figures(user, ind.key, choice["level"], choice["area"], period)
        if period
        else []
    )
    child_level = areas.CHILD_LEVEL.get(choice["level"], "")
    counties = (
        services.ranking(user, ind.key, areas.COUNTY, period)[:15]
        if period and areas.COUNTY in ind.levels
        else []
    )
    stations = (
        services.ranking(
            user,
            ind.key,
            areas.STATION,
            period,
            None
            if choice["level"] == areas.NATIONAL
            else set(services.stations_in(choice["level"], choice["area"])),
        )[:15]
        if period and areas.STATION in ind.levels and choice["level"] != areas.STATION
        else []
    )
    funnel = services.funnel(period) if period else None
    funnel_svg = (
        charts.funnel_svg(
            pack.funnel_labels(),
            [funnel.tips, funnel.reports, funnel.incidents, funnel.cases, funnel.convictions],
            title=_("Tips → incidents → cases → convictions, %(period)s") % {"period": period},
        )
        if funnel
        else ""
    )
    form = TargetForm(
        initial={
            "indicator": ind.key,
            "level": choice["level"],
            "area": choice["area"],
            "period": period,
            "value": current.target if current and current.target is not None else "",
        }
    )
    drill = (
        reverse("kpis:records")
        + "?"
        + urlencode({"level": choice["level"], "area": choice["area"], "period": period})
        if ind.drill == "incidents" and choice["level"] != areas.NATIONAL and period
        else ""
    )
    return render(
        request,
        "kpis/dashboard.html",
        {
            "families": [
                (key, label, [i for i in INDICATORS if i.family == key])
                for key, label in FAMILIES.items()
            ],
            "choice": choice,
            "indicator": ind,
            "area_name": areas.name_of(choice["level"], choice["area"]),
            "level_label": areas.LEVEL_LABELS[choice["level"]],
            "periods": periods,
            "period": period,
            "points": points,
            "current": current,
            "trend": trend,
            "children": children,
            "child_level": child_level,
            "child_level_label": areas.LEVEL_LABELS.get(child_level, ""),
            "counties": counties,
            "stations": stations,
            "funnel": funnel,
            "funnel_svg": funnel_svg,
            "form": form,
            "may_set": services.sets_targets(user),
            "breadcrumbs": _breadcrumbs(choice["level"], choice["area"], ind.key, period),
            "drill": drill,
        },
    )


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """GET: the agency's targets. POST: set one (leaders), then back to the dashboard."""
    user = request.user
    services.require_reader(user)
    if request.method == "POST":
        form = TargetForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(
                f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
            )
            raise InvalidInput(errors)
        data = form.cleaned_data
        target = services.set_target(
            user,
            data["indicator"],
            data["level"],
            data["area"].strip(),
            data["period"],
            data["value"],
            data["reason"],
        )
        messages.success(request, _("Target saved."))
        return redirect(
            dashboard_url(
                indicator=target.indicator,
                level=target.level,
                area=target.area_code,
                period=target.period,
            )
        )
    rows = [
        (t, BY_KEY.get(t.indicator), areas.name_of(t.level, t.area_code))
        for t in services.agency_targets(user)
    ]
    return render(request, "kpis/targets.html", {"rows": rows})


@login_required
def target(request: HttpRequest, target_id: int) -> HttpResponse:
    found, history = services.target_history(request.user, target_id)
    return render(
        request,
        "kpis/target.html",
        {
            "target": found,
            "indicator": BY_KEY.get(found.indicator),
            "area_name": areas.name_of(found.level, found.area_code),
            "history": history,
        },
    )


@login_required
def records(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    code = request.GET.get("area", "")
    period = request.GET.get("period", "")
    rows = services.drill_incidents(request.user, level, code, period)
    return render(
        request,
        "kpis/records.html",
        {
            "rows": rows,
            "level": level,
            "area": code,
            "area_name": areas.name_of(level, code),
            "period": period,
            "back": dashboard_url(level=level, area=code, period=period),
        },
    )


def _pack_period(request: HttpRequest) -> str:
    period = request.GET.get("period") or (services.latest_periods(1) or [""])[-1]
    if period:
        Window.of(period)
    return period


@login_required
def review_pack(request: HttpRequest) -> HttpResponse:
    period = _pack_period(request)
    if not period:
        services.require_reader(request.user, "kpis.pack")
        return render(request, "kpis/pack.html", {"pack": None})
    built = pack.build(request.user, period)
    return render(
        request,
        "kpis/pack.html",
        {
            "pack": built,
            "trends": pack.trend_svgs(built),
            "funnel_svg": charts.funnel_svg(
                pack.funnel_labels(), pack.funnel_counts(built), title=_("Funnel")
            ),
        },
    )


@login_required
def review_pack_pdf(request: HttpRequest) -> HttpResponse:
    period = _pack_period(request)
    if not period:
        raise InvalidInput("no month has figures yet: compute the KPIs first")
    built = pack.build(request.user, period)
    response = HttpResponse(pack.pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{built.period}.pdf"'
    return response


@login_required
@require_POST
def compute_now(request: HttpRequest) -> HttpResponse:
    """Queue a recomputation of this month and last (leaders)."""
    services.require_reader(request.user, "kpis.compute")
    if not services.sets_targets(request.user):
        record_refused(request.user, "kpis.compute", reason="not a leader role")
        raise PermissionDenied("only commanders and supervisors ask for a recomputation")
    from usalama.kpis.tasks import compute_task

    compute_task.enqueue([], False)
    messages.success(request, _("The indicators will be recomputed in the background."))
    return redirect("kpis:dashboard")
