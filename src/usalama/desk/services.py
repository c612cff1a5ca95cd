"""Convert a triaged report or tip into a policing incident, keeping the link both ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from usalama.intake import staff
from usalama.policing import services as policing


@dataclass(frozen=True)
class Conversion:
    kind: str
    item_id: int
    incident_id: int
    already: bool  # the item had been converted before: the same incident is returned
    number: str = ""  # the incident's OB number


def convert_to_incident(user: Any, kind: str, item_id: int, *, station: str = "") -> Conversion:
    """Open (or find) the incident for a report or tip and record the link on both sides.

    One transaction: the incident, the intake link, the status the reporter sees and both
    audit events are stored together or not at all. The incident's external id names the
    submission (``intake:<kind>:<id>``); the submission keeps the incident's id.
    """
    with transaction.atomic():
        handover = staff.handover(user, kind, item_id)
        incident = policing.open_incident(
            user,
            source=handover.source,
            category=handover.category_name,
            priority=handover.priority,
            station=station or handover.station,
            received_at=handover.received_at,
            latitude=handover.lat,
            longitude=handover.lon,
        )
        staff.mark_converted(
            user,
            kind,
            item_id,
            incident_number=incident.pk,
            station=station or handover.station,
            incident_ob=incident.ob_number,
        )
    return Conversion(
        kind, item_id, incident.pk, handover.incident_number == incident.pk, incident.number
    )
