"""Incident pages: the list, one incident (map, timeline, the reports and tips it came from,
the assigned officer, time in the queue) and assignment to an officer.

Delivery code: it joins the policing incident with the intake items converted into it, which
the two apps may not do themselves (they never import each other).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.intake import staff
from usalama.intake.models import Priority
from usalama.policing import incidents
from usalama.policing.models import IncidentStatus

TIMELINE_LABELS = {
    "received": gettext_lazy("Received"),
    "answered": gettext_lazy("Call answered"),
    "dispatched": gettext_lazy("Unit dispatched"),
    "arrived": gettext_lazy("Unit arrived"),
    "assigned": gettext_lazy("Assigned to an officer"),
    "cleared": gettext_lazy("Cleared"),
}


def duration(span: dt.timedelta) -> str:
    """A short human duration: "45 min", "3 h 05 min", "2 d 4 h"."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


def priority_label(code: str) -> Any:
    """An intake priority (``high``) as its translated label; a dispatch code (P1) as is."""
    return Priority(code).label if code in Priority.values else code


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    error = ""
    try:
        rows = incidents.list_incidents(request.user, status=status, query=query)
    except InvalidInput as bad:
        error, rows = bad.message, []
    now = timezone.now()
    context = {
        "rows": [
            {
                "incident": i,
                "in_queue": duration(incidents.time_in_queue(i, now)),
                "waiting": incidents.waiting(i),
                "priority": priority_label(i.priority),
            }
            for i in rows
        ],
        "status": status,
        "query": query,
        "statuses": IncidentStatus.choices,
        "error": error,
    }
    return render(request, "policing/incident_list.html", context, status=400 if error else 200)


@login_required
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    try:
        incident = incidents.get_incident(request.user, incident_id)
    except NotFound as missing:
        raise Http404 from missing
    may_assign = incidents.may_assign(request.user, incident)
    location = (
        {"lat": incident.latitude, "lon": incident.longitude, "label": incident.number}
        if incident.latitude is not None and incident.longitude is not None
        else None
    )
    context = {
        "incident": incident,
        "in_queue": duration(incidents.time_in_queue(incident)),
        "waiting": incidents.waiting(incident),
        "timeline": [(e.at, TIMELINE_LABELS[e.what]) for e in incidents.timeline(incident)],
        "linked": staff.linked_to_incident(request.user, incident.pk),
        "may_assign": may_assign,
        "priority": priority_label(incident.priority),
        "officers": incidents.officers_for(request.user) if may_assign else [],
        "location": location,
        "tiles": _tiles(),
    }
    return render(request, "policing/incident_detail.html", context)


@login_required
@require_POST
def incident_assign(request: HttpRequest, incident_id: int) -> HttpResponse:
    try:
        done = incidents.assign_incident(request.user, incident_id, request.POST.get("officer", ""))
    except NotFound as missing:
        raise Http404 from missing
    except PermissionDenied as refused:
        # seen through a grant, or a role that does not assign: refused (and audited), 403
        raise DjangoPermissionDenied(refused.message) from refused
    except InvalidInput as bad:
        messages.error(request, bad.message)
    else:
        assert done.assigned_to is not None
        messages.success(
            request,
            _("%(number)s assigned to %(officer)s.")
            % {"number": done.number, "officer": done.assigned_to.get_username()},
        )
    return redirect("incident", incident_id=incident_id)


def _tiles() -> str:
    """A tile server only if one is configured (offline installations have none)."""
    from django.conf import settings

    config = getattr(settings, "LEAFLET_CONFIG", {}) or {}
    tiles = config.get("TILES") or ""
    return tiles if isinstance(tiles, str) else ""
