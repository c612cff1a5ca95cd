"""Use cases of sharing inside one installation: grants, requests for information, the
dissemination log, H3 acknowledgements, H1 evidence permissions and notifications.

The only code that writes these rows. Every write checks that the caller's agency owns what
it shares (a grant is read-only: a recipient can never pass material on), and every refusal
is audited under the acting user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from usalama.accounts.models import Agency, AgencyKind, User
from usalama.accounts.roles import Role
from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.core.text import clean_text
from usalama.records import shareables
from usalama.records.models import (
    Collection,
    CollectionGrant,
    EntityGrant,
    EntityGrantAcknowledgement,
    EntityRecord,
    GrantAcknowledgement,
    GrantedEntity,
    Statement,
    active_entity_grants,
    active_grants,
)
from usalama.records.search import matching_record_ids
from usalama.sharing.log import log_event
from usalama.sharing.models import (
    DisseminationEvent,
    DisseminationKind,
    EvidencePermission,
    InformationRequest,
    Notification,
    RequestStatus,
)

SHARING_ROLES = (Role.SUPERVISOR, Role.COMMANDER)
MAX_SELECTION = 500
DEFAULT_DUE = timedelta(days=7)
MAX_TEXT = 2000
# Notices, translated when read (``Notification.text``)
SHARED_NOTICE = gettext_noop("%(agency)s shared %(subject)s with your agency")
REQUEST_NOTICE = gettext_noop("%(agency)s asks for information: %(subject)s")
DECISION_NOTICES = {
    RequestStatus.APPROVED: gettext_noop("%(agency)s approved your request: %(subject)s"),
    RequestStatus.NARROWED: gettext_noop("%(agency)s approved part of your request: %(subject)s"),
    RequestStatus.REFUSED: gettext_noop("%(agency)s refused your request: %(subject)s"),
}
G = TypeVar("G", CollectionGrant, EntityGrant)


def _agency_of(user: Any) -> int:
    """The user's agency id, or 0 (matches nothing) for a user without one."""
    return int(getattr(user, "agency_id", None) or 0)


def may_share(user: Any) -> bool:
    """Supervisors and commanders decide what their agency shares."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.sees_records
        and user.has_role(*SHARING_ROLES)
    )


def may_request(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.sees_records)


def _text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    cleaned = clean_text(value or "").strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} is required")
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters")
    return cleaned


def _future(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value <= timezone.now():
        raise InvalidInput(f"{field} must be in the future")
    return value


def _refuse(user: Any, action: str, error: Exception, **details: Any) -> None:
    record(user, f"{action}.refused", details={"reason": str(error)[:300], **details})


def _found(
    user: Any, found: G | None, allowed: bool, what: str, action: str, /, **target: Any
) -> G:
    """The grant, or NotFound (audited as a refusal of ``action``) when there is none the
    caller's agency may act on or the caller's role may not."""
    if found is None or not allowed:
        error = NotFound(f"{what} not found")
        _refuse(user, action, error, **target)
        raise error
    return found


def _revoke(user: Any, grant: G, event: dict[str, Any], action: str, **audit: Any) -> G:
    """Revocation takes effect at once (the read gate checks ``revoked_at`` on every read);
    logged for the originator (``event``) and audited once; revoking again changes nothing."""
    if grant.revoked_at is not None:
        return grant
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        log_event(DisseminationKind.REVOKED, actor=user.get_username(), **event)
        record(user, action, **audit)
    return grant


def _acknowledge(
    user: Any, grant: G, acknowledgements: Any, event: dict[str, Any], object_type: str
) -> None:
    """The user has read the originator's conditions: stored, logged and audited once."""
    _ack, created = acknowledgements.objects.get_or_create(grant=grant, user=user)
    if created:
        log_event(DisseminationKind.ACKNOWLEDGED, actor=user.get_username(), **event)
        record(user, "sharing.acknowledge", object_type=object_type, object_id=grant.pk)


# --- grants -----------------------------------------------------------------------------------


