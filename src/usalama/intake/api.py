"""JSON API: the public router (no login, fixed interface) and the staff router (token auth).

Public endpoints never read the session, cookies or the user agent; the client address
becomes only an opaque in-memory throttle key (throttle.py), never stored or logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from usalama.core.errors import InvalidInput
from usalama.core.moments import Moment
from usalama.intake import services, staff, throttle
from usalama.intake.categories import CATEGORIES
from usalama.intake.models import Channel

public_router = Router(tags=["intake (public)"], auth=None)
staff_router = Router(tags=["intake"])


class CategoryOut(Schema):
    code: str
    name_en: str
    name_sw: str


class TipIn(Schema):
    category: str
    description: str
    location_text: str | None = None
    occurred_at: Moment | None = None
    county: str | None = None
    sub_county: str | None = None
    ward: str | None = None
    lat: float | None = None
    lon: float | None = None
    language: str | None = None


class TipCreated(Schema):
    tip_code: str


class ReportIn(TipIn):
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class ReportCreated(Schema):
    reference: str


class MessageIn(Schema):
    text: str


class CodeIn(Schema):
    code: str
    lang: str = "sw"


class CodeMessageIn(Schema):
    code: str
    text: str


class ReferenceIn(Schema):
    reference: str
    lang: str = "sw"


class MessageOut(Schema):
    author: str
    text: str
    created_at: datetime


class StatusOut(Schema):
    status: str
    status_label: str
    note: str
    updated_at: datetime
    messages: list[MessageOut]
    station: str = ""


def _input(payload: TipIn, channel: str) -> services.SubmissionInput:
    if not payload.category:
        raise InvalidInput("category: must not be empty")
    return services.SubmissionInput(
        category=payload.category,
        description=payload.description,
        channel=channel,
        language=payload.language or "sw",
        county=payload.county or "",
        sub_county=payload.sub_county or "",
        ward=payload.ward or "",
        location_text=payload.location_text or "",
        lat=payload.lat,
        lon=payload.lon,
        occurred_at=payload.occurred_at,
    )


@public_router.get("/public/categories", response=list[CategoryOut])
def categories(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": c.code, "name_en": c.name_en, "name_sw": c.name_sw} for c in CATEGORIES]


@public_router.post("/public/tips", response={201: TipCreated})
def create_tip(request: HttpRequest, payload: TipIn) -> tuple[int, dict[str, str]]:
    _tip, code = services.submit_tip(_input(payload, Channel.API))
    return 201, {"tip_code": code}


def _status(status: services.PublicStatus) -> dict[str, Any]:
    return {
        "status": status.status,
        "status_label": status.status_label,
        "note": status.note,
        "updated_at": status.updated_at,
        "station": status.station,
        "messages": [
            {"author": m.author, "text": m.text, "created_at": m.created_at}
            for m in status.messages
        ],
    }


def _client(request: HttpRequest) -> throttle.Client:
    # The address becomes an opaque, per-process key held in memory only (throttle.py).
    return throttle.for_address(throttle.client_address(request.META))


# A tip code or a reference travels in the request body, never in the path: a path sits in
# proxies' access logs and in the history of whatever made the call.
@public_router.post("/public/tips/status", response=StatusOut)
def tip_status(request: HttpRequest, payload: CodeIn) -> dict[str, Any]:
    return _status(services.tip_status(payload.code, payload.lang, client=_client(request)))


@public_router.post("/public/tips/messages", response={201: MessageOut})
def tip_message(request: HttpRequest, payload: CodeMessageIn) -> tuple[int, Any]:
    message = services.add_tipster_message(
        payload.code, payload.text, Channel.API, client=_client(request)
    )
    return 201, {"author": message.author, "text": message.text, "created_at": message.created_at}


@public_router.post("/public/reports", response={201: ReportCreated})
def create_report(request: HttpRequest, payload: ReportIn) -> tuple[int, dict[str, str]]:
    contact = None
    if payload.contact_phone or payload.contact_email or payload.contact_name:
        contact = services.Contact(
            name=payload.contact_name or "",
            phone=payload.contact_phone or "",
            email=payload.contact_email or "",
        )
    report = services.submit_report(_input(payload, Channel.API), contact=contact)
    return 201, {"reference": report.reference}


@public_router.post("/public/reports/status", response=StatusOut)
def report_status(request: HttpRequest, payload: ReferenceIn) -> dict[str, Any]:
    return _status(services.report_status(payload.reference, payload.lang, client=_client(request)))


# --- staff ------------------------------------------------------------------------------------
class QueueItemOut(Schema):
    kind: str
    id: int
    label: str
    category: str
    suggested_category: str
    priority: str
    suggested_priority: str
    status: str
    channel: str
    verified_source: bool
    place: str
    created_at: datetime
    excerpt: str
    group: int


class StaffMessageOut(Schema):
    id: int
    author: str
    text: str
    channel: str
    created_at: datetime


class SubmissionOut(Schema):
    kind: str
    id: int
    label: str
    category: str
    description: str
    county: str
    sub_county: str
    ward: str
    location_text: str
    lat: float | None
    lon: float | None
    occurred_at: datetime | None
    status: str
    priority: str
    suggested_category: str
    suggested_priority: str
    channel: str
    verified_source: bool
    agency: str
    assigned_agency: str | None
    station: str
    public_note: str
    created_at: datetime
    incident_number: int | None = None
    converted_at: datetime | None = None
    contact_phone: str = ""
    contact_name: str = ""
    contact_email: str = ""
    messages: list[StaffMessageOut] = []


class TriageIn(Schema):
    category: str | None = None
    priority: str | None = None
    status: str | None = None
    assigned_agency: str | None = None
    station: str | None = None
    public_note: str | None = None


def submission_out(kind: str, item: Any) -> dict[str, Any]:
    out = {
        "kind": kind,
        "id": item.pk,
        "label": item.reference if kind == "report" else f"TIP-{item.pk}",
        "agency": item.agency.code,
        "assigned_agency": item.assigned_agency.code if item.assigned_agency_id else None,
        **{
            name: getattr(item, name)
            for name in [
                "category",
                "description",
                "county",
                "sub_county",
                "ward",
                "location_text",
                "lat",
                "lon",
                "occurred_at",
                "status",
                "priority",
                "suggested_category",
                "suggested_priority",
                "channel",
                "verified_source",
                "station",
                "public_note",
                "created_at",
                "incident_number",
                "converted_at",
            ]
        },
    }
    if kind == "report":
        out.update(
            contact_phone=item.contact_phone,
            contact_name=item.contact_name,
            contact_email=item.contact_email,
        )
    else:
        out["messages"] = [
            {
                "id": m.id,
                "author": m.author,
                "text": m.text,
                "channel": m.channel,
                "created_at": m.created_at,
            }
            for m in item.messages.all()
        ]
    return out


def _kind(kind: str) -> str:
    if kind not in {"tip", "report"}:
        raise HttpError(404, "not found")
    return kind


@staff_router.get("/intake/queue", response=list[QueueItemOut])
def staff_queue(request: HttpRequest, include_closed: bool = False) -> list[Any]:
    return staff.queue(request.user, include_closed=include_closed)


@staff_router.get("/intake/tips/{tip_id}", response=SubmissionOut)
def staff_tip(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    return submission_out("tip", staff.get_tip(request.user, tip_id))


@staff_router.get("/intake/reports/{report_id}", response=SubmissionOut)
def staff_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return submission_out("report", staff.get_report(request.user, report_id))


@staff_router.post("/intake/tips/{tip_id}/messages", response={201: StaffMessageOut})
def staff_reply(request: HttpRequest, tip_id: int, payload: MessageIn) -> tuple[int, Any]:
    message = staff.reply_to_tip(request.user, tip_id, payload.text)
    return 201, {
        "id": message.id,
        "author": message.author,
        "text": message.text,
        "channel": message.channel,
        "created_at": message.created_at,
    }


@staff_router.post("/intake/{kind}s/{item_id}/triage", response=SubmissionOut)
def staff_triage(
    request: HttpRequest, kind: str, item_id: int, payload: TriageIn
) -> dict[str, Any]:
    item = staff.triage(request.user, _kind(kind), item_id, **payload.dict())
    return submission_out(kind, item)
