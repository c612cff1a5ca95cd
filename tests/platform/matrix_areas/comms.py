"""Matrix rows for communications analysis (``comms/``).

The analysis page reads one collection's call records: DCI's collection is own for DCI,
granted (read-only) for ODPP and foreign for FRC, which gets 404. Loading cell sites writes
into a collection, so only the owning agency may (ODPP's grant answers 403, FRC 404; both
audited); the multipart body names the collection the way the form does.
"""

from __future__ import annotations

from typing import Any

from tests.platform.matrix_support import READ, SIGNED_IN, WRITE, AreaContext, Rule

RULES: dict[str, Rule] = {
    "web GET comms/": Rule(SIGNED_IN),
    "web POST comms/cells": Rule(WRITE, multipart=True),
    "web GET comms/<int:collection_id>/": Rule(READ),
}
POST_ONLY_VIEWS = {"comms/cells"}
GET_AND_POST_VIEWS: set[str] = set()


def build(context: AreaContext) -> dict[str, str]:
    return {}


def fingerprint() -> list[Any]:
    from usalama.comms.models import CellSite

    return [list(CellSite.objects.order_by("id").values_list("id", "collection_id", "cell"))]
