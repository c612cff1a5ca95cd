"""API: cases, their chain, recording an event, and the justice KPIs. Always through services.

Another agency's case answers 404 like a missing one; a write the role may not make, 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from usalama.analysis.justice import Period, compute_kpis
from usalama.audit.services import record
from usalama.cases import services
from usalama.cases.models import Case, ChainEvent, reads_cases
from usalama.core.errors import NotFound
from usalama.core.moments import Moment

router = Router(tags=["cases"])
# ``from`` is a Python keyword: aliased query parameters (module-level, for ruff's B008).
_FROM = Query(..., alias="from")
_TO = Query(..., alias="to")


class CaseOut(Schema):
    reference: str
    title: str
    agency: str
    handling: str
    ob: str
    dci_file: str
    odpp_file: str
    court_case: str


class EventOut(Schema):
    id: int
    kind: str
    detail: str
    accused_entity_id: str | None
    occurred_at: dt.datetime
    agency: str
    recorded_by: str
    note: str


class CaseDetailOut(CaseOut):
    accused: list[dict[str, str]]
    offences: list[str]
    events: list[EventOut]


class EventIn(Schema):
    kind: str
    occurred_at: Moment
    accused_entity_id: str | None = None
    detail: str = ""
    note: str = ""


def _case(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "title": case.title,
        "agency": case.agency.code,
        "handling": case.handling,
        "ob": case.ob_reference,
        "dci_file": case.dci_file,
        "odpp_file": case.odpp_file,
        "court_case": case.court_case,
    }


def _event(event: ChainEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "detail": event.detail,
        "accused_entity_id": event.accused.entity_id if event.accused else None,
        "occurred_at": event.occurred_at,
        "agency": event.agency.code,
        "recorded_by": event.recorded_by,
        "note": event.note,
    }


@router.get("/cases", response=list[CaseOut])
def list_cases(request: HttpRequest, q: str = Query("", max_length=100)) -> list[dict[str, Any]]:
    return [_case(case) for case in services.list_cases(request.user, q)]


@router.get("/cases/{reference}", response=CaseDetailOut)
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    case = services.get_case(request.user, reference)
    own, chains = services.chains(case)
    events = own + [event for chain in chains for event in chain.events]
    return {
        **_case(case),
        "accused": [{"entity_id": c.party.entity_id, "name": c.party.name} for c in chains],
        "offences": [f"{o.statute} s. {o.section}" for o in case.offences.all()],
        "events": [_event(e) for e in sorted(events, key=lambda e: (e.occurred_at, e.pk))],
    }


@router.post("/cases/{reference}/events", response={201: EventOut})
def record_event(request: HttpRequest, reference: str, body: EventIn) -> tuple[int, dict[str, Any]]:
    case = services.get_case(request.user, reference, audit=False)
    accused = None
    if body.accused_entity_id:
        party = case.parties.filter(role="accused", entity_id=body.accused_entity_id).first()
        accused = party.pk if party else -1
    event = services.record_event(
        request.user,
        case,
        kind=body.kind,
        occurred_at=body.occurred_at,
        accused=accused,
        detail=body.detail,
        note=body.note,
    )
    return 201, _event(event)


@router.get("/justice/kpis")
def justice_kpis(
    request: HttpRequest,
    date_from: dt.date = _FROM,
    date_to: dt.date = _TO,
    tz: str = Query("", max_length=64),
) -> dict[str, Any]:
    """The issue's KPIs over [from, to) in ``tz``, over the cases the caller sees."""
    if not reads_cases(request.user):
        raise NotFound("not found")
    period = Period.of(date_from, date_to, tz or settings.TIME_ZONE)
    figures = compute_kpis(services.event_log(request.user), period)
    record(
        request.user,
        "justice.kpis",
        object_type="justice",
        details={"from": date_from.isoformat(), "to": date_to.isoformat()},
    )
    return figures
