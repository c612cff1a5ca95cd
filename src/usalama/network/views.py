"""The link chart page and the session-authenticated JSON it fetches.

The ninja API takes bearer tokens only; the chart runs in a logged-in browser session, so
these small JSON views call the same services (same gate, same audit events).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from usalama.analysis.graph import MEASURES
from usalama.core.errors import InvalidInput, UsalamaError
from usalama.network import building, services
from usalama.records.indexing import schema_label
from usalama.web.templatetags.labels import LABELS

View = Callable[..., HttpResponse]


def _json_errors(view: View) -> View:
    """Domain errors as ``{"code", "message"}`` with their HTTP status, like the API."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except UsalamaError as error:
            return JsonResponse(
                {"code": error.code, "message": error.message}, status=error.http_status
            )

    return wrapper


def _int(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number") from None


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise InvalidInput("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("the request body must be a JSON object")
    return data


def relation_label(code: str) -> str:
    """A link type as people read it: a shared identifier's label, or the relationship
    schema's own label (FollowTheMoney's "UnknownLink" is "Other link"), translated."""
    return str(LABELS[code]) if code in LABELS else schema_label(code)


@login_required
@require_GET
def chart(request: HttpRequest) -> HttpResponse:
    codes = {*building.edge_endpoints(), *building.IDENTIFIER_RELATIONS.values()}
    relations = sorted(((code, relation_label(code)) for code in codes), key=lambda r: r[1].lower())
    return render(
        request,
        "network/chart.html",
        {
            "start_node": request.GET.get("node", "")[:200],
            "start_chart": request.GET.get("chart", "")[:20],
            "measures": MEASURES,
            "relations": relations,
            "relation_labels": dict(relations),
        },
    )


@login_required
@require_GET
@_json_errors
def api_expand(request: HttpRequest) -> HttpResponse:
    weight = request.GET.get("min_weight")
    try:
        min_weight = float(weight) if weight else None
    except ValueError:
        raise InvalidInput("min_weight must be a number") from None
    types = request.GET.get("types", "")
    query = services.ExpandQuery(
        nodes=request.GET.getlist("node"),
        hops=_int(request, "hops", 1),
        types=[t for t in types.split(",") if t] or None,
        since=request.GET.get("since") or None,
        until=request.GET.get("until") or None,
        min_weight=min_weight,
    )
    return JsonResponse(services.expand(request.user, query))


@login_required
@require_GET
@_json_errors
def api_path(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        services.find_path(
            request.user,
            request.GET.get("from", ""),
            request.GET.get("to", ""),
            all_paths=request.GET.get("all") in {"1", "true"},
            max_length=_int(request, "max_length", 4),
        )
    )


@login_required
@require_GET
@_json_errors
def api_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if not query:
        return JsonResponse({"results": []})
    return JsonResponse({"results": services.search(request.user, query, limit=15)})


@login_required
@require_GET
@_json_errors
def api_node(request: HttpRequest, node: str) -> HttpResponse:
    info = services.node_detail(request.user, node)
    info["schema_label"] = schema_label(info["schema"])  # "Mtu", not "Person", in Swahili
    return JsonResponse(info)


@login_required
@require_POST
@_json_errors
def api_provenance(request: HttpRequest) -> HttpResponse:
    ids = _body(request).get("statements", [])
    if not isinstance(ids, list):
        raise InvalidInput("statements must be a list")
    return JsonResponse(
        {"provenance": services.edge_provenance(request.user, [str(i) for i in ids])}
    )


@login_required
@require_POST
@_json_errors
def api_scores(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    nodes = [str(n) for n in body.get("nodes", [])][:20_000]
    return JsonResponse(
        services.scores_for(request.user, nodes, str(body.get("measure", "degree")))
    )


@login_required
@require_POST
@_json_errors
def api_subgraph(request: HttpRequest) -> HttpResponse:
    nodes = [str(n) for n in _body(request).get("nodes", [])]
    return JsonResponse(services.subgraph(request.user, nodes))


@login_required
@require_POST
@_json_errors
def api_export(request: HttpRequest, fmt: str) -> HttpResponse:
    nodes = [str(n) for n in _body(request).get("nodes", [])][:20_000]
    content, content_type, filename = services.export(request.user, fmt, nodes)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@_json_errors
def api_charts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        body = _body(request)
        layout = body.get("layout")
        if not isinstance(layout, dict):
            raise InvalidInput("layout must be an object")
        saved = services.save_chart(request.user, str(body.get("name", "")), layout)
        return JsonResponse({"id": saved.pk, "name": saved.name}, status=201)
    return JsonResponse(
        {
            "charts": [
                {
                    "id": c.pk,
                    "name": c.name,
                    "owner": c.owner.get_username(),
                    "created_at": c.created_at.isoformat(),
                }
                for c in services.list_charts(request.user)
            ]
        }
    )


@login_required
@require_GET
@_json_errors
def api_chart(request: HttpRequest, chart_id: int) -> HttpResponse:
    saved = services.get_chart(request.user, chart_id)
    return JsonResponse(services.chart_payload(request.user, saved))
