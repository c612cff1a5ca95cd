"""API: wellness referrals for counsellors only (everyone else: 404); self-referral for all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from usalama.wellness import services
from usalama.wellness.models import Referral

router = Router(tags=["wellness"])


class ReferralOut(Schema):
    id: int
    officer_name: str
    service_number: str
    origin: str
    incident_kind: str
    status: str
    created_at: dt.datetime


class ReferralDetailOut(ReferralOut):
    notes: str
    contact: str


class UpdateIn(Schema):
    status: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=5000)


class SelfReferralIn(Schema):
    message: str = Field("", max_length=5000)
    contact: str = Field("", max_length=200)


class RequestedOut(Schema):
    id: int
    status: str


def _row(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "officer_name": r.officer_name,
        "service_number": r.service_number,
        "origin": r.origin,
        "incident_kind": r.incident.kind if r.incident else "",
        "status": r.status,
        "created_at": r.created_at,
    }


@router.get("/wellness/referrals", response=list[ReferralOut])
def referrals(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(r) for r in services.list_referrals(request.user)]


@router.get("/wellness/referrals/{pk}", response=ReferralDetailOut)
def referral(request: HttpRequest, pk: int) -> dict[str, Any]:
    item, notes = services.get_referral(request.user, pk)
    return {**_row(item), "notes": notes, "contact": item.contact}


@router.post("/wellness/referrals/{pk}", response=ReferralOut)
def update(request: HttpRequest, pk: int, body: UpdateIn) -> dict[str, Any]:
    return _row(services.update_referral(request.user, pk, status=body.status, note=body.note))


@router.post("/wellness/self-referral", response={201: RequestedOut})
def self_referral(request: HttpRequest, body: SelfReferralIn) -> tuple[int, dict[str, Any]]:
    item = services.self_refer(request.user, message=body.message, contact=body.contact)
    return 201, {"id": item.pk, "status": item.status}
