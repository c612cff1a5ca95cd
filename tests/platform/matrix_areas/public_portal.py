"""Matrix rows for the public portal (``public/``, ``/api/v1/public/statistics`` and
``/api/v1/public/months``).

Everything here is PUBLIC: aggregated, disclosure-checked monthly tables that name no agency's
object, read by anyone with no login. ``build`` files a few citizen reports in a past month and
publishes it, so the rows answer 200 with real rows rather than "not published". Nothing
here writes; the fingerprint is the stored tables (a refused request elsewhere must not change
them).
"""

from __future__ import annotations

from typing import Any

from tests.platform.matrix_support import PUBLIC, AreaContext, Rule

_MONTH = {"month": "{public_month}"}
_AREA = {"level": "public_level", "code": "public_area_code"}

RULES: dict[str, Rule] = {
    "GET /api/v1/public/statistics": Rule(
        PUBLIC, query={"level": "county", "month": "{public_month}"}
    ),
    "GET /api/v1/public/months": Rule(PUBLIC),
    "web GET public/": Rule(PUBLIC, query=_MONTH),
    "web GET public/area/<str:level>/<str:code>/": Rule(PUBLIC, query=_MONTH, rename=_AREA),
    "web GET public/response-times/": Rule(PUBLIC, query=_MONTH),
    "web GET public/complaints/": Rule(PUBLIC, query=_MONTH),
    "web GET public/courts/": Rule(PUBLIC, query=_MONTH),
    "web GET public/privacy/": Rule(PUBLIC),
    "web GET public/downloads/": Rule(PUBLIC, query=_MONTH),
    "web GET public/downloads/statistics.csv": Rule(
        PUBLIC, query={"level": "ward", "month": "{public_month}"}
    ),
    "web GET public/downloads/statistics.geojson": Rule(
        PUBLIC, query={"level": "county", "month": "{public_month}"}
    ),
}

POST_ONLY_VIEWS: set[str] = set()
GET_AND_POST_VIEWS: set[str] = set()


def build(context: AreaContext) -> dict[str, str]:
    from tests.platform.public_helpers import publish_reports

    month = publish_reports([("Nairobi", "Westlands", "Kitisuru", "robbery", 6)])
    return {"public_month": month, "public_level": "county", "public_area_code": "47"}


def fingerprint() -> list[Any]:
    from usalama.public.models import PublishedTable

    return [
        list(row)
        for row in PublishedTable.objects.order_by("month", "kind").values_list(
            "month", "kind", "digest"
        )
    ]
