"""The public portal's pages: no login, no cookies, no script; English or Swahili by ``?lang=``.

Every figure comes from :func:`usalama.public.services.served` (stored, checked tables), so
the pages, the downloads and the API withhold the same cells.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput
from usalama.public import labels, services, svgmap
from usalama.public.areas import LEVELS, areas
from usalama.public.models import Kind

COUNT_CLASSES = ((100, "c4"), (50, "c3"), (20, "c2"), (1, "c1"))


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or translation.get_language() or "en"
    return "sw" if wanted.startswith("sw") else "en"


def _barazas_url() -> str:
    """The community app's public barazas, when that app is installed (linked, never required)."""
    try:
        return reverse("community:public_barazas")
    except NoReverseMatch:
        return ""


class Page:
    """What every portal page needs: language, the chosen month and the links that keep both."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.lang = _language(request)
        self.months = services.months()
        asked = request.GET.get("month")
        if asked:
            try:
                first = services.parse_month(asked)
            except InvalidInput:
                raise Http404("no such month") from None
            if f"{first:%Y-%m}" not in self.months:
                raise Http404("month not published")
            self.month: str | None = f"{first:%Y-%m}"
        else:
            self.month = self.months[0] if self.months else None

    @property
    def first(self) -> dt.date | None:
        return services.parse_month(self.month) if self.month else None

    def query(self, **extra: str) -> str:
        params = {"lang": self.lang}
        if self.month:
            params["month"] = self.month
        params.update(extra)
        return "?" + urlencode(params)

    def render(self, template: str, context: dict[str, Any]) -> HttpResponse:
        other = "en" if self.lang == "sw" else "sw"
        switch = dict(self.request.GET.items())
        switch["lang"] = other
        base = {
            "lang": self.lang,
            "month": self.month,
            "months": self.months,
            "q": self.query(),
            "switch_query": "?" + urlencode(switch),
            "other_lang": other,
            "barazas_url": _barazas_url(),
            "path": self.request.path,
            "k": services.threshold(),
            "k_below": services.threshold() - 1,
        }
        with translation.override(self.lang):
            response = render(self.request, template, {**base, **context})
        response["Content-Language"] = self.lang
        response["Referrer-Policy"] = "no-referrer"
        if "Cache-Control" not in response:
            response["Cache-Control"] = f"public, max-age={services.CACHE_SECONDS}"
        return response

    def table(self, kind: str) -> list[dict[str, Any]]:
        first = self.first
        if first is None:
            return []
        rows = services.served(first, kind)
        return rows or []


def _shade(count: int | None) -> str:
    if count is None:
        return "withheld"
    for floor, name in COUNT_CLASSES:
        if count >= floor:
            return name
    return "c0"


def _totals(
    rows: list[dict[str, Any]], level: str, parent: str | None = None
) -> list[dict[str, Any]]:
    return [
        r
        for r in rows
        if r["level"] == level
        and r["category"] is None
        and (parent is None or r["parent"] == parent)
    ]


def _categories(rows: list[dict[str, Any]], key: str, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "name": labels.category_name(r["category"], lang),
            "count": r["count"],
            "code": r["category"],
        }
        for r in rows
        if r["key"] == key
    ]


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    page = Page(request)
    rows = page.table(Kind.COUNTS)
    counties = _totals(rows, "county")
    by_code = {r["area_code"]: r["count"] for r in counties}
    shapes = [
        {
            "code": shape.code,
            "name": shape.name,
            "path": shape.path,
            "count": by_code.get(shape.code, 0),
            "shade": _shade(by_code.get(shape.code, 0)),
            "published": shape.code in by_code,
        }
        for shape in svgmap.county_shapes()
    ]
    national = [r for r in rows if r["level"] == "national"]
    return page.render(
        "public/overview.html",
        {
            "counties": counties,
            "national": _categories(national, national[0]["key"], page.lang) if national else [],
            "shapes": shapes,
            "map_width": svgmap.WIDTH,
            "map_height": svgmap.HEIGHT,
        },
    )


@require_GET
def area(request: HttpRequest, level: str, code: str) -> HttpResponse:
    page = Page(request)
    key = f"{level}:{code}"
    place = areas().get(key)
    if level not in LEVELS or place is None:
        raise Http404("no such area")
    rows = page.table(Kind.COUNTS)
    trail: list[Any] = []
    up = place.parent
    while up is not None and areas()[up].level != "national":
        trail.insert(0, areas()[up])
        up = areas()[up].parent
    child_level = labels.CHILD_LEVEL.get(level)
    return page.render(
        "public/area.html",
        {
            "place": place,
            "level_name": labels.LEVELS[level],
            "child_level_name": labels.LEVELS[child_level] if child_level else "",
            "trail": trail,
            "categories": _categories(rows, key, page.lang),
            "children": _totals(rows, child_level, key) if child_level else [],
        },
    )


def _by_group(
    request: HttpRequest, kind: str, names: Mapping[Any, Any], template: str
) -> HttpResponse:
    """A published table whose rows are groups, each named by its label (its code if none)."""
    page = Page(request)
    rows = [{**r, "name": names.get(r["group"], r["group"])} for r in page.table(kind)]
    return page.render(template, {"rows": rows})


@require_GET
def response_times(request: HttpRequest) -> HttpResponse:
    return _by_group(request, Kind.RESPONSE, labels.RESPONSE_GROUPS, "public/response.html")


@require_GET
def complaints(request: HttpRequest) -> HttpResponse:
    return _by_group(request, Kind.COMPLAINTS, labels.COMPLAINT_GROUPS, "public/complaints.html")


@require_GET
def courts(request: HttpRequest) -> HttpResponse:
    page = Page(request)
    rows = []
    for r in page.table(Kind.JUSTICE):
        value = r["value"]
        if value is not None and r["measure"] in labels.RATES:
            value = f"{value * 100:.0f} %"
        rows.append(
            {"name": labels.JUSTICE_MEASURES.get(r["measure"], r["measure"]), "value": value}
        )
    return page.render("public/courts.html", {"rows": rows})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    page = Page(request)
    return page.render("public/privacy.html", {})


@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    page = Page(request)
    links = [
        {
            "level": labels.LEVELS[level],
            "csv": page.query(level=level),
            "geojson": page.query(level=level),
        }
        for level in LEVELS
    ]
    return page.render("public/downloads.html", {"links": links})


def _download_rows(request: HttpRequest) -> tuple[str, str, list[dict[str, Any]]]:
    level = request.GET.get("level", "")
    month = request.GET.get("month", "")
    try:
        rows = services.statistics_rows(level, month, None)
    except InvalidInput as error:
        raise _BadDownload(error.message) from None
    return level, month, rows


class _BadDownload(Exception):
    pass


def _bad(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


@require_GET
def download_csv(request: HttpRequest) -> HttpResponse:
    try:
        level, month, rows = _download_rows(request)
    except _BadDownload as error:
        return _bad(str(error))
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer, lineterminator="\n")
    columns = ("area_code", "area_name", "level", "month", "category", "count")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="usalama-{month}-{level}.csv"'
    return response


@require_GET
def download_geojson(request: HttpRequest) -> HttpResponse:
    try:
        level, month, rows = _download_rows(request)
    except _BadDownload as error:
        return _bad(str(error))
    geometry: dict[str, Any] = {}
    if level == "county":
        for feature in svgmap.boundaries()["features"]:
            geometry[str(feature["properties"]["county_code"])] = feature["geometry"]
    features: dict[str, dict[str, Any]] = {}
    for row in rows:
        feature = features.setdefault(
            row["area_code"],
            {
                "type": "Feature",
                "geometry": geometry.get(row["area_code"]),
                "properties": {
                    "area_code": row["area_code"],
                    "area_name": row["area_name"],
                    "level": row["level"],
                    "month": row["month"],
                    "count": None,
                    "by_category": {},
                },
            },
        )
        if row["category"] is None:
            feature["properties"]["count"] = row["count"]
        else:
            feature["properties"]["by_category"][row["category"]] = row["count"]
    body = {"type": "FeatureCollection", "features": list(features.values())}
    response = HttpResponse(json.dumps(body), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="usalama-{month}-{level}.geojson"'
    return response
