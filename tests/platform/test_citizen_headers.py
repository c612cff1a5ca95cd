"""Finding 9 (issue #20): hardened pages. A Content-Security-Policy with nonces and no inline
script, no-store on signed-in pages and API answers, HSTS and secure cookies over TLS, no
redirect to another host after login or the second factor."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import usalama

SRC = Path(usalama.__file__).parent
PASSWORD = "correct horse battery staple 42"


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


def test_no_template_has_an_inline_script_or_handler() -> None:
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            inline = "src=" not in attributes and "nonce=" not in attributes
            if inline and 'type="application/json"' not in attributes:
                offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: on* handler")
        if "javascript:" in text:
            offenders.append(f"{template}: javascript: URL")
    assert offenders == []


def test_every_page_has_a_policy_without_inline_script(client: Client, world: Any) -> None:
    for path in ("/login/", "/report/", "/tip/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
        )
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'self'" in directives["script-src"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        assert not any("http" in src for src in directives["script-src"])


def test_signed_in_pages_and_the_api_are_not_stored(
    client: Client, world: dict[str, Any], token_for: Any
) -> None:
    analyst = _signed_in(world["users"]["nps.analyst"])
    page = analyst.get("/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    api = client.get("/api/v1/collections", HTTP_AUTHORIZATION="Bearer " + token_for("nps.analyst"))
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
    refused = client.get("/api/v1/collections")
    assert refused.status_code == 401 and "no-store" in refused["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"


def test_hsts_and_secure_cookies_over_tls(
    client: Client, world: dict[str, Any], settings: Any
) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    over_tls = client.get("/login/", secure=True)
    assert over_tls["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login/")  # only over HTTPS
    posted = Client().post(
        "/login/",
        {"username": "nps.wellness", "password": PASSWORD},
        secure=True,
    )
    session_cookie = posted.cookies.get("sessionid")
    assert session_cookie is not None and session_cookie["secure"]


def test_the_tls_settings_follow_the_environment() -> None:
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='usalama.settings';"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    import os

    env = {**os.environ, "USALAMA_TLS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["31536000", "True", "True"]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "https:evil.example", "/\\evil.example"],
)
def test_no_redirect_to_another_host_after_login_or_2fa(
    world: dict[str, Any], settings: Any, target: str
) -> None:
    settings.USALAMA_DEMO_SKIP_2FA = False
    client = Client()
    response = client.post(
        f"/login/?next={target}",
        {"username": "nps.analyst", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    otp_url = response["Location"]
    assert otp_url.startswith("/otp/")
    from django_otp.oath import TOTP

    device = world["users"]["nps.analyst"].totpdevice_set.get()
    token = TOTP(device.bin_key).token()
    done = client.post(otp_url, {"token": f"{token:06d}"})
    assert done.status_code == 302
    assert done["Location"] == "/" or not done["Location"].startswith(("http", "//", "/\\"))
    assert "evil.example" not in done["Location"]
    # and an address on this host is followed
    again = Client().post(
        "/login/?next=/search/", {"username": "nps.wellness", "password": PASSWORD}
    )
    assert again["Location"] in {"/search/", "/otp/?next=%2Fsearch%2F"}
