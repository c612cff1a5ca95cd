"""Signing in as a user of the shared ``world``: a Django test client logged in (password,
then TOTP), or the header of a fresh API token."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 42"


def log_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post("/login/", {"username": username, "password": password})
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302
    return client


def bearer(user: Any) -> dict[str, str]:
    """The ``Authorization`` header (as a test client keyword) of a new API token of ``user``."""
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor

    raw = accounts.create_token(Actor(name="t"), user).raw
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
