"""API: the audit log (administrators). Agency admins see their agency's events only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from usalama.audit.services import events_visible_to, record
from usalama.core.errors import PermissionDenied

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    time: datetime
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: str
    query: str
    details: dict[str, Any]
    hash: str


@router.get("/audit/events", response=list[AuditEventOut])
def list_events(
    request: HttpRequest,
    action: str | None = Query(None, max_length=64),
    actor: str | None = Query(None, max_length=150),
    after_id: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    user: Any = request.user
    if not user.is_admin:
        raise PermissionDenied("this needs an administrator role")
    events = events_visible_to(user).filter(id__gt=after_id).order_by("id")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor=actor)
    page = list(events[:limit])
    record(user, "audit.read", object_type="audit", details={"count": len(page)})
    return page
