"""Canonical ids: which records describe one real-world entity.

Entity resolution (the ``resolve`` app) decides; this module is the one place that writes
``canonical_id`` on statements and entity records, so every domain app that builds on
canonical ids (network nodes, money holders) learns of a change the same way without
importing ``resolve``:

* ``canonical_ids_changed`` (a Django signal) is sent inside the writing transaction with
  ``changes``: ``{entity_id: (previous canonical id, new canonical id)}`` — receivers in
  the same process update what they derived (money re-reads account holders);
* ``canonical_version()`` changes with every write, also when the write happened in another
  process (a background worker): in-process caches (the network) put it in their key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import django.dispatch
from django.db.models import Max

from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor, record
from usalama.records.models import EntityRecord, Statement

CANONICAL_ACTION = "records.canonical.change"

canonical_ids_changed = django.dispatch.Signal()


def canonical_ids_of(entity_ids: Iterable[str]) -> dict[str, str]:
    """Current canonical id of each entity id that has a record (itself when unresolved)."""
    ids = list(set(entity_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), 2000):
        rows = EntityRecord.objects.filter(entity_id__in=ids[start : start + 2000]).values_list(
            "entity_id", "canonical_id"
        )
        for entity_id, canonical_id in rows:
            found[entity_id] = canonical_id or entity_id
    return found


def set_canonical_ids(
    members: dict[str, int], canonical: dict[str, str], actor: Actor, *, reason: str
) -> dict[str, tuple[str, str]]:
    """Give each entity (``entity_id → collection_id``) its new canonical id (audited).

    Returns the changes, ``{entity_id: (previous, new)}``, as sent with the signal.
    """
    previous = canonical_ids_of(members)
    changes = {
        entity_id: (previous.get(entity_id, entity_id), canonical[entity_id])
        for entity_id in members
        if previous.get(entity_id, entity_id) != canonical[entity_id]
    }
    by_collection: dict[tuple[int, str], list[str]] = defaultdict(list)
    for entity_id, collection_id in members.items():
        if entity_id in changes:
            by_collection[(collection_id, canonical[entity_id])].append(entity_id)
    for (collection_id, value), ids in by_collection.items():
        Statement.objects.filter(collection_id=collection_id, entity_id__in=ids).update(
            canonical_id=value
        )
        EntityRecord.objects.filter(collection_id=collection_id, entity_id__in=ids).update(
            canonical_id=value
        )
    if changes:
        record(
            actor,
            CANONICAL_ACTION,
            object_type="entity",
            object_id=sorted(changes)[0],
            details={
                "reason": reason,
                "changes": {k: list(v) for k, v in sorted(changes.items())[:200]},
                "count": len(changes),
            },
        )
        canonical_ids_changed.send(sender=set_canonical_ids, changes=changes)
    return changes


def canonical_version() -> Any:
    """Changes whenever any canonical id is written (the latest such audit event)."""
    return AuditEvent.objects.filter(action=CANONICAL_ACTION).aggregate(latest=Max("id"))["latest"]
