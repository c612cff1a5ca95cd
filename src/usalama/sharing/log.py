"""Writing the dissemination log: the originator's record of what left it and who read it."""

from __future__ import annotations

from typing import Any

from usalama.records.models import Collection, GrantedEntity, active_grants, open_entity_grant_ids
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
    entity_grant_id: int | None = None,
    subject: str = "",
    entity_id: str = "",
    note: str = "",
) -> DisseminationEvent:
    return DisseminationEvent.objects.create(
        kind=kind,
        entity_grant_id=entity_grant_id,
        subject=subject[:300],
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
    # Collections read only through an entity-selection grant: name that grant.
    by_entity = dict(
        GrantedEntity.objects.filter(
            grant_id__in=open_entity_grant_ids(user),
            entity_id=entity_id,
            collection_id__in=collection_ids,
        ).values_list("collection_id", "grant_id")
    )
    for collection in foreign:
        log_event(
            DisseminationKind.READ,
            originator_id=collection.agency_id,
            recipient_id=agency_id,
            collection=collection,
            grant_id=grants.get(collection.pk),
            entity_grant_id=None if collection.pk in grants else by_entity.get(collection.pk),
            actor=user.get_username(),
            entity_id=entity_id,
        )


def log_disseminated(
    sender: Any,
    *,
    kind: str,
    originator_id: int,
    recipient_id: int | None,
    actor: str,
    note: str = "",
    subject: str = "",
    **_: Any,
) -> None:
    """Receiver of ``records.signals.disseminated``: a case granted, revoked or read by
    another agency (the cases app sends it; see ``records.shareables``)."""
    log_event(
        kind,
        originator_id=originator_id,
        recipient_id=recipient_id,
        actor=actor,
        note=note,
        subject=subject,
    )
