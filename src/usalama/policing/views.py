"""Policing pages: incident collections, the response-time dashboard, the forecast map.

Views only translate between HTTP and ``services``; access checks and audit happen there.
Every page is readable without JavaScript: tables and server-rendered SVG charts; the map
is an enhancement over the ranked cell table.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.policing import charts, services
from usalama.policing.response import DIMENSIONS, parse_standards

DEFAULT_STANDARDS = "P1=15"
METHODS = ("best", "etas", "kde", "naive")


def _collection_key(request: HttpRequest, available: list[services.IncidentCollection]) -> str:
    key = request.GET.get("collection", "").strip()
    if key:
        return key
    if not available:
        raise Http404
    return available[0].collection.key


def _standards(text: str) -> dict[str, float]:
    items = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    return parse_standards(items)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows = services.incident_collections(request.user)
    return render(request, "policing/index.html", {"rows": rows})


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _charts(view: services.ResponseView) -> list[dict[str, str]]:
    report = view.report
    out = []
    by_priority = report.by["priority"].filter(~report.by["priority"]["median"].is_null())
    if by_priority.height:
        first_standard = next(iter(view.standards.items()), None)
        out.append(
            {
                "title": _("Response time by priority"),
                "svg": charts.bars(
                    [str(p) or "—" for p in by_priority["priority"].to_list()],
                    {
                        _("median"): [_num(v) for v in by_priority["median"].to_list()],
                        _("90th percentile"): [_num(v) for v in by_priority["p90"].to_list()],
                    },
                    title=_("Response time (received → arrived) by priority"),
                    ylabel=_("minutes"),
                    standard=first_standard[1] if first_standard else None,
                    standard_label=(
                        _("standard for priority %(p)s") % {"p": first_standard[0]}
                        if first_standard
                        else ""
                    ),
                ),
            }
        )
    by_hour = report.by["hour"].filter(~report.by["hour"]["median"].is_null())
    if by_hour.height:
        out.append(
            {
                "title": _("Response time by hour of day"),
                "svg": charts.lines(
                    [f"{h:02d}" for h in by_hour["hour"].to_list()],
                    {
                        _("median"): [_num(v) for v in by_hour["median"].to_list()],
                        _("90th percentile"): [_num(v) for v in by_hour["p90"].to_list()],
                    },
                    title=_("Response time by hour of day (local time)"),
                    ylabel=_("minutes"),
                ),
            }
        )
    by_day = report.by["weekday"].filter(~report.by["weekday"]["median"].is_null())
    if by_day.height:
        out.append(
            {
                "title": _("Response time by day of week"),
                "svg": charts.bars(
                    [_weekday(d) for d in by_day["weekday"].to_list()],
                    {
                        _("median"): [_num(v) for v in by_day["median"].to_list()],
                        _("90th percentile"): [_num(v) for v in by_day["p90"].to_list()],
                    },
                    title=_("Response time by day of week"),
                    ylabel=_("minutes"),
                ),
            }
        )
    return out


def _weekday(iso_day: int) -> str:
    """1 = Monday … 7 = Sunday, in the reader's language (Django's own translated names)."""
    return str(WEEKDAYS_ABBR[(int(iso_day) - 1) % 7])


def _group_label(dimension: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if dimension == "weekday":
        return _weekday(int(value))
    if dimension == "hour":
        return f"{int(value):02d}:00"
    return str(value)


@login_required
def response_times(request: HttpRequest) -> HttpResponse:
    available = services.incident_collections(request.user)
    key = _collection_key(request, available)
    standards_text = request.GET.get("standards", DEFAULT_STANDARDS)
    error = ""
    try:
        standards = _standards(standards_text)
    except InvalidInput as bad:
        error, standards = bad.message, {}
    try:
        view = services.response_times(request.user, key, standards=standards)
    except NotFound as missing:
        raise Http404 from missing
    labels = {
        "priority": _("Priority"),
        "station": _("Station / precinct"),
        "beat": _("Beat"),
        "hour": _("Hour of day"),
        "weekday": _("Day of week"),
    }
    intervals = {
        "answer": _("Answer (received → answered)"),
        "dispatch": _("Dispatch (received → dispatched)"),
        "travel": _("Travel (dispatched → arrived)"),
        "response": _("Response (received → arrived)"),
        "on_scene": _("On scene (arrived → cleared)"),
    }
    overall = [
        {**row, "label": intervals[row["interval"]]}
        for row in view.report.overall.iter_rows(named=True)
    ]
    tables = [
        {
            "dimension": dim,
            "label": labels[dim],
            "rows": [
                {**row, "group": _group_label(dim, row[dim])}
                for row in view.report.by[dim].iter_rows(named=True)
            ],
        }
        for dim in DIMENSIONS
    ]
    context = {
        "available": available,
        "view": view,
        "overall": overall,
        "tables": tables,
        "charts": _charts(view),
        "standards_text": standards_text,
        "standards": list(view.report.standards.iter_rows(named=True)),
        "error": error,
        "negative": {k: v for k, v in view.report.negative.items() if v},
    }
    return render(request, "policing/response_times.html", context)


@login_required
def response_times_export(request: HttpRequest) -> HttpResponse:
    available = services.incident_collections(request.user)
    key = _collection_key(request, available)
    try:
        standards = _standards(request.GET.get("standards", DEFAULT_STANDARDS))
        body = services.response_times_csv(request.user, key, standards=standards)
    except NotFound as missing:
        raise Http404 from missing
    except (InvalidInput, PermissionDenied) as refused:
        return HttpResponse(refused.message, status=refused.http_status, content_type="text/plain")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="response-times-{key}.csv"'
    return response


def _number(request: HttpRequest, name: str, default: float) -> float:
    try:
        value = float(request.GET.get(name, default))
    except ValueError as bad:
        raise InvalidInput(_("%(name)s must be a number") % {"name": name}) from bad
    if not math.isfinite(value):  # nan and inf parse as floats but mean nothing here
        raise InvalidInput(_("%(name)s must be a number") % {"name": name})
    return value


def _forecast_params(request: HttpRequest) -> tuple[dict[str, Any], dt.time]:
    """The forecast's parameters from the query, parsed once: the numbers (finite and above
    zero) and the shift start. Raises ``InvalidInput`` naming the first bad one, so the page
    answers 400 at once instead of a progress note for a forecast that cannot run."""
    params: dict[str, Any] = {
        "method": request.GET.get("method", "best"),
        "units": request.GET.get("units", "ft"),
    }
    for name, default in (("cell", 600), ("train", 31), ("horizon", 7), ("top", 50)):
        value = _number(request, name, default)
        if value <= 0:
            raise InvalidInput(_("%(name)s must be above zero") % {"name": name})
        params[name] = value
    params["top"] = round(params["top"])
    try:
        shift_start = dt.time.fromisoformat(request.GET.get("shift", "08:00"))
    except ValueError as bad:
        raise InvalidInput(_("shift must be a time such as 08:00")) from bad
    params["shift"] = shift_start.strftime("%H:%M")
    return params, shift_start


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    """The page answers at once with the form and a progress note; the forecast (seconds of
    work on a large collection) arrives as a fragment (``part=1``, fetched by htmx). Without
    JavaScript the note links to ``sync=1``, which computes it in the page itself."""
    available = services.incident_collections(request.user)
    key = _collection_key(request, available)
    view = None
    error = ""
    forecast_refused = False
    try:
        params, shift_start = _forecast_params(request)
    except InvalidInput as bad:
        params = {
            "method": request.GET.get("method", "best"),
            "units": request.GET.get("units", "ft"),
        }
        error = bad.message
    if not error and request.GET.get("part") != "1" and request.GET.get("sync") != "1":
        try:
            services.get_incident_collection(request.user, key)
        except NotFound as missing:
            raise Http404 from missing
        query = request.GET.copy()
        query["part"] = "1"
        sync = request.GET.copy()
        sync["sync"] = "1"
        return render(
            request,
            "policing/hotspots.html",
            {
                "available": available,
                "key": key,
                "params": {
                    "method": params["method"],
                    "units": params["units"],
                    **{
                        k: request.GET[k]
                        for k in ("cell", "train", "horizon", "shift")
                        if k in request.GET
                    },
                },
                "methods": METHODS,
                "pending": True,
                "part_url": f"{request.path}?{query.urlencode()}",
                "sync_url": f"{request.path}?{sync.urlencode()}",
            },
        )
    if not error:
        try:
            view = services.hotspot_forecast(
                request.user,
                key,
                method=params["method"],
                cell_size=params["cell"],
                units=params["units"],
                train_days=params["train"],
                horizon_days=params["horizon"],
                top=params["top"],
                shift_start=shift_start,
            )
        except NotFound as missing:
            raise Http404 from missing
        except InvalidInput as bad:
            # the request was sound; the collection cannot be forecast (too short, no
            # locations): an answer, as the htmx fragment gives it, not a bad request
            error, forecast_refused = bad.message, True
    context = {
        "available": available,
        "key": key,
        "view": view,
        "params": params,
        "methods": METHODS,
        "error": error,
        "tiles": _tiles(),
        "few_incidents": services.FEW_INCIDENTS,
    }
    if request.GET.get("part") == "1":
        # htmx swaps only 2xx answers: the fragment carries the error message itself
        return render(request, "policing/_forecast.html", context)
    status = 400 if error and not forecast_refused else 200
    return render(request, "policing/hotspots.html", context, status=status)


def _tiles() -> str:
    from django.conf import settings

    config = getattr(settings, "LEAFLET_CONFIG", {}) or {}
    tiles = config.get("TILES") or ""
    return tiles if isinstance(tiles, str) else ""