def owned_collection(user: Any, collection_id: int, action: str) -> Collection:
    """The collection if the caller's agency owns it. Another agency's collection the caller
    sees under a grant is refused naming the originator (H2: ask them); one it does not see
    at all is NotFound. Refusals are audited."""
    collection = Collection.objects.select_related("agency").filter(id=collection_id).first()
    seen = Collection.objects.visible_to(user).filter(id=collection_id).exists()
    if collection is None or not seen:
        error: Exception = NotFound(f"collection {collection_id} not found")
    elif collection.agency_id != user.agency_id:
        error = PermissionDenied(
            f"{collection.label} belongs to {collection.agency.code} and is handled "
            f"{collection.handling}: only {collection.agency.code} may pass it on; ask them"
        )
        log_event(
            DisseminationKind.REFUSED_ONWARD,
            originator_id=collection.agency_id,
            recipient_id=user.agency_id,
            collection=collection,
            actor=user.get_username(),
            note=action,
        )
    else:
        return collection
    _refuse(user, action, error, collection=collection_id)
    raise error


def grant_collection(
    user: Any,
    *,
    collection_id: int,
    agency_code: str,
    purpose: str,
    conditions: str = "",
    expires_at: datetime | None = None,
    request: InformationRequest | None = None,
) -> CollectionGrant:
    """Let another agency read one of ours, for a purpose, until an expiry, under conditions."""
    if not may_share(user):
        error = PermissionDenied("only a supervisor or commander may share")
        _refuse(user, "sharing.grant", error, collection=collection_id)
        raise error
    collection = owned_collection(user, collection_id, "sharing.grant")
    purpose = _text(purpose, "purpose")
    conditions = _text(conditions, "conditions", required=False)
    _future(expires_at, "expiry")
    recipient = Agency.objects.filter(code=agency_code).first()
    if recipient is None:
        raise InvalidInput(f"no agency with code {agency_code!r}")
    if recipient.pk == user.agency_id:
        raise InvalidInput("an agency does not need a grant for its own collection")
    with transaction.atomic():
        grant, _created = CollectionGrant.objects.update_or_create(
            collection=collection,
            agency=recipient,
            defaults={
                "granted_by": user.get_username(),
                "granted_by_user": user,
                "granted_at": timezone.now(),
                "purpose": purpose,
                "conditions": conditions,
                "expires_at": expires_at,
                "revoked_at": None,
            },
        )
        # New terms: every user acknowledges them again at first access.
        GrantAcknowledgement.objects.filter(grant=grant).delete()
        log_event(
            DisseminationKind.GRANTED,
            originator_id=collection.agency_id,
            recipient_id=recipient.pk,
            collection=collection,
            grant_id=grant.pk,
            request_id=request.pk if request else None,
            actor=user.get_username(),
            note=purpose,
        )
        record(
            user,
            "sharing.grant",
            object_type="collection",
            object_id=collection.pk,
            details={
                "grant": grant.pk,
                "to": recipient.code,
                "expires_at": expires_at.isoformat() if expires_at else "",
                "handling": collection.handling,
            },
        )
        for recipient_user in _data_users(recipient):
            notify(
                recipient_user,
                SHARED_NOTICE,
                reverse("sharing:index"),
                agency=collection.agency.code,
                subject=collection.label,
            )
    return grant


def revoke_grant(user: Any, grant_id: int) -> CollectionGrant:
    """Revocation takes effect at once (the read gate checks ``revoked_at`` on every read)."""
    grant = (
        CollectionGrant.objects.select_related("collection", "agency")
        .filter(id=grant_id, collection__agency_id=_agency_of(user))
        .first()
    )
    grant = _found(
        user, grant, may_share(user), f"grant {grant_id}", "sharing.revoke", grant=grant_id
    )
    return _revoke(
        user,
        grant,
        _grant_event(grant),
        "sharing.revoke",
        object_type="collection",
        object_id=grant.collection_id,
        details={"grant": grant.pk, "to": grant.agency.code},
    )


def _grant_event(grant: CollectionGrant) -> dict[str, Any]:
    return {
        "originator_id": grant.collection.agency_id,
        "recipient_id": grant.agency_id,
        "collection": grant.collection,
        "grant_id": grant.pk,
    }


def grants_given(user: Any) -> list[CollectionGrant]:
    if not may_request(user):
        return []
    return list(
        CollectionGrant.objects.filter(collection__agency_id=user.agency_id)
        .select_related("collection", "agency")
        .order_by("-granted_at")
    )


