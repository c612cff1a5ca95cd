"""Who may do what with a case: one place, asked by the services, views and API.

Seeing is not writing. A case's owning agency edits it (investigator roles); an agency the
case is shared with reads it and records only the chain events its role records.
"""

from __future__ import annotations

from typing import Any

from usalama.accounts.roles import Role
from usalama.audit.services import record
from usalama.cases.models import Case, EventKind, active_shares
from usalama.core.errors import NotFound, PermissionDenied

INVESTIGATOR_ROLES = (Role.ANALYST, Role.SUPERVISOR, Role.DESK_OFFICER)

POLICE_EVENTS = frozenset(
    {EventKind.REPORTED, EventKind.ARRESTED, EventKind.RELEASED_ON_BAIL, EventKind.FILE_TO_ODPP}
)
PROSECUTION_EVENTS = frozenset(
    {EventKind.CHARGE_DECISION, EventKind.CHARGED, EventKind.APPEAL_FILED}
)
COURT_EVENTS = frozenset(
    {
        EventKind.FIRST_APPEARANCE,
        EventKind.REMANDED,
        EventKind.RELEASED_ON_BAIL,
        EventKind.HEARING,
        EventKind.JUDGMENT,
        EventKind.SENTENCED,
        EventKind.APPEAL_FILED,
    }
)
EVENTS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ANALYST: POLICE_EVENTS,
    Role.SUPERVISOR: POLICE_EVENTS,
    Role.DESK_OFFICER: POLICE_EVENTS,
    Role.PROSECUTOR: PROSECUTION_EVENTS,
    Role.COURT_CLERK: COURT_EVENTS,
}


def recordable_kinds(user: Any) -> frozenset[str]:
    """Event kinds the user's roles record (on a case the user can see)."""
    kinds: set[str] = set()
    roles: frozenset[str] = user.role_set if user.is_authenticated else frozenset()
    for role in roles:
        kinds |= EVENTS_BY_ROLE.get(role, frozenset())
    return frozenset(kinds)


def owns(user: Any, case: Case) -> bool:
    return bool(
        user.is_authenticated
        and user.agency_id == case.agency_id
        and user.has_role(*INVESTIGATOR_ROLES)
    )


def is_visible(user: Any, case: Case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def shared_for_writing(user: Any, case: Case) -> bool:
    """The owner, or an agency with a share in force that is not read-only (a case grant
    from the Sharing page is read-only: its recipient reads and records nothing)."""
    if user.is_authenticated and user.agency_id == case.agency_id:
        return True
    return (
        is_visible(user, case)
        and active_shares()
        .filter(case_id=case.pk, agency_id=user.agency_id, read_only=False)
        .exists()
    )


def refuse(user: Any, case: Case | None, action: str, reason: str, **details: Any) -> None:
    """Audit a refused write, then raise 404 if the case is not visible, else 403."""
    visible = case is not None and is_visible(user, case)
    record(
        user,
        "case.write_refused",
        object_type="case",
        object_id=case.reference if case is not None and visible else "",
        details={"action": action, "reason": reason, **details},
    )
    if not visible:
        raise NotFound("case not found")
    raise PermissionDenied(reason)


def require_owner(user: Any, case: Case, action: str) -> None:
    if not owns(user, case):
        refuse(user, case, action, "only the owning agency's investigators may do this")


def require_event_right(user: Any, case: Case, kind: str) -> None:
    if not is_visible(user, case):
        refuse(user, case, "event", "case not visible", kind=kind)
    if not shared_for_writing(user, case):
        refuse(user, case, "event", "the case was shared with your agency read-only", kind=kind)
    if kind not in recordable_kinds(user):
        refuse(user, case, "event", f"your role does not record {kind} events", kind=kind)
