"""The first page's panels: the work waiting for this user, their account, and (for
administrators) the people they look after.

Delivery code: it asks each domain app's services how much work waits for the user (the
apps do not know each other). Counting is cheap and not audited; opening the work is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.accounts.models import Agency, User
from usalama.accounts.roles import Role
from usalama.audit.models import AuditEvent
from usalama.intake.models import Report, Status, Tip, may_triage
from usalama.money.models import Alert, AlertStatus
from usalama.policing.models import Incident, IncidentStatus
from usalama.records.models import Collection
from usalama.resolve.models import CandidatePair, PairStatus

POLICING_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.DESK_OFFICER, Role.COMMANDER}
REVIEW_ROLES = {Role.ANALYST, Role.SUPERVISOR}


@dataclass(frozen=True)
class WorkItem:
    key: str
    count: int
    text: str
    url: str


def work_for(user: Any) -> list[WorkItem]:
    """What waits for ``user`` now, each with a link to where it is done."""
    items: list[WorkItem] = []
    if not getattr(user, "sees_records", False):
        return items
    roles = user.role_set
    if may_triage(user):
        waiting = sum(
            model.objects.visible_to(user).filter(status__in=[Status.NEW, Status.TRIAGED]).count()
            for model in (Report, Tip)
        )
        items.append(
            WorkItem(
                "intake",
                waiting,
                ngettext(
                    "report or tip waits for triage", "reports and tips wait for triage", waiting
                ),
                reverse("intake:triage"),
            )
        )
    if roles & POLICING_ROLES:
        open_incidents = Incident.objects.visible_to(user).filter(
            status=IncidentStatus.OPEN, collection__agency_id=user.agency_id
        )
        unassigned = open_incidents.filter(assigned_to__isnull=True).count()
        items.append(
            WorkItem(
                "incidents",
                unassigned,
                ngettext(
                    "open incident has no officer yet",
                    "open incidents have no officer yet",
                    unassigned,
                ),
                reverse("incidents") + "?status=open",
            )
        )
    if roles & REVIEW_ROLES:
        alerts = Alert.objects.visible_to(user).filter(status=AlertStatus.OPEN).count()
        if alerts:
            items.append(
                WorkItem(
                    "money",
                    alerts,
                    ngettext("open money alert", "open money alerts", alerts),
                    reverse("money:alerts"),
                )
            )
        pairs = CandidatePair.objects.visible_to(user).filter(status=PairStatus.REVIEW).count()
        if pairs:
            items.append(
                WorkItem(
                    "resolution",
                    pairs,
                    ngettext(
                        "possible match waits for review", "possible matches wait for review", pairs
                    ),
                    reverse("resolve:review"),
                )
            )
    shared = (
        Collection.objects.visible_to(user)
        .exclude(agency_id=user.agency_id)
        .values_list("id", flat=True)
    )
    if shared:
        count = len(shared)
        items.append(
            WorkItem(
                "shared",
                count,
                ngettext(
                    "collection is shared with your agency by another",
                    "collections are shared with your agency by others",
                    count,
                ),
                reverse("records:collections"),
            )
        )
    return items


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