@dataclass(frozen=True)
class ReceivedGrant:
    grant: CollectionGrant
    active: bool
    needs_acknowledgement: bool


def grants_received(user: Any) -> list[ReceivedGrant]:
    if not may_request(user):
        return []
    acknowledged = set(
        GrantAcknowledgement.objects.filter(user_id=user.pk).values_list("grant_id", flat=True)
    )
    now = timezone.now()
    rows = (
        CollectionGrant.objects.filter(agency_id=user.agency_id)
        .select_related("collection__agency")
        .order_by("-granted_at")
    )
    return [
        ReceivedGrant(
            grant=g,
            active=g.is_active(now),
            needs_acknowledgement=g.is_active(now)
            and g.collection.handling == "H3"
            and g.pk not in acknowledged,
        )
        for g in rows
    ]


def acknowledge(user: Any, grant_id: int) -> None:
    """H3: the user has read the originator's conditions; the collection opens for them."""
    grant = (
        active_grants()
        .select_related("collection")
        .filter(id=grant_id, agency_id=_agency_of(user))
        .first()
    )
    grant = _found(
        user, grant, may_request(user), f"grant {grant_id}", "sharing.acknowledge", grant=grant_id
    )
    _acknowledge(user, grant, GrantAcknowledgement, _grant_event(grant), "grant")


# --- entity-selection grants ------------------------------------------------------------------


def _entity_ids(values: list[str]) -> list[str]:
    ids = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if not ids:
        raise InvalidInput("choose at least one entity to share")
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(f"share at most {MAX_SELECTION} entities at once")
    too_long = [i for i in ids if len(i) > 200]
    if too_long:
        raise InvalidInput(f"not an entity id: {too_long[0][:40]!r}…")
    return ids


def _links_among(agency_id: int, ids: set[str]) -> set[str]:
    """Relationship entities of the agency (directorships, ownerships, calls...) whose every
    end is in the selection: shared with it, so the grantee sees how the entities connect."""
    candidates = set(
        Statement.objects.filter(
            collection__agency_id=agency_id, prop_type="entity", value__in=sorted(ids)
        )
        .exclude(entity_id__in=sorted(ids))
        .values_list("entity_id", flat=True)[:5_000]
    )
    if not candidates:
        return set()
    ends: dict[str, set[str]] = {}
    for entity_id, value in Statement.objects.filter(
        collection__agency_id=agency_id, prop_type="entity", entity_id__in=sorted(candidates)
    ).values_list("entity_id", "value"):
        ends.setdefault(entity_id, set()).add(value)
    return {entity_id for entity_id, values in ends.items() if values <= ids}


