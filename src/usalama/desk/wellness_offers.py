"""Cross-app wiring: a s. 25 notification (death or serious injury from police action) is a
critical incident, so the officers named in it are offered a confidential wellness referral.

Delivery code: oversight and wellness do not import each other; this module connects the
oversight signal to the wellness service. Connected once, from the web app's ``ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from usalama.audit.services import Actor
from usalama.oversight.models import Notification
from usalama.oversight.signals import critical_incident
from usalama.wellness import services as wellness
from usalama.wellness.models import IncidentKind

_ACTOR = Actor(name="s25-notification")


def offer_referrals(
    sender: Any,
    *,
    agency: Any,
    occurred_at: dt.datetime,
    place: str,
    reference: str,
    officers: list[tuple[str, str, int | None]],
    **_: Any,
) -> None:
    if not officers:
        return
    wellness.record_critical_incident(
        _ACTOR,
        agency,
        kind=IncidentKind.DEATH_OR_INJURY,
        occurred_at=occurred_at,
        place=place,
        officers=[wellness.InvolvedOfficer(n, s, u) for n, s, u in officers],
        external_ref=reference,
    )


def connect() -> None:
    critical_incident.connect(
        offer_referrals, sender=Notification, dispatch_uid="s25-wellness-offers"
    )
