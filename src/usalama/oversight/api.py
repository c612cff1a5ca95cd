"""API: public complaints and follow-up (no login), IPOA's complaints, s. 25 notifications and
early-intervention flags — always through the services (access checks and audit live there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from usalama.core.errors import NotFound
from usalama.core.moments import Moment
from usalama.oversight import factors, services
from usalama.oversight.models import AllegationCategory, Complaint, RiskFlag

router = Router(tags=["oversight"])
public_router = Router(tags=["oversight (public)"], auth=None)


class PublicComplaintIn(Schema):
    description: str = Field(..., min_length=10, max_length=5000)
    category: str = AllegationCategory.OTHER
    place: str = Field("", max_length=200)
    station: str = Field("", max_length=200)
    occurred_at: Moment | None = None
    officer: str = Field("", max_length=200)
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)


class FiledOut(Schema):
    reference: str
    follow_up_code: str


class FollowUpIn(Schema):
    code: str = Field(..., max_length=60)


class ComplaintStatusOut(Schema):
    reference: str
    stage: str
    stage_label: str
    recommendation: str


class AllegationOut(Schema):
    id: int
    category: str
    officer: str
    finding: str
    penalty: str


class SummonsOut(Schema):
    id: int
    officer: str
    service_number: str
    agency: str
    issued_at: dt.datetime
    due_at: dt.datetime
    attended_at: dt.datetime | None
    ignored: bool


class ComplaintOut(Schema):
    id: int
    reference: str
    agency: str
    channel: str
    stage: str
    recommendation: str
    station: str
    place: str
    occurred_at: dt.datetime | None
    created_at: dt.datetime
    description: str
    allegations: list[AllegationOut]
    summonses: list[SummonsOut]


class AllegationIn(Schema):
    category: str = Field(..., max_length=30)
    officer: str = Field("", max_length=60, description="service number, or AGENCY:number")
    officer_description: str = Field("", max_length=200)


class FindingIn(Schema):
    officer: str = Field("", max_length=60, description="service number, or AGENCY:number")
    finding: str | None = Field(None, max_length=20)
    penalty: str | None = Field(None, max_length=20)


class SummonsIn(Schema):
    officer: str = Field(..., max_length=60, description="service number, or AGENCY:number")
    due_at: dt.datetime


class StageIn(Schema):
    to_stage: str = Field(..., max_length=20)
    recommendation: str = Field("", max_length=30)
    outcome: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class ShareIn(Schema):
    agency: str = Field(..., max_length=32)


class NotificationOut(Schema):
    id: int
    agency: str
    kind: str
    occurred_at: dt.datetime
    reported_at: dt.datetime | None
    deadline: dt.datetime
    breached: bool
    place: str


class FactorOut(Schema):
    feature: str
    label: str
    value: float


class FlagOut(Schema):
    id: int
    officer: str
    service_number: str
    score: float
    rank: int
    as_of: dt.date
    model: str
    status: str
    factors: list[FactorOut]
    officer_response: str
    notice: str


class ResponseIn(Schema):
    response: str = Field(..., min_length=1, max_length=5000)


def _complaint(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reference": c.reference,
        "agency": c.agency.code,
        "channel": c.channel,
        "stage": c.stage,
        "recommendation": c.recommendation,
        "station": c.station,
        "place": c.place,
        "occurred_at": c.occurred_at,
        "created_at": c.created_at,
        "description": c.description,
        "allegations": [
            {
                "id": a.pk,
                "category": a.category,
                "officer": str(a.officer or a.officer_description),
                "finding": a.finding,
                "penalty": a.penalty,
            }
            for a in c.allegations.select_related("officer")
        ],
        "summonses": [
            {
                "id": s.pk,
                "officer": s.officer.name,
                "service_number": s.officer.service_number,
                "agency": s.officer.agency.code,
                "issued_at": s.issued_at,
                "due_at": s.due_at,
                "attended_at": s.attended_at,
                "ignored": s.ignored,
            }
            for s in c.summonses.select_related("officer__agency")
        ],
    }


NOTICE = "A flag is an offer of support and supervision, never a sanction."


def _flag(f: RiskFlag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "officer": f.officer.name,
        "service_number": f.officer.service_number,
        "score": f.score,
        "rank": f.rank,
        "as_of": f.as_of,
        "model": f.model.version,
        "status": f.status,
        "officer_response": f.officer_response,
        "notice": NOTICE,
        "factors": [
            {
                "feature": str(i.get("feature", "")),
                "label": factors.label(str(i.get("feature", ""))),
                "value": float(i.get("value", 0)),
            }
            for i in f.factors
        ],
    }


@public_router.post("/oversight/public/complaints", response={201: FiledOut})
def file_complaint(request: HttpRequest, body: PublicComplaintIn) -> tuple[int, dict[str, str]]:
    complaint, code = services.file_public_complaint(
        description=body.description,
        category=body.category,
        place=body.place,
        station=body.station,
        occurred_at=body.occurred_at,
        officer_description=body.officer,
        name=body.name,
        phone=body.phone,
    )
    return 201, {"reference": complaint.reference, "follow_up_code": code}


@public_router.post("/oversight/public/follow-up", response=ComplaintStatusOut)
def follow_up(request: HttpRequest, body: FollowUpIn) -> dict[str, str]:
    c = services.complaint_by_code(body.code)
    return {
        "reference": c.reference,
        "stage": c.stage,
        "stage_label": str(c.get_stage_display()),
        "recommendation": c.recommendation,
    }


@router.get("/oversight/complaints", response=list[ComplaintOut])
def complaints(request: HttpRequest, stage: str = "") -> list[dict[str, Any]]:
    return [_complaint(c) for c in services.list_complaints(request.user, stage)]


@router.get("/oversight/complaints/{pk}", response=ComplaintOut)
def complaint(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _complaint(services.get_complaint(request.user, pk))


@router.post("/oversight/complaints/{pk}/stage", response=ComplaintOut)
def move_stage(request: HttpRequest, pk: int, body: StageIn) -> dict[str, Any]:
    c = services.move_stage(
        request.user,
        pk,
        body.to_stage,
        note=body.note,
        recommendation=body.recommendation,
        outcome=body.outcome,
    )
    return _complaint(c)


@router.post("/oversight/complaints/{pk}/allegations", response={201: ComplaintOut})
def add_allegation(request: HttpRequest, pk: int, body: AllegationIn) -> tuple[int, dict[str, Any]]:
    services.add_allegation(
        request.user,
        pk,
        body.category,
        officer=body.officer,
        officer_description=body.officer_description,
    )
    return 201, _complaint(services.get_complaint(request.user, pk))


@router.post("/oversight/complaints/{pk}/allegations/{allegation_id}", response=ComplaintOut)
def set_allegation(
    request: HttpRequest, pk: int, allegation_id: int, body: FindingIn
) -> dict[str, Any]:
    services.set_allegation(
        request.user,
        pk,
        allegation_id,
        officer=body.officer,
        finding=body.finding,
        penalty=body.penalty,
    )
    return _complaint(services.get_complaint(request.user, pk))


@router.post("/oversight/complaints/{pk}/summonses", response={201: ComplaintOut})
def issue_summons(request: HttpRequest, pk: int, body: SummonsIn) -> tuple[int, dict[str, Any]]:
    services.issue_summons(request.user, pk, due_at=body.due_at, officer=body.officer)
    return 201, _complaint(services.get_complaint(request.user, pk))


@router.post("/oversight/complaints/{pk}/summonses/{summons_id}/attended", response=ComplaintOut)
def record_attendance(request: HttpRequest, pk: int, summons_id: int) -> dict[str, Any]:
    services.record_attendance(request.user, pk, summons_id)
    return _complaint(services.get_complaint(request.user, pk))


@router.post("/oversight/complaints/{pk}/share", response=ComplaintOut)
def share(request: HttpRequest, pk: int, body: ShareIn) -> dict[str, Any]:
    return _complaint(services.share_complaint(request.user, pk, body.agency))


@router.get("/oversight/notifications", response=list[NotificationOut])
def notifications(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": n.pk,
            "agency": n.agency.code,
            "kind": n.kind,
            "occurred_at": n.occurred_at,
            "reported_at": n.reported_at,
            "deadline": n.deadline,
            "breached": n.breached,
            "place": n.place,
        }
        for n in services.list_notifications(request.user)
    ]


@router.get("/oversight/flags", response=list[FlagOut])
def flags(request: HttpRequest) -> list[dict[str, Any]]:
    return [_flag(f) for f in services.list_flags(request.user)]


@router.get("/oversight/flags/{pk}", response=FlagOut)
def flag(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _flag(services.get_flag(request.user, pk))


@router.post("/oversight/flags/{pk}/response", response=FlagOut)
def respond(request: HttpRequest, pk: int, body: ResponseIn) -> dict[str, Any]:
    return _flag(services.respond_to_flag(request.user, pk, body.response))


class ReferralIn(Schema):
    description: str = Field(..., min_length=10, max_length=5000)
    place: str = Field("", max_length=200)
    station: str = Field("", max_length=200)
    occurred_at: Moment | None = None
    category: str = AllegationCategory.OTHER
    service_number: str = Field("", max_length=40)
    categories: list[str] = Field(default_factory=list, max_length=len(AllegationCategory.values))
    service_numbers: list[str] = Field(default_factory=list, max_length=50)


@router.post("/oversight/referrals", response={201: ComplaintOut})
def refer(request: HttpRequest, body: ReferralIn) -> tuple[int, dict[str, Any]]:
    """A police agency's supervisor, commander or internal affairs refers a complaint to IPOA;
    IPOA owns it (receipt stage, marked as a police referral) and shares it back."""
    numbers = list(dict.fromkeys(n.strip() for n in [body.service_number, *body.service_numbers]))
    numbers = [n for n in numbers if n]
    officers = []
    if services.may_refer(request.user):  # otherwise the service refuses, and audits it
        candidates = services.officers_for(request.user).filter(service_number__in=numbers)
        known = {o.service_number: o for o in candidates}
        missing = [n for n in numbers if n not in known]
        if missing:
            raise NotFound(f"no officer of your agency has the service number(s) {missing}")
        officers = [known[n] for n in numbers]
    complaint = services.refer_complaint(
        request.user,
        description=body.description,
        place=body.place,
        station=body.station,
        occurred_at=body.occurred_at,
        category=body.category,
        officers=officers,
        categories=body.categories,
    )
    return 201, _complaint(complaint)
