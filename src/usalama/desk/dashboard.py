"""The first page's panels: the work waiting for this user, their account, and (for
administrators) the people they look after.

Delivery code. The work waiting for the user is counted in ``usalama.desk.work``, one area of
the apps at a time; this module adds the account and the administrators' panels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.accounts.models import Agency, User
from usalama.accounts.roles import Role
from usalama.audit.models import AuditEvent
from usalama.desk.work import work_for


def _enrolled(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@dataclass(frozen=True)
class AccountPanel:
    roles: list[str]
    agency: str
    second_factor: bool
    last_logins: list[Any]


def account_for(user: Any) -> AccountPanel:
    labels = dict(Role.choices)
    return AccountPanel(
        roles=[str(labels.get(r, r)) for r in sorted(user.role_set)],
        agency=str(user.agency) if user.agency_id else "",
        second_factor=_enrolled(user),
        last_logins=list(
            AuditEvent.objects.filter(actor_id=user.pk, action="login")
            .order_by("-id")
            .values_list("time", flat=True)[:5]
        ),
    )


@dataclass(frozen=True)
class PersonRow:
    username: str
    roles: list[str]
    second_factor: bool
    last_login: Any
    active: bool


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    kind: str
    users: int


def people_for(user: Any) -> list[PersonRow]:
    """An agency administrator's people (their agency); nobody else's."""
    if not user.has_role(Role.AGENCY_ADMIN) or not user.agency_id:
        return []
    labels = dict(Role.choices)
    people = User.objects.filter(agency_id=user.agency_id).order_by("username")
    return [
        PersonRow(
            username=p.username,
            roles=[str(labels.get(r, r)) for r in sorted(p.role_set)],
            second_factor=_enrolled(p),
            last_login=p.last_login,
            active=p.is_active,
        )
        for p in people
    ]


def agencies_for(user: Any) -> list[AgencyRow]:
    """The system administrator's view: every agency and how many people it has."""
    if not user.has_role(Role.SYSTEM_ADMIN):
        return []
    kinds = dict(Agency._meta.get_field("kind").choices or [])
    return [
        AgencyRow(a.code, a.name, str(kinds.get(a.kind, a.kind)), a.n)
        for a in Agency.objects.annotate(n=Count("users")).order_by("code")
    ]


def panels(user: Any) -> dict[str, Any]:
    work = work_for(user)
    return {
        "work": work,
        "account": account_for(user),
        "people": people_for(user),
        "agencies": agencies_for(user),
        "work_title": _("Waiting for you") if work else "",
    }