def grant_entities(
    user: Any,
    *,
    entity_ids: list[str],
    agency_code: str,
    purpose: str,
    conditions: str = "",
    expires_at: datetime | None = None,
    label: str = "",
    with_links: bool = True,
    request: InformationRequest | None = None,
) -> EntityGrant:
    """Let another agency read exactly these entities of ours (their statements in our
    collections, under each statement's handling code), and nothing else of the collections.

    Every entity must be one the caller's agency holds: one seen only under another agency's
    grant is refused naming that originator (a grant is read-only: no onward dissemination),
    one not seen at all is NotFound; nothing is written then. ``with_links`` adds our
    relationship entities that link only entities of the selection.
    """
    if not may_share(user):
        error: Exception = PermissionDenied("only a supervisor or commander may share")
        _refuse(user, "sharing.grant_entities", error)
        raise error
    ids = _entity_ids(entity_ids)
    purpose = _text(purpose, "purpose")
    conditions = _text(conditions, "conditions", required=False)
    label = _text(label, "label", required=False, limit=200)
    _future(expires_at, "expiry")
    own = EntityRecord.objects.filter(collection__agency_id=user.agency_id)
    held = set(own.filter(entity_id__in=ids).values_list("entity_id", flat=True))
    missing = [i for i in ids if i not in held]
    if missing:
        seen = (
            Statement.objects.visible_to(user)
            .filter(entity_id__in=missing)
            .values_list("entity_id", "collection__agency_id", "collection__agency__code")
            .first()
        )
        if seen is None:
            error = NotFound(f"entity {missing[0]} not found")
        else:
            error = PermissionDenied(
                f"entity {seen[0]} is held by {seen[2]}, not by your agency: only {seen[2]} "
                "may pass it on; ask them"
            )
            log_event(
                DisseminationKind.REFUSED_ONWARD,
                originator_id=seen[1],
                recipient_id=user.agency_id,
                actor=user.get_username(),
                entity_id=seen[0],
                note="sharing.grant_entities",
            )
        _refuse(user, "sharing.grant_entities", error, entities=len(ids))
        raise error
    recipient = Agency.objects.filter(code=agency_code).first()
    if recipient is None:
        raise InvalidInput(f"no agency with code {agency_code!r}")
    if recipient.pk == user.agency_id:
        raise InvalidInput("an agency does not need a grant for its own entities")
    chosen = set(ids) | (_links_among(user.agency_id, set(ids)) if with_links else set())
    rows = list(
        own.filter(entity_id__in=sorted(chosen)).values_list(
            "collection_id", "entity_id", "caption"
        )
    )
    restricted = (
        Statement.objects.filter(collection__agency_id=user.agency_id, entity_id__in=sorted(chosen))
        .filter(Q(handling="H3") | Q(handling="", collection__handling="H3"))
        .exists()
    )
    captions = [c for _cid, e, c in rows if e in set(ids)]
    if not label:
        shown = ", ".join(sorted(set(captions))[:3])
        more = "…" if len(set(captions)) > 3 else ""
        label = f"{len(ids)} entities: {shown}{more}"[:200]
    with transaction.atomic():
        grant = EntityGrant.objects.create(
            owner_id=user.agency_id,
            agency=recipient,
            label=label,
            granted_by=user.get_username(),
            granted_by_user=user,
            purpose=purpose,
            conditions=conditions,
            expires_at=expires_at,
            restricted=restricted,
        )
        GrantedEntity.objects.bulk_create(
            [
                GrantedEntity(grant=grant, collection_id=cid, entity_id=e, caption=c[:500])
                for cid, e, c in rows
            ]
        )
        log_event(
            DisseminationKind.GRANTED,
            originator_id=user.agency_id,
            recipient_id=recipient.pk,
            entity_grant_id=grant.pk,
            request_id=request.pk if request else None,
            subject=label,
            actor=user.get_username(),
            note=purpose,
        )
        record(
            user,
            "sharing.grant_entities",
            object_type="entity_grant",
            object_id=grant.pk,
            details={
                "to": recipient.code,
                "entities": len(ids),
                "with_links": len(chosen) - len(ids),
                "expires_at": expires_at.isoformat() if expires_at else "",
                "restricted": restricted,
            },
        )
        for recipient_user in _data_users(recipient):
            notify(
                recipient_user,
                SHARED_NOTICE,
                reverse("sharing:entity_grant", args=[grant.pk]),
                agency=user.agency.code,
                subject=label,
            )
    return grant


@dataclass(frozen=True)
class ShareableEntity:
    entity_id: str
    schema: str
    caption: str
    collections: list[str]


def shareable_entities(user: Any, query: str, picked: list[str]) -> list[ShareableEntity]:
    """The agency's own entities to pick from: those already picked (from a chart selection)
    and those matching the query. Only the agency's own records take part (it shares what it
    holds, never what it was shared). The search is audited."""
    if not may_share(user):
        return []
    own = EntityRecord.objects.filter(collection__agency_id=user.agency_id).select_related(
        "collection"
    )
    wanted = [p for p in dict.fromkeys(picked) if p and len(p) <= 200][:MAX_SELECTION]
    if query:
        query = _text(query, "query", limit=200)
        own_ids = list(
            Collection.objects.filter(agency_id=user.agency_id).values_list("id", flat=True)
        )
        found = own.filter(id__in=matching_record_ids(query, own_ids, 200))
        record(user, "sharing.entities.search", query=query, details={"results": found.count()})
        wanted += [r.entity_id for r in found]
    out: dict[str, ShareableEntity] = {}
    for rec in own.filter(entity_id__in=wanted):
        seen = out.get(rec.entity_id)
        labels = sorted({*(seen.collections if seen else []), rec.collection.label})
        out[rec.entity_id] = ShareableEntity(rec.entity_id, rec.schema, rec.caption, labels)
    order = {e: i for i, e in enumerate(dict.fromkeys(wanted))}
    return sorted(out.values(), key=lambda e: order.get(e.entity_id, 0))


