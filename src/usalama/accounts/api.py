"""API: agencies (administrators) and the caller's own identity."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from usalama.accounts import services
from usalama.accounts.models import Agency
from usalama.accounts.roles import Role
from usalama.audit.services import Actor
from usalama.core.errors import PermissionDenied

router = Router(tags=["accounts"])


class AgencyOut(Schema):
    code: str
    name: str
    country: str
    kind: str


class AgencyIn(Schema):
    code: str = Field(..., min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=2, max_length=200)
    country: str = Field(..., min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
    kind: str = Field(..., pattern="^(police|investigations|prosecution|oversight|fiu|partner)$")


class MeOut(Schema):
    username: str
    agency: str | None
    roles: list[str]


def _require_admin(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.is_admin:
        raise PermissionDenied("this needs an administrator role")
    return user


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "agency": user.agency.code if user.agency_id else None,
        "roles": sorted(user.role_set),
    }


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: HttpRequest) -> Any:
    _require_admin(request)
    return list(Agency.objects.order_by("code"))


@router.post("/agencies", response={201: AgencyOut})
def create_agency(request: HttpRequest, payload: AgencyIn) -> Any:
    user = _require_admin(request)
    if not user.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("only a system administrator creates agencies")
    agency = services.ensure_agency(
        Actor.of(user),
        code=payload.code.upper(),
        name=payload.name,
        country=payload.country,
        kind=payload.kind,
    )
    return 201, agency
