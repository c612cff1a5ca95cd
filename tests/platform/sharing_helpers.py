"""What the sharing tests share: a supervisor in each of two agencies on top of the shared
``world``, whether a user sees an entity, and a web client logged in with its second factor."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.core.errors import NotFound

PASSWORD = "correct horse battery staple 42"


def add_supervisors(world: dict[str, Any], *codes: str) -> dict[str, Any]:
    """The world's users plus ``<code>.supervisor`` for each agency code, made in that order."""
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    made = {}
    for code in codes:
        username = f"{code.lower()}.supervisor"
        made[username] = accounts.create_user(
            Actor(name="test"),
            username=username,
            agency=world["agencies"][code],
            roles=["supervisor"],
            password=PASSWORD,
        ).user
    return {**world["users"], **made}


def sees(user: Any, entity_id: str) -> bool:
    from usalama.records import services as records

    try:
        records.get_entity(user, entity_id)
    except NotFound:
        return False
    return True


def log_in(username: str) -> Client:
    client = Client()
    client.post("/login/", {"username": username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302
    return client
