"""A Django test client logged in as a user of the shared ``world`` (password, then TOTP)."""

from __future__ import annotations

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
