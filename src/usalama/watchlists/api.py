"""API: watchlists, entries, alerts, subscriptions and the ANPR sensor endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from usalama.core.moments import Moment
from usalama.watchlists import services
from usalama.watchlists.models import Watchlist, WatchlistAlert

router = Router(tags=["watchlists"])


class SightingIn(Schema):
    plate: str = Field(..., min_length=1, max_length=40)
    camera_id: str = Field(..., min_length=1, max_length=100)
    time: Moment
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)


class SightingOut(Schema):
    alert: bool
    plate: str


@router.post("/sensors/anpr", response={201: SightingOut}, url_name="sensors_anpr")
def anpr(request: HttpRequest, payload: SightingIn) -> tuple[int, dict[str, Any]]:
    """One number-plate read from a camera; ``alert`` says whether it hit a watchlist.

    Only a sensor token (admin console → Sensors) is accepted, and only for its cameras."""
    token = getattr(request, "api_token", None)
    if token is None or not token.is_sensor:
        services.refuse_non_sensor(request.user, f"{request.method} {request.path}")
    sighting, alerts = services.record_sighting(
        request.user,
        plate=payload.plate,
        camera_id=payload.camera_id,
        seen_at=payload.time,
        lat=payload.lat,
        lon=payload.lon,
        sensor=token,
    )
    return 201, {"alert": bool(alerts), "plate": sighting.plate}


class WatchlistOut(Schema):
    id: int
    key: str
    label: str
    kind: str
    kind_label: str
    agency: str
    handling: str
    threshold: float
    writable: bool


def _watchlist(user: Any, watchlist: Watchlist) -> dict[str, Any]:
    return {
        "id": watchlist.pk,
        "key": watchlist.key,
        "label": watchlist.label,
        "kind": watchlist.kind,
        "kind_label": str(watchlist.get_kind_display()),
        "agency": watchlist.agency.code,
        "handling": watchlist.handling,
        "threshold": watchlist.threshold,
        "writable": services.may_write(user, watchlist),
    }


@router.get("/watchlists", response=list[WatchlistOut])
def list_watchlists(request: HttpRequest) -> list[dict[str, Any]]:
    return [_watchlist(request.user, w) for w in services.visible_watchlists(request.user)]


class WatchlistIn(Schema):
    key: str = Field(..., pattern=r"^[a-z0-9][a-z0-9-]{1,99}$")
    label: str = Field(..., min_length=1, max_length=200)
    kind: str
    handling: str = Field("H2", pattern=r"^H[0-3]$")
    description: str = Field("", max_length=2000)
    threshold: float = Field(0.7, gt=0, le=1)


@router.post("/watchlists", response={201: WatchlistOut})
def create_watchlist(request: HttpRequest, payload: WatchlistIn) -> tuple[int, dict[str, Any]]:
    watchlist = services.create_watchlist(request.user, **payload.dict())
    watchlist.refresh_from_db()
    return 201, _watchlist(request.user, watchlist)


class EntriesIn(Schema):
    entities: list[dict[str, Any]] = Field(..., min_length=1, max_length=10_000)
    reason: str = Field("", max_length=2000)
    expires_at: datetime | None = None
    handling: str = Field("", pattern=r"^(H[0-3])?$")


class EntriesOut(Schema):
    added: int
    updated: int


@router.post("/watchlists/{watchlist_id}/entries", response={201: EntriesOut})
def add_entries(
    request: HttpRequest, watchlist_id: int, payload: EntriesIn
) -> tuple[int, dict[str, Any]]:
    """Add FtM entities to a watchlist the caller's agency owns; records are re-screened."""
    result = services.add_entries(
        request.user,
        watchlist_id,
        payload.entities,
        reason=payload.reason,
        expires_at=payload.expires_at,
        handling=payload.handling,
        source="api",
    )
    services.queue_screening(watchlist_id)
    return 201, {"added": result.added, "updated": result.updated}


class EntryOut(Schema):
    id: int
    entity_id: str
    schema_name: str
    caption: str
    reason: str
    expires_at: datetime | None
    handling: str


@router.get("/watchlists/{watchlist_id}/entries", response=list[EntryOut])
def list_entries(request: HttpRequest, watchlist_id: int) -> list[dict[str, Any]]:
    _watchlist_row, rows = services.entries(request.user, watchlist_id)
    return [
        {
            "id": e.pk,
            "entity_id": e.entity_id,
            "schema_name": e.schema,
            "caption": e.caption,
            "reason": e.reason,
            "expires_at": e.expires_at,
            "handling": e.effective_handling,
        }
        for e in rows
    ]


class WatchlistAlertOut(Schema):
    id: int
    origin: str
    status: str
    notice: bool
    score: float
    explanation: list[str]
    watchlist: str | None
    entry: str | None
    record_agency: str
    record_collection: str | None
    record_entity_id: str | None
    record_caption: str | None
    created_at: datetime


def _alert(alert: WatchlistAlert) -> dict[str, Any]:
    hidden = alert.notice
    return {
        "id": alert.pk,
        "origin": alert.origin,
        "status": alert.status,
        "notice": alert.notice,
        "score": round(alert.score, 4),
        "explanation": [] if hidden else list(alert.explanation),
        "watchlist": alert.entry.watchlist.key if alert.entry else None,
        "entry": alert.entry.caption if alert.entry else None,
        "record_agency": alert.record_agency.code,
        "record_collection": None if hidden or not alert.collection else alert.collection.key,
        "record_entity_id": None if hidden else alert.record_entity_id,
        "record_caption": None if hidden else alert.record_caption,
        "created_at": alert.created_at,
    }


@router.get("/alerts", response=list[WatchlistAlertOut])
def list_alerts(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [_alert(a) for a in services.inbox(request.user, status)]


class DecisionIn(Schema):
    status: str
    note: str = Field("", max_length=2000)


@router.post("/alerts/{alert_id}/decision", response=WatchlistAlertOut)
def decide(request: HttpRequest, alert_id: int, payload: DecisionIn) -> dict[str, Any]:
    services.decide(request.user, alert_id, payload.status, payload.note)
    return _alert(services.get_alert(request.user, alert_id))


class SubscriptionIn(Schema):
    kind: str = Field(..., description="entity, identifier, search or watchlist (a list's key)")
    value: str = Field(..., min_length=1, max_length=300)
    by_email: bool = False
    by_sms: bool = False
    phone: str = Field("", max_length=30, description="mobile number for SMS (E.164)")


class SubscriptionOut(Schema):
    id: int
    kind: str
    value: str
    by_email: bool
    by_sms: bool


@router.post("/subscriptions", response={201: SubscriptionOut})
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> tuple[int, dict[str, Any]]:
    subscription = services.subscribe(
        request.user,
        payload.kind,
        payload.value,
        by_email=payload.by_email,
        by_sms=payload.by_sms,
        phone=payload.phone,
    )
    return 201, {
        "id": subscription.pk,
        "kind": subscription.kind,
        "value": subscription.value,
        "by_email": subscription.by_email,
        "by_sms": subscription.by_sms,
    }
