"""API: alerts, accounts and traces, always through the money services (access + audit)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from usalama.money import services
from usalama.money.models import Account, Alert

router = Router(tags=["money"])


class AccountOut(Schema):
    id: int
    kind: str
    identifier: str
    provider: str
    currency: str
    holder_entity_id: str
    holder_name: str
    collection: str


class AlertOut(Schema):
    id: int
    account: AccountOut
    typologies: list[str]
    score: float
    evidence: list[int]
    status: str
    reviewer: str
    reviewed_at: datetime | None


class ReviewIn(Schema):
    status: str
    note: str = ""


class TraceEdgeOut(Schema):
    transfer: int
    source: int
    target: int
    amount: float
    currency: str
    tainted: float
    hop: int
    time: datetime
    holder_crossing: bool


class TraceAccountOut(Schema):
    account: AccountOut
    tainted: float
    first_hop: int
    via_holder: bool
    seed: bool


class TraceOut(Schema):
    seed: int
    direction: str
    model: str
    hops: int
    channels: list[str]
    accounts: list[TraceAccountOut]
    edges: list[TraceEdgeOut]


def _account(a: Account) -> AccountOut:
    return AccountOut(
        id=a.pk,
        kind=a.kind,
        identifier=a.identifier,
        provider=a.provider,
        currency=a.currency,
        holder_entity_id=a.holder_entity_id,
        holder_name=a.holder_name,
        collection=a.collection.key,
    )


def _alert(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.pk,
        account=_account(a.account),
        typologies=a.typologies,
        score=a.score,
        evidence=a.evidence,
        status=a.status,
        reviewer=a.reviewer,
        reviewed_at=a.reviewed_at,
    )


@router.get("/money/alerts", response=list[AlertOut])
def list_alerts(request: HttpRequest, status: str | None = None) -> list[AlertOut]:
    return [_alert(a) for a in services.list_alerts(request.user, status)]


@router.get("/money/alerts/{alert_id}", response=AlertOut)
def get_alert(request: HttpRequest, alert_id: int) -> AlertOut:
    return _alert(services.get_alert(request.user, alert_id))


@router.post("/money/alerts/{alert_id}/review", response=AlertOut)
def review_alert(request: HttpRequest, alert_id: int, body: ReviewIn) -> AlertOut:
    return _alert(services.review_alert(request.user, alert_id, body.status, body.note))


@router.get("/money/accounts/{account_id}", response=AccountOut)
def get_account(request: HttpRequest, account_id: int) -> AccountOut:
    return _account(services.get_account(request.user, account_id))


@router.get("/money/trace", response=TraceOut)
def trace(
    request: HttpRequest,
    account: int,
    direction: str = "forward",
    model: str = "haircut",
    hops: int = 5,
) -> TraceOut:
    view = services.trace(request.user, account, direction=direction, model=model, hops=hops)
    return TraceOut(
        seed=view.seed.pk,
        direction=view.direction,
        model=view.model,
        hops=view.hops,
        channels=view.channels,
        accounts=[
            TraceAccountOut(
                account=_account(r.account),
                tainted=r.tainted,
                first_hop=r.first_hop,
                via_holder=r.via_holder,
                seed=r.seed,
            )
            for r in view.accounts
        ],
        edges=[
            TraceEdgeOut(
                transfer=s.transfer.pk,
                source=s.transfer.source_account_id,
                target=s.transfer.target_account_id,
                amount=float(s.transfer.amount),
                currency=s.transfer.currency,
                tainted=s.tainted,
                hop=s.hop,
                time=s.transfer.time,
                holder_crossing=s.via_holder,
            )
            for s in view.steps
        ],
    )
