"""``/api/v1/public/statistics`` and ``/api/v1/public/months``: no login, no pagination, only
stored tables that passed disclosure control; rate-limited per client and cacheable."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.throttling import AnonRateThrottle

from usalama.public import services

RATE = "120/m"
router = Router(tags=["public portal"], auth=None, throttle=[AnonRateThrottle(RATE)])


class PublicStatistic(Schema):
    area_code: str
    area_name: str
    level: str
    month: str
    category: str | None
    count: int | None


class PublicStatisticsQuery(Schema):
    level: str
    month: str
    category: str | None = None


def _cacheable(response: HttpResponse) -> None:
    response["Cache-Control"] = f"public, max-age={services.CACHE_SECONDS}"


@router.get("/public/statistics", response=list[PublicStatistic])
def statistics(
    request: HttpRequest, response: HttpResponse, params: Query[PublicStatisticsQuery]
) -> list[dict[str, object]]:
    """Counts of citizen reports by area (county, subcounty or ward) and category for a
    published month; ``count`` is null where it is withheld (see /public/privacy/)."""
    rows = services.statistics_rows(params.level, params.month, params.category)
    _cacheable(response)
    return list(rows)


@router.get("/public/months", response=list[str])
def months(request: HttpRequest, response: HttpResponse) -> list[str]:
    """The months published (every table checked and stored), newest first."""
    _cacheable(response)
    return services.months()
