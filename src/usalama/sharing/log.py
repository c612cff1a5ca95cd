"""Writing the dissemination log: the originator's record of what left it and who read it."""

from __future__ import annotations

from typing import Any

from usalama.records.models import Collection, active_grants
from usalama.sharing.models import DisseminationEvent, DisseminationKind


def log_event(
    kind: str,
    *,
    originator_id: int,
    actor: str,
    recipient_id: int | None = None,
    collection: Collection | None = None,
    grant_id: int | None = None,
    request_id: int | None = None,
    entity_id: str = "",
    note: str = "",
) -> DisseminationEvent:
    return DisseminationEvent.objects.create(
        kind=kind,
        originator_id=originator_id,
        recipient_id=recipient_id,
        collection=collection,
        grant_id=grant_id,
        request_id=request_id,
        actor=actor,
        entity_id=entity_id[:200],
        note=note[:500],
    )


def log_read_under_grant(
    sender: Any, *, user: Any, entity_id: str, collection_ids: list[int], **_: Any
) -> None:
    """Receiver of ``records.signals.entity_read``: a read of another agency's statements."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return
    foreign = Collection.objects.filter(id__in=collection_ids).exclude(agency_id=agency_id)
    grants = {
        g.collection_id: g.pk
        for g in active_grants().filter(agency_id=agency_id, collection_id__in=collection_ids)
    }
    for collection in foreign:
        log_event(
            DisseminationKind.READ,
            originator_id=collection.agency_id,
            recipient_id=agency_id,
            collection=collection,
            grant_id=grants.get(collection.pk),
            actor=user.get_username(),
            entity_id=entity_id,
        )
