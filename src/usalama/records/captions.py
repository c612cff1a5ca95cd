"""Captions of referenced entities, so pages show "Kamau Holdings Ltd", not an entity id.

Only records the user may see are looked up: an id whose entity lives in a collection the
user may not see gets no caption (the page then shows the bare id, which the referring
statement already holds, and no link that would answer 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from usalama.records.models import EntityRecord


def captions_of(user: Any, entity_ids: Iterable[str]) -> dict[str, str]:
    """Entity id → caption of its visible record (first by collection), for known ids."""
    ids = sorted({i for i in entity_ids if i and len(i) <= 200})
    found: dict[str, str] = {}
    for start in range(0, len(ids), 1000):
        rows = (
            EntityRecord.objects.visible_to(user)
            .filter(entity_id__in=ids[start : start + 1000])
            .order_by("collection_id")
            .values_list("entity_id", "caption")
        )
        for entity_id, caption in rows:
            found.setdefault(entity_id, caption)
    return found
