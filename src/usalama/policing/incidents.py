"""Single incidents as a station works them: the Occurrence Book number, the list and the
detail a user may see, assignment to an officer, and time in the queue.

Part of the policing services (split from ``services.py`` to keep modules small): the only
code that writes incidents' OB numbers and assignments; it checks access and audits.

Occurrence Book numbers follow the Kenyan station book, where an entry is cited as
"OB No. 12/06/12/2026": the 12th entry of 6 December 2026 in that station's book (the
serial starts again each day). Several stations share one system, so the number carries
the station's code in front: ``OB/<STATION>/<serial>/<dd>/<mm>/<yyyy>``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from usalama.accounts.models import User
from usalama.accounts.roles import Role
from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.policing.models import Incident, IncidentStatus

# Who may hand an incident to an officer (in the agency that owns it).
ASSIGN_ROLES = {Role.DESK_OFFICER, Role.COMMANDER, Role.SUPERVISOR}
# Who may be handed one: officers who work incidents.
OFFICER_ROLES = {Role.DESK_OFFICER, Role.COMMANDER, Role.SUPERVISOR, Role.ANALYST}
OB_TIME_ZONE = ZoneInfo("Africa/Nairobi")
_STOP_WORDS = {"police", "station", "post", "patrol", "base", "ps", "the"}
_WORD = re.compile(r"[A-Za-z0-9]+")
_OB = re.compile(
    r"^OB/(?P<station>[A-Z0-9-]{1,16})/(?P<serial>\d+)/(?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})$"
)


def station_code(station: str, fallback: str) -> str:
    """A short upper-case code for a station's book: "Kilimani Police Station" -> KILIMANI.

    Words such as "Police" and "Station" are dropped; two words are joined by a hyphen
    ("Kasarani North" -> KASARANI-NORTH); at most 16 characters. ``fallback`` (the agency's
    code) when the station is unknown.
    """
    words = [w.upper() for w in _WORD.findall(station) if w.lower() not in _STOP_WORDS]
    code = "-".join(words)[:16].strip("-")
    return code or re.sub(r"[^A-Z0-9]", "", fallback.upper())[:16] or "HQ"


def format_ob(station: str, serial: int, day: dt.date) -> str:
    return f"OB/{station}/{serial}/{day:%d}/{day:%m}/{day:%Y}"


def parse_ob(number: str) -> tuple[str, int, dt.date]:
    """(station code, serial, date) of an OB number; InvalidInput if it is not one."""
    found = _OB.match(number.strip().upper())
    if found is None:
        raise InvalidInput("not an OB number: OB/<station>/<serial>/<dd>/<mm>/<yyyy>")
    try:
        day = dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError as bad:
        raise InvalidInput("not an OB number: the date does not exist") from bad
    return found["station"], int(found["serial"]), day


def _next_serial(code: str, day: dt.date) -> int:
    suffix = f"/{day:%d}/{day:%m}/{day:%Y}"
    taken = Incident.objects.filter(
        ob_number__startswith=f"OB/{code}/", ob_number__endswith=suffix
    ).values_list("ob_number", flat=True)
    serials = [parse_ob(n)[1] for n in taken]
    return max(serials, default=0) + 1


def number_incident(incident: Incident, agency_code: str) -> str:
    """Give ``incident`` the next entry of its station's book for the day it was received
    (local Kenyan date); an incident that has a number keeps it."""
    if incident.ob_number:
        return incident.ob_number
    code = station_code(incident.station, agency_code)
    day = incident.received_at.astimezone(OB_TIME_ZONE).date()
    for _attempt in range(5):
        incident.ob_number = format_ob(code, _next_serial(code, day), day)
        try:
            with transaction.atomic():
                incident.save(update_fields=["ob_number"])
        except IntegrityError:  # another desk took that serial at the same moment
            continue
        return incident.ob_number
    raise InvalidInput("could not allocate an OB number; try again")


# --- reading ----------------------------------------------------------------------------------


def visible_incidents(user: Any) -> QuerySet[Incident]:
    return Incident.objects.visible_to(user).select_related("collection__agency", "assigned_to")


def list_incidents(
    user: Any, *, status: str = "", query: str = "", limit: int = 200
) -> list[Incident]:
    """Incidents the user may see, newest first; filtered by status and text; audited."""
    if status and status not in IncidentStatus.values:
        raise InvalidInput(f"status: one of {', '.join(IncidentStatus.values)}")
    rows = visible_incidents(user)
    if status:
        rows = rows.filter(status=status)
    query = query.strip()[:100]
    if query:
        rows = rows.filter(
            Q(ob_number__icontains=query)
            | Q(category__icontains=query)
            | Q(station__icontains=query)
            | Q(external_id__icontains=query)
        )
    found = list(rows.order_by("-received_at", "-id")[: max(1, min(limit, 1000))])
    record(
        user,
        "incident.list",
        query=query,
        details={"status": status, "count": len(found)},
    )
    return found


def get_incident(user: Any, incident_id: int) -> Incident:
    """One incident the user may see (another agency's answers NotFound); audited."""
    incident = visible_incidents(user).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("incident not found")
    record(user, "incident.view", object_type="incident", object_id=incident.pk)
    return incident


def may_assign(user: Any, incident: Incident) -> bool:
    """Owner-only: a grant lets another agency read an incident, never assign it."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "sees_records", False)
        and user.role_set & ASSIGN_ROLES
        and incident.collection.agency_id == user.agency_id
    )


def officers_for(user: Any) -> list[User]:
    """Active officers of the user's agency who can be handed an incident."""
    if not getattr(user, "is_authenticated", False):
        return []
    candidates = User.objects.filter(agency_id=user.agency_id).order_by("username")
    return [u for u in candidates if u.is_active and u.role_set & OFFICER_ROLES]


def assign_incident(user: Any, incident_id: int, officer_username: str) -> Incident:
    """Hand an incident to an officer of the owning agency; audited, refusals too.

    Another agency's incident that the user cannot see is NotFound; one seen through a
    grant, or by a role that does not assign, is PermissionDenied. Neither changes anything.
    """
    actor = Actor.of(user)
    incident = visible_incidents(user).filter(pk=incident_id).first()
    if incident is None:
        record(
            actor,
            "incident.assign.refused",
            object_type="incident",
            object_id=incident_id,
            details={"reason": "not found"},
        )
        raise NotFound("incident not found")
    if not may_assign(user, incident):
        record(
            actor,
            "incident.assign.refused",
            object_type="incident",
            object_id=incident.pk,
            details={"reason": "not the owning agency's desk or command"},
        )
        raise PermissionDenied("only the owning agency's desk or command assigns this incident")
    officer = next((u for u in officers_for(user) if u.username == officer_username), None)
    if officer is None:
        raise InvalidInput(f"officer: no active officer {officer_username[:150]!r} in your agency")
    now = timezone.now()
    with transaction.atomic():
        before = incident.assigned_to.username if incident.assigned_to else ""
        incident.assigned_to = officer
        incident.assigned_at = now
        if incident.status == IncidentStatus.OPEN:
            incident.status = IncidentStatus.ASSIGNED
        incident.save(update_fields=["assigned_to", "assigned_at", "status"])
        record(
            actor,
            "incident.assign",
            object_type="incident",
            object_id=incident.pk,
            details={"officer": officer.username, "before": before, "ob": incident.ob_number},
        )
    return incident


# --- time in the queue and the timeline ---------------------------------------------------------


def taken_up_at(incident: Incident) -> dt.datetime | None:
    """When someone took it up: assigned, or a unit dispatched (whichever came first)."""
    times = [t for t in (incident.assigned_at, incident.dispatched_at) if t is not None]
    return min(times) if times else None


def time_in_queue(incident: Incident, now: dt.datetime | None = None) -> dt.timedelta:
    """From received to taken up; still counting (to ``now``) while nobody has it."""
    end = taken_up_at(incident)
    if end is None:
        if incident.status == IncidentStatus.CLOSED or incident.cleared_at is not None:
            end = incident.cleared_at or incident.received_at
        else:
            end = now or timezone.now()
    return max(end - incident.received_at, dt.timedelta(0))


def waiting(incident: Incident) -> bool:
    return (
        taken_up_at(incident) is None
        and incident.status == IncidentStatus.OPEN
        and (incident.cleared_at is None)
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    what: str  # a key the page turns into a translated label


def timeline(incident: Incident) -> list[TimelineEntry]:
    steps = [
        (incident.received_at, "received"),
        (incident.answered_at, "answered"),
        (incident.dispatched_at, "dispatched"),
        (incident.arrived_at, "arrived"),
        (incident.assigned_at, "assigned"),
        (incident.cleared_at, "cleared"),
    ]
    return sorted(
        (TimelineEntry(at, what) for at, what in steps if at is not None), key=lambda e: e.at
    )


# --- the book of an imported collection -----------------------------------------------------------


def enter_in_books(actor: Actor, collection: Any) -> int:
    """Give every incident of ``collection`` without an OB number the next entry of its
    station's book for its day (in the order received), and close those already cleared.

    For a station's own calls loaded from its dispatch system (``usalama demo`` and
    imports of Kenyan books); returns how many were numbered. Audited as one event.
    """
    pending = list(
        Incident.objects.filter(collection=collection, ob_number="").order_by("received_at", "id")
    )
    if not pending:
        return 0
    agency_code = collection.agency.code
    last: dict[tuple[str, dt.date], int] = {}
    codes = {station_code(i.station, agency_code) for i in pending}
    for number in Incident.objects.filter(
        Q(*[Q(ob_number__startswith=f"OB/{c}/") for c in codes], _connector=Q.OR)
    ).values_list("ob_number", flat=True):
        code, serial, day = parse_ob(number)
        last[(code, day)] = max(last.get((code, day), 0), serial)
    for incident in pending:
        code = station_code(incident.station, agency_code)
        day = incident.received_at.astimezone(OB_TIME_ZONE).date()
        serial = last.get((code, day), 0) + 1
        last[(code, day)] = serial
        incident.ob_number = format_ob(code, serial, day)
        if incident.cleared_at is not None and incident.status != IncidentStatus.CLOSED:
            incident.status = IncidentStatus.CLOSED
    with transaction.atomic():
        Incident.objects.bulk_update(pending, ["ob_number", "status"], batch_size=1000)
        record(
            actor,
            "incidents.enter_in_books",
            object_type="collection",
            object_id=collection.pk,
            details={"numbered": len(pending)},
        )
    return len(pending)