def revoke_entity_grant(user: Any, grant_id: int) -> EntityGrant:
    """Revocation takes effect at once (the read gate checks it on every read)."""
    grant = EntityGrant.objects.filter(id=grant_id, owner_id=_agency_of(user)).first()
    grant = _found(
        user,
        grant,
        may_share(user),
        f"entity grant {grant_id}",
        "sharing.revoke_entities",
        grant=grant_id,
    )
    return _revoke(
        user,
        grant,
        _entity_grant_event(grant),
        "sharing.revoke_entities",
        object_type="entity_grant",
        object_id=grant.pk,
    )


def _entity_grant_event(grant: EntityGrant) -> dict[str, Any]:
    return {
        "originator_id": grant.owner_id,
        "recipient_id": grant.agency_id,
        "entity_grant_id": grant.pk,
        "subject": grant.label,
    }


@dataclass(frozen=True)
class EntityGrantView:
    grant: EntityGrant
    items: list[GrantedEntity]
    mine: bool
    active: bool
    needs_acknowledgement: bool


def get_entity_grant(user: Any, grant_id: int) -> EntityGrantView:
    """One entity grant as its originator or its recipient sees it (the list of entities,
    the terms); anyone else gets NotFound. Audited."""
    agency_id = _agency_of(user)
    grant = (
        EntityGrant.objects.select_related("owner", "agency")
        .filter(Q(owner_id=agency_id) | Q(agency_id=agency_id), id=grant_id)
        .first()
    )
    if grant is None or not may_request(user):
        raise NotFound(f"entity grant {grant_id} not found")
    mine = grant.owner_id == agency_id
    active = grant.is_active()
    if not mine and not active:
        # a revoked or expired grant no longer tells the recipient what it held
        raise NotFound(f"entity grant {grant_id} not found")
    acknowledged = EntityGrantAcknowledgement.objects.filter(grant=grant, user_id=user.pk).exists()
    record(user, "sharing.entity_grant.read", object_type="entity_grant", object_id=grant.pk)
    return EntityGrantView(
        grant=grant,
        items=list(grant.items.select_related("collection").order_by("caption", "entity_id")),
        mine=mine,
        active=active,
        needs_acknowledgement=not mine and active and grant.restricted and not acknowledged,
    )


def entity_grants_given(user: Any) -> list[EntityGrant]:
    if not may_request(user):
        return []
    return list(
        EntityGrant.objects.filter(owner_id=user.agency_id)
        .select_related("agency")
        .annotate(entity_count=models.Count("items"))[:200]
    )


@dataclass(frozen=True)
class ReceivedEntityGrant:
    grant: EntityGrant
    needs_acknowledgement: bool


def entity_grants_received(user: Any) -> list[ReceivedEntityGrant]:
    """Entity grants to the user's agency that are in force (a revoked one is gone)."""
    if not may_request(user):
        return []
    acknowledged = set(
        EntityGrantAcknowledgement.objects.filter(user_id=user.pk).values_list(
            "grant_id", flat=True
        )
    )
    rows = (
        active_entity_grants()
        .filter(agency_id=user.agency_id)
        .select_related("owner")
        .annotate(entity_count=models.Count("items"))[:200]
    )
    return [ReceivedEntityGrant(g, g.restricted and g.pk not in acknowledged) for g in rows]


def acknowledge_entity_grant(user: Any, grant_id: int) -> None:
    """H3 in the selection: the user has read the conditions; the entities open for them."""
    grant = active_entity_grants().filter(id=grant_id, agency_id=_agency_of(user)).first()
    grant = _found(
        user,
        grant,
        may_request(user),
        f"entity grant {grant_id}",
        "sharing.acknowledge",
        entity_grant=grant_id,
    )
    event = _entity_grant_event(grant)
    _acknowledge(user, grant, EntityGrantAcknowledgement, event, "entity_grant")


# --- case grants (the cases app's own shares, through records.shareables) -----------------------


