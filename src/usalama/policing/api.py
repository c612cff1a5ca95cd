"""API: incident collections and response-time figures, always through the services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from usalama.policing import services
from usalama.policing.response import parse_standards

router = Router(tags=["policing"])
# Repeatable ``standard=P1=15`` query parameter (a module-level default keeps ruff's B008 calm).
_STANDARD_PARAM = Query(None, max_length=20)


class IncidentCollectionOut(Schema):
    key: str
    label: str
    agency: str
    incidents: int
    first_received: datetime | None
    last_received: datetime | None


class IntervalOut(Schema):
    interval: str
    calls: int
    measured: int
    median: float | None
    p90: float | None


class StandardOut(Schema):
    priority: str
    standard_minutes: float
    calls: int
    measured: int
    met: int
    share: float | None


class ResponseTimesOut(Schema):
    collection: str
    calls: int
    available: list[str]
    intervals: list[IntervalOut]
    by: dict[str, list[dict[str, Any]]]
    standards: list[StandardOut]


@router.get("/policing/collections", response=list[IncidentCollectionOut])
def collections(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": row.collection.key,
            "label": row.collection.label,
            "agency": row.collection.agency.code,
            "incidents": row.incidents,
            "first_received": row.first,
            "last_received": row.last,
        }
        for row in services.incident_collections(request.user)
    ]


@router.get("/policing/response-times", response=ResponseTimesOut)
def response_times(
    request: HttpRequest,
    collection: str = Query(..., min_length=1, max_length=100),
    standard: list[str] | None = _STANDARD_PARAM,
) -> dict[str, Any]:
    """Median and 90th percentile by interval and group; ``standard=P1=15`` repeatable."""
    standards = parse_standards(standard or [])
    view = services.response_times(request.user, collection, standards=standards)
    report = view.report
    return {
        "collection": view.collection.key,
        "calls": report.calls,
        "available": report.available,
        "intervals": list(report.overall.iter_rows(named=True)),
        "by": {dim: list(table.iter_rows(named=True)) for dim, table in report.by.items()},
        "standards": list(report.standards.iter_rows(named=True)),
    }
