"""Staff API for desk work across domain apps (token auth, like every staff router)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from usalama.desk.services import convert_to_incident

router = Router(tags=["intake"])


class ConvertIn(Schema):
    station: str | None = None


class ConvertOut(Schema):
    kind: str
    id: int
    incident_id: int
    ob_number: str  # how the incident is named (Occurrence Book number)
    already: bool


@router.post("/intake/{kind}s/{item_id}/incident", response={201: ConvertOut, 200: ConvertOut})
def convert(
    request: HttpRequest, kind: str, item_id: int, payload: ConvertIn
) -> tuple[int, dict[str, object]]:
    if kind not in {"tip", "report"}:
        raise HttpError(404, "not found")
    done = convert_to_incident(request.user, kind, item_id, station=payload.station or "")
    body = {
        "kind": kind,
        "id": item_id,
        "incident_id": done.incident_id,
        "ob_number": done.number,
        "already": done.already,
    }
    return (200 if done.already else 201), body