def _cases() -> shareables.Shareable:
    shareable = shareables.get("case")
    if shareable is None:  # the cases app is part of every installation
        raise NotFound("cases are not installed")
    return shareable


def case_choices(user: Any) -> list[tuple[str, str]]:
    return _cases().choices(user) if may_share(user) else []


def grant_case(
    user: Any,
    *,
    reference: str,
    agency_code: str,
    purpose: str,
    conditions: str = "",
    expires_at: datetime | None = None,
) -> shareables.SharedItem:
    """Share one of our cases read-only: the case app's own share row (``CaseShare``) with
    the grant's purpose, conditions and expiry. Logged there to the dissemination log."""
    if not may_share(user):
        error = PermissionDenied("only a supervisor or commander may share")
        _refuse(user, "sharing.grant_case", error, case=reference[:100])
        raise error
    _future(expires_at, "expiry")
    if not Agency.objects.filter(code=agency_code).exists():
        raise InvalidInput(f"no agency with code {agency_code!r}")
    return _cases().grant(
        user,
        reference.strip(),
        agency_code=agency_code,
        purpose=purpose,
        conditions=conditions,
        expires_at=expires_at,
    )


def revoke_case_grant(user: Any, share_id: int) -> shareables.SharedItem:
    return _cases().revoke(user, share_id)


def case_grants_given(user: Any) -> list[shareables.SharedItem]:
    return _cases().given(user) if may_request(user) else []


def case_grants_received(user: Any) -> list[shareables.SharedItem]:
    return [i for i in _cases().received(user) if i.active] if may_request(user) else []


def dissemination_log(user: Any, limit: int = 500) -> list[DisseminationEvent]:
    """What left the user's agency, who read it, who asked: the originator's view. Audited."""
    if not may_request(user):
        return []
    rows = list(
        DisseminationEvent.objects.filter(originator_id=user.agency_id).select_related(
            "recipient", "collection", "entity_grant"
        )[:limit]
    )
    record(user, "sharing.log.read", details={"rows": len(rows)})
    return rows


# --- hit notices and requests for information -------------------------------------------------


@dataclass(frozen=True)
class Holder:
    agency_code: str
    agency_name: str
    count: int


def holders(user: Any, query: str) -> list[Holder]:
    """Which other agencies hold entities matching the query, with counts only (no content).

    This is the hit notice an analyst acts on with a request for information. Audited.
    """
    if not may_request(user):
        return []
    query = _text(query, "query", limit=200)
    visible = set(Collection.objects.visible_to(user).values_list("id", flat=True))
    # Oversight files (complaints against police, their complainants and witnesses) never
    # answer a hit notice: the count alone would tell an officer that a complaint exists.
    hidden = list(
        Collection.objects.exclude(id__in=visible)
        .exclude(agency__kind=AgencyKind.OVERSIGHT)
        .filter(agency__country__in=_home_countries())
        .values_list("id", flat=True)
    )
    if not hidden:
        record(user, "sharing.holders", query=query, details={"agencies": 0})
        return []
    ids = matching_record_ids(query, hidden, 500)
    counts: dict[int, set[str]] = {}
    for agency_id, entity_id in EntityRecord.objects.filter(id__in=ids).values_list(
        "collection__agency_id", "entity_id"
    ):
        counts.setdefault(agency_id, set()).add(entity_id)
    agencies = Agency.objects.in_bulk(list(counts))
    found = sorted(
        (Holder(agencies[a].code, agencies[a].name, len(e)) for a, e in counts.items()),
        key=lambda h: h.agency_code,
    )
    record(user, "sharing.holders", query=query, details={"agencies": len(found)})
    return found


def _home_countries() -> list[str]:
    """Countries of agencies with users here: foreign agencies of imported bundles are
    federation peers, asked through federation, not through an in-house request."""
    return list(Agency.objects.filter(users__isnull=False).values_list("country", flat=True))


