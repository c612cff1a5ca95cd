"""A small oversight world: NPS (police), DCI, IPOA (oversight); a user per role; an officer
with a deployed flag; complaints (one IPOA-only, one shared with NPS); a wellness referral."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

SECRET_NOTE = "sleepless since the shooting at Kibera"
USERS = {
    "nps.analyst": ("NPS", "analyst"),
    "nps.officer": ("NPS", "analyst"),  # the flagged officer's own login
    "nps.supervisor": ("NPS", "supervisor"),
    "nps.commander": ("NPS", "commander"),
    "nps.iau": ("NPS", "internal_affairs"),
    "nps.wellness": ("NPS", "wellness_counsellor"),
    "nps.admin": ("NPS", "agency_admin"),
    "sysadmin": ("NPS", "system_admin"),
    "ipoa.investigator": ("IPOA", "oversight_investigator"),
    "dci.analyst": ("DCI", "analyst"),
    "dci.wellness": ("DCI", "wellness_counsellor"),
}


def build(db: Any = None) -> dict[str, Any]:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.oversight import services as oversight
    from usalama.oversight.models import Officer, Shift
    from usalama.wellness import services as wellness

    actor = Actor(name="test")
    agencies = {
        "NPS": accounts.ensure_agency(
            actor, code="NPS", name="National Police Service", country="KE", kind="police"
        ),
        "DCI": accounts.ensure_agency(
            actor, code="DCI", name="DCI", country="KE", kind="investigations"
        ),
        "IPOA": accounts.ensure_agency(
            actor, code="IPOA", name="IPOA", country="KE", kind="oversight"
        ),
    }
    users = {}
    for username, (agency, role) in USERS.items():
        users[username] = accounts.create_user(
            actor,
            username=username,
            agency=agencies[agency],
            roles=[role],
            password="correct horse battery staple 42",
            check_password=False,
        ).user
    officer = Officer.objects.create(
        agency=agencies["NPS"],
        service_number="NPS-1001",
        name="Juma Otieno",
        rank="Constable",
        user=users["nps.officer"],
    )
    other = Officer.objects.create(
        agency=agencies["NPS"], service_number="NPS-1002", name="Akinyi Wanjiru", rank="Corporal"
    )
    at = timezone.make_aware(dt.datetime(2026, 3, 1, 21, 0))
    Shift.objects.create(
        officer=officer,
        station="Kilimani",
        starts_at=at - dt.timedelta(hours=3),
        ends_at=at + dt.timedelta(hours=5),
    )
    Shift.objects.create(
        officer=other,
        station="Kasarani",
        starts_at=at - dt.timedelta(hours=3),
        ends_at=at + dt.timedelta(hours=5),
    )
    private, code = oversight.file_public_complaint(
        description="An officer slapped me at the Kilimani station gate",
        station="Kilimani",
        occurred_at=at,
        category="excessive_force",
    )
    shared, _ = oversight.file_public_complaint(
        description="Officers demanded a bribe at a roadblock", category="corruption"
    )
    shared.shared_with.add(agencies["NPS"])
    model = oversight.publish_model(
        actor,
        agencies["NPS"],
        version="eis-test-1",
        as_of=dt.date(2026, 1, 1),
        metrics={},
        fairness=[{"grouping": "gender", "groups": [{"group": "M", "officers": 10}]}],
        max_disparity=1.1,
    )
    oversight.add_flags(
        actor, model, [(officer, 0.42, [{"feature": "force_alleg_1y", "value": 3}])]
    )
    flag = officer.flags.get()
    incident, _n = wellness.record_critical_incident(
        actor,
        agencies["NPS"],
        kind="firearm",
        occurred_at=at,
        place="Kibera",
        officers=[wellness.InvolvedOfficer("Juma Otieno", "NPS-1001", users["nps.officer"].pk)],
    )
    referral = incident.referrals.get()
    wellness.update_referral(users["nps.wellness"], referral.pk, note=SECRET_NOTE)
    return {
        "agencies": agencies,
        "users": users,
        "officer": officer,
        "other": other,
        "private": private,
        "code": code,
        "shared": shared,
        "model": model,
        "flag": flag,
        "referral": referral,
        "incident": incident,
    }


def login(client: Client, user: Any) -> Client:
    """Signed in with the second factor passed (the TOTP flow itself is tested elsewhere)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
