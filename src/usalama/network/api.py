"""API: network expansion, paths, key players and communities over the visible records.

Every call goes through ``network.services`` (access gate + audit); a node the caller may
not see answers 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.params.functions import Query

from usalama.network import services

router = Router(tags=["graph"])


@router.get("/graph/expand")
def expand(
    request: HttpRequest,
    node: list[str] = Query(...),  # noqa: B008 - ninja's way to declare a repeated parameter
    hops: int = Query(1, ge=0, le=services.MAX_HOPS),
    types: str | None = Query(None, max_length=500, description="comma-separated relations"),
    since: str | None = Query(None, max_length=32),
    until: str | None = Query(None, max_length=32),
    min_weight: float | None = Query(None, ge=0),
    provenance: bool = Query(False, description="resolve each edge's statements"),
) -> Any:
    query = services.ExpandQuery(
        nodes=node,
        hops=hops,
        types=[t.strip() for t in types.split(",") if t.strip()] if types else None,
        since=since,
        until=until,
        min_weight=min_weight,
        with_provenance=provenance,
    )
    return services.expand(request.user, query)


@router.get("/graph/path")
def path(
    request: HttpRequest,
    from_: str = Query(..., alias="from", min_length=1, max_length=200),
    to: str = Query(..., min_length=1, max_length=200),
    all: bool = Query(False),
    max_length: int = Query(4, ge=1, le=services.MAX_PATH_LENGTH),
    types: str | None = Query(None, max_length=500),
) -> Any:
    relations = [t.strip() for t in types.split(",") if t.strip()] if types else None
    return services.find_path(
        request.user, from_, to, all_paths=all, max_length=max_length, types=relations
    )


@router.get("/graph/rank")
def rank(
    request: HttpRequest,
    measure: str = Query("degree", max_length=32),
    top: int = Query(20, ge=1, le=10_000),
) -> Any:
    return {"measure": measure, "results": services.rank(request.user, measure, top)}


@router.get("/graph/communities")
def communities(request: HttpRequest) -> Any:
    return services.communities(request.user)