def send_request(
    user: Any,
    *,
    originator_code: str,
    subject: str,
    purpose: str,
    due_by: datetime | None = None,
) -> InformationRequest:
    if not may_request(user):
        error = PermissionDenied("only users who read records may ask for information")
        _refuse(user, "sharing.request", error)
        raise error
    originator = Agency.objects.filter(code=originator_code).first()
    if originator is None:
        raise InvalidInput(f"no agency with code {originator_code!r}")
    if originator.pk == user.agency_id:
        raise InvalidInput("ask another agency, not your own")
    subject = _text(subject, "subject", limit=200)
    purpose = _text(purpose, "purpose")
    due = _future(due_by, "deadline") or timezone.now() + DEFAULT_DUE
    with transaction.atomic():
        rfi = InformationRequest.objects.create(
            requester=user,
            requesting_agency_id=user.agency_id,
            originator=originator,
            subject=subject,
            purpose=purpose,
            due_by=due,
        )
        log_event(
            DisseminationKind.REQUESTED,
            originator_id=originator.pk,
            recipient_id=user.agency_id,
            request_id=rfi.pk,
            actor=user.get_username(),
            note=purpose,
        )
        record(
            user,
            "sharing.request",
            object_type="request",
            object_id=rfi.pk,
            details={"to": originator.code},
        )
        url = reverse("sharing:request", args=[rfi.pk])
        for supervisor in _data_users(originator, SHARING_ROLES):
            notify(supervisor, REQUEST_NOTICE, url, agency=user.agency.code, subject=subject)
    return rfi


def get_request(user: Any, request_id: int) -> InformationRequest:
    rfi = (
        InformationRequest.objects.visible_to(user)
        .select_related("requester", "requesting_agency", "originator", "grant__collection")
        .filter(id=request_id)
        .first()
    )
    if rfi is None:
        raise NotFound(f"request {request_id} not found")
    record(user, "sharing.request.read", object_type="request", object_id=rfi.pk)
    return rfi


def decide_request(
    user: Any,
    request_id: int,
    *,
    decision: str,
    collection_id: int | None = None,
    conditions: str = "",
    expires_at: datetime | None = None,
    note: str = "",
    entity_ids: list[str] | None = None,
) -> InformationRequest:
    """The originator approves (a grant of the chosen collection), narrows (a grant of only
    the named entities, ``entity_ids``, or of a smaller collection) or refuses. Only a
    supervisor of the originator decides."""
    rfi = InformationRequest.objects.filter(id=request_id, originator_id=_agency_of(user)).first()
    if rfi is None or not may_share(user):
        error: Exception = NotFound(f"request {request_id} not found")
        _refuse(user, "sharing.decide", error, request=request_id)
        raise error
    if rfi.status != RequestStatus.PENDING:
        raise InvalidInput("this request has already been decided")
    if decision not in (RequestStatus.APPROVED, RequestStatus.NARROWED, RequestStatus.REFUSED):
        raise InvalidInput(f"unknown decision {decision!r}")
    note = _text(note, "note", required=decision == RequestStatus.REFUSED)
    with transaction.atomic():
        if decision != RequestStatus.REFUSED and entity_ids:
            rfi.entity_grant = grant_entities(
                user,
                entity_ids=entity_ids,
                agency_code=rfi.requesting_agency.code,
                purpose=rfi.purpose,
                conditions=conditions,
                expires_at=expires_at,
                label=rfi.subject,
                request=rfi,
            )
        elif decision != RequestStatus.REFUSED:
            if collection_id is None:
                raise InvalidInput("choose the collection to share, or name the entities")
            rfi.grant = grant_collection(
                user,
                collection_id=collection_id,
                agency_code=rfi.requesting_agency.code,
                purpose=rfi.purpose,
                conditions=conditions,
                expires_at=expires_at,
                request=rfi,
            )
            rfi.collection_id = collection_id
        rfi.status = decision
        rfi.decided_by = user
        rfi.decided_at = timezone.now()
        rfi.decision_note = note
        rfi.save()
        log_event(
            DisseminationKind.REFUSED
            if decision == RequestStatus.REFUSED
            else DisseminationKind.APPROVED,
            originator_id=rfi.originator_id,
            recipient_id=rfi.requesting_agency_id,
            request_id=rfi.pk,
            grant_id=rfi.grant_id,
            entity_grant_id=rfi.entity_grant_id,
            subject=rfi.entity_grant.label if rfi.entity_grant else "",
            collection=rfi.grant.collection if rfi.grant else None,
            actor=user.get_username(),
            note=note,
        )
        record(
            user,
            "sharing.decide",
            object_type="request",
            object_id=rfi.pk,
            details={
                "decision": decision,
                "grant": rfi.grant_id or "",
                "entity_grant": rfi.entity_grant_id or "",
            },
        )
        notify(
            rfi.requester,
            DECISION_NOTICES[RequestStatus(decision)],
            reverse("sharing:request", args=[rfi.pk]),
            agency=rfi.originator.code,
            subject=rfi.subject,
        )
    return rfi


