"""Who may read which audit events, the viewer's filters, and the CSV export.

The rule (documented in docs/administration.md and THREAT_MODEL.md):

* a system administrator reads every event;
* an agency administrator, a supervisor and an internal-affairs officer read the events
  of their own agency's people;
* an oversight investigator (IPOA) reads the events of its own agency and of every police
  and investigations agency (IPOA's mandate is police conduct), except events about
  wellness referrals (``wellness.*``), which stay confidential between counsellor and officer;
* nobody else reads the audit log.

Each read of the log is itself an audit event (``audit.read`` / ``audit.export``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from usalama.accounts.models import Agency, AgencyKind
from usalama.accounts.roles import Role
from usalama.audit.models import AuditEvent
from usalama.audit.services import VerifyResult, confidential_actions, record, verify_chain
from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput, PermissionDenied

OWN_AGENCY_ROLES = (Role.AGENCY_ADMIN, Role.SUPERVISOR, Role.INTERNAL_AFFAIRS)
OVERSEEN_KINDS = (AgencyKind.POLICE, AgencyKind.INVESTIGATIONS)
PAGE_SIZE = 100
EXPORT_LIMIT = 100_000


def may_read_audit(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(Role.SYSTEM_ADMIN, Role.OVERSIGHT_INVESTIGATOR, *OWN_AGENCY_ROLES)
    )


def may_verify(user: Any) -> bool:
    return bool(may_read_audit(user) and user.has_role(Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN))


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """The events `user` is entitled to read (see the module's docstring)."""
    if not may_read_audit(user):
        raise PermissionDenied("the audit log is for administrators, supervisors and oversight")
    events = AuditEvent.objects.all()
    if user.has_role(Role.SYSTEM_ADMIN):
        return events
    # Neither oversight nor the officer's own supervisors learn that someone sought support.
    return events.filter(agency__in=_agency_codes(user)).exclude(confidential_actions())


def _agency_codes(user: Any) -> list[str]:
    """Codes of the agencies whose events ``user`` may read (the module's rule)."""
    agencies = Agency.objects.all()
    if not user.has_role(Role.SYSTEM_ADMIN):
        own = user.agency.code if user.agency_id else ""
        allowed = Q(code=own) if own and user.has_role(*OWN_AGENCY_ROLES) else Q(pk__in=[])
        if user.has_role(Role.OVERSIGHT_INVESTIGATOR):
            allowed |= Q(kind__in=OVERSEEN_KINDS) | Q(code=own)
        agencies = agencies.filter(allowed)
    return sorted(agencies.values_list("code", flat=True))


def agencies_in_scope(user: Any) -> list[str]:
    """Agency codes the viewer's agency filter offers: every agency whose events the viewer
    may read, whether or not it has any events yet.

    From the agencies, not the events: a distinct over the whole log would read every event
    on each page, and an agency without events (a partner just added, linked from its admin
    page) would be refused as a filter instead of showing an empty log."""
    if not may_read_audit(user):
        raise PermissionDenied("the audit log is for administrators, supervisors and oversight")
    return _agency_codes(user)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    agency: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def apply(events: QuerySet[AuditEvent], filters: Filters) -> QuerySet[AuditEvent]:
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput("the 'from' date is after the 'to' date")
    if filters.actor:
        events = events.filter(actor__iexact=filters.actor)
    if filters.action:
        # "user" matches user.create, user.roles…; "user.create" matches only itself
        events = events.filter(
            Q(action=filters.action) | Q(action__startswith=filters.action + ".")
        )
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.agency:
        events = events.filter(agency=filters.agency)
    if filters.since:
        events = events.filter(time__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(time__lt=_day_start(filters.until + timedelta(days=1)))
    return events


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    older_than: int | None  # the id to ask for the next (older) page, if any


def search(user: Any, filters: Filters, *, before_id: int | None = None) -> Page:
    """Newest first, one page at a time. The read itself is audited."""
    events = apply(visible_events(user), filters).order_by("-id")
    if before_id:
        events = events.filter(id__lt=before_id)
    rows = list(events[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    record(
        user,
        "audit.read",
        object_type="audit",
        details={"filters": filters.describe(), "count": len(rows)},
    )
    return Page(rows, rows[-1].id if more and rows else None)


def defuse(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ (or a tab/CR) as a formula: quote it out."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


COLUMNS = [
    "id",
    "time",
    "actor",
    "agency",
    "action",
    "object_type",
    "object_id",
    "query",
    "details",
    "hash",
]


def export_csv(user: Any, filters: Filters) -> Iterator[str]:
    """The filtered events as CSV lines (oldest first), every text cell formula-safe."""
    events = apply(visible_events(user), filters).order_by("id")
    total = events.count()
    if total > EXPORT_LIMIT:
        raise InvalidInput(
            f"{total} events match; narrow the filters to at most {EXPORT_LIMIT} for one export"
        )
    record(
        user,
        "audit.export",
        object_type="audit",
        details={"filters": filters.describe(), "count": total},
    )

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = spreadsheets.writer(out)
        writer.writerow(COLUMNS)
        yield out.getvalue()
        for event in events.iterator(chunk_size=2000):
            out.seek(0)
            out.truncate()
            writer.writerow(
                [
                    event.id,
                    event.time.isoformat(),
                    defuse(event.actor),
                    defuse(event.agency),
                    defuse(event.action),
                    defuse(event.object_type),
                    defuse(event.object_id),
                    defuse(event.query),
                    defuse(json.dumps(event.details, ensure_ascii=False, sort_keys=True)),
                    event.hash,
                ]
            )
            yield out.getvalue()

    return lines()


def verify(user: Any) -> VerifyResult:
    """Run the chain check from the page (administrators); the run is audited."""
    if not may_verify(user):
        raise PermissionDenied("verifying the audit chain needs an administrator role")
    result = verify_chain()
    record(
        user,
        "audit.verify",
        object_type="audit",
        details={"checked": result.checked, "ok": result.ok, "first_bad_id": result.first_bad_id},
    )
    return result
