"""Sharing API: the federation endpoint a peer installation calls, and users' grants of
entity selections and cases.

``POST /federation/hitcheck`` is not a user endpoint: the caller is a peer, known by the
token we issued it (``usalama federation token``) and by the Ed25519 signature over the
request body. The ``/sharing/...`` operations are users' (``staff_router``), through the
sharing services (checks, audit, dissemination log).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from usalama.core.errors import AuthenticationRequired
from usalama.core.moments import Moment
from usalama.records.shareables import SharedItem
from usalama.sharing import federation, services

router = Router(tags=["federation"], auth=None)


@router.post("/federation/hitcheck")
def hitcheck(request: HttpRequest) -> dict[str, Any]:
    """Answer a peer's private set intersection request (it learns which of its identifiers
    we hold; we learn only how many it asked about). Rate-limited per peer; audited with
    counts only."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise AuthenticationRequired("send the peer token as 'Authorization: Bearer <token>'")
    signature = request.headers.get("X-Usalama-Signature", "")
    return federation.answer_hitcheck(header[len("Bearer ") :].strip(), request.body, signature)


# --- grants of entity selections and cases (users, by session or API token) --------------------

staff_router = Router(tags=["sharing"])


class EntityGrantIn(Schema):
    entities: list[str]
    agency: str
    purpose: str
    conditions: str = ""
    expires_at: Moment | None = None
    label: str = ""
    with_links: bool = True


class GrantedEntityOut(Schema):
    entity_id: str
    caption: str
    collection: str


class EntityGrantOut(Schema):
    id: int
    label: str
    owner: str
    agency: str
    purpose: str
    conditions: str
    granted_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    restricted: bool
    entities: list[GrantedEntityOut]


class CaseGrantIn(Schema):
    case: str
    agency: str
    purpose: str
    conditions: str = ""
    expires_at: Moment | None = None


class CaseGrantOut(Schema):
    id: int
    case: str
    owner: str
    agency: str
    purpose: str
    conditions: str
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    read_only: bool


def _entity_grant_out(view: services.EntityGrantView) -> dict[str, Any]:
    grant = view.grant
    return {
        "id": grant.pk,
        "label": grant.label,
        "owner": grant.owner.code,
        "agency": grant.agency.code,
        "purpose": grant.purpose,
        "conditions": grant.conditions,
        "granted_at": grant.granted_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
        "active": view.active,
        "restricted": grant.restricted,
        "entities": [
            {"entity_id": i.entity_id, "caption": i.caption, "collection": i.collection.label}
            for i in view.items
        ],
    }


def _case_grant_out(item: SharedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "case": item.label.split(":", 1)[0],
        "owner": item.owner_code,
        "agency": item.agency_code,
        "purpose": item.purpose,
        "conditions": item.conditions,
        "expires_at": item.expires_at,
        "revoked_at": item.revoked_at,
        "active": item.active,
        "read_only": item.read_only,
    }


@staff_router.post("/sharing/entity-grants", response={201: EntityGrantOut})
def create_entity_grant(request: HttpRequest, payload: EntityGrantIn) -> tuple[int, Any]:
    """Share exactly these entities of ours with another agency (supervisor or commander),
    read-only, for a purpose, until an expiry. Entities we do not hold are refused."""
    grant = services.grant_entities(
        request.user,
        entity_ids=payload.entities,
        agency_code=payload.agency,
        purpose=payload.purpose,
        conditions=payload.conditions,
        expires_at=payload.expires_at,
        label=payload.label,
        with_links=payload.with_links,
    )
    return 201, _entity_grant_out(services.get_entity_grant(request.user, grant.pk))


@staff_router.get("/sharing/entity-grants/{grant_id}", response=EntityGrantOut)
def get_entity_grant(request: HttpRequest, grant_id: int) -> Any:
    """An entity grant as its originator or its recipient (while in force) sees it."""
    return _entity_grant_out(services.get_entity_grant(request.user, grant_id))


@staff_router.post("/sharing/entity-grants/{grant_id}/revoke", response=EntityGrantOut)
def revoke_entity_grant(request: HttpRequest, grant_id: int) -> Any:
    """Revoke at once: the recipient's next read of those entities is a 404."""
    services.revoke_entity_grant(request.user, grant_id)
    return _entity_grant_out(services.get_entity_grant(request.user, grant_id))


@staff_router.post("/sharing/case-grants", response={201: CaseGrantOut})
def create_case_grant(request: HttpRequest, payload: CaseGrantIn) -> tuple[int, Any]:
    """Share one of our cases read-only (the case's own share, with purpose and expiry)."""
    item = services.grant_case(
        request.user,
        reference=payload.case,
        agency_code=payload.agency,
        purpose=payload.purpose,
        conditions=payload.conditions,
        expires_at=payload.expires_at,
    )
    return 201, _case_grant_out(item)


@staff_router.post("/sharing/case-grants/{grant_id}/revoke", response=CaseGrantOut)
def revoke_case_grant(request: HttpRequest, grant_id: int) -> Any:
    """Revoke a case grant (or any share of our case) at once."""
    return _case_grant_out(services.revoke_case_grant(request.user, grant_id))