@dataclass
class Inbox:
    incoming: list[InformationRequest]
    outgoing: list[InformationRequest]


def inbox(user: Any) -> Inbox:
    if not may_request(user):
        return Inbox([], [])
    base = InformationRequest.objects.select_related("requester", "requesting_agency", "originator")
    return Inbox(
        incoming=list(base.filter(originator_id=user.agency_id)),
        outgoing=list(base.filter(requesting_agency_id=user.agency_id)),
    )


# --- notifications ----------------------------------------------------------------------------


def _data_users(agency: Agency, roles: tuple[str, ...] = ()) -> list[User]:
    users = User.objects.filter(agency=agency, is_active=True)
    if roles:
        users = users.filter(roles__role__in=roles)
    return [u for u in users.distinct() if u.sees_records]


def notify(user: Any, message: str, url: str = "", **params: str) -> Notification:
    """A notice to one user: ``message`` is an English text marked with ``gettext_noop``
    whose ``%(name)s`` placeholders ``params`` fill, translated when the user reads it."""
    return Notification.objects.create(
        user=user,
        message=message[:500],
        params={k: str(v) for k, v in params.items()},
        url=url[:300],
    )


def notifications(user: Any, limit: int = 50) -> list[Notification]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(user_id=user.pk)[:limit])


def mark_read(user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- H1: evidence use -------------------------------------------------------------------------


def permit_evidence_use(user: Any, *, collection_id: int, agency_code: str, note: str = "") -> None:
    """The originator records its permission to use its H1 material as evidence."""
    if not may_share(user):
        error = PermissionDenied("only a supervisor or commander may permit evidence use")
        _refuse(user, "sharing.evidence", error, collection=collection_id)
        raise error
    collection = owned_collection(user, collection_id, "sharing.evidence")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise InvalidInput(f"no agency with code {agency_code!r}")
    note = _text(note, "note", required=False)
    with transaction.atomic():
        EvidencePermission.objects.update_or_create(
            collection=collection, agency=agency, defaults={"granted_by": user, "note": note}
        )
        log_event(
            DisseminationKind.EVIDENCE,
            originator_id=collection.agency_id,
            recipient_id=agency.pk,
            collection=collection,
            actor=user.get_username(),
            note=note,
        )
        record(
            user,
            "sharing.evidence",
            object_type="collection",
            object_id=collection.pk,
            details={"to": agency.code},
        )


@dataclass(frozen=True)
class EvidenceVerdict:
    allowed: bool
    ask: list[str]  # codes of the originators whose permission is missing


def may_use_as_evidence(user: Any, entity_id: str) -> EvidenceVerdict:
    """May the user attach this entity to a case's evidence or a disclosure bundle?

    Per statement: every statement the user sees whose effective handling is H1 and whose
    collection belongs to another agency needs that agency's recorded permission
    (``permit_evidence_use``). The verdict names the originators to ask. An entity the user
    does not see is NotFound. For the cases branch to call before attaching evidence.
    """
    rows = list(
        Statement.objects.visible_to(user)
        .filter(entity_id=entity_id)
        .exclude(collection__agency_id=_agency_of(user))
        .filter(Q(handling="H1") | Q(handling="", collection__handling="H1"))
        .values_list("collection_id", "collection__agency__code")
        .distinct()
    )
    if not rows and not Statement.objects.visible_to(user).filter(entity_id=entity_id).exists():
        raise NotFound("entity not found")
    permitted = set(
        EvidencePermission.objects.filter(
            agency_id=user.agency_id, collection_id__in=[c for c, _a in rows]
        ).values_list("collection_id", flat=True)
    )
    ask = sorted({code for cid, code in rows if cid not in permitted})
    return EvidenceVerdict(allowed=not ask, ask=ask)
