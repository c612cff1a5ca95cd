from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"


def _code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client: Client, username: str) -> None:
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/otp/"
    response = client.post("/otp/", {"token": _code(username)})
    assert response.status_code == 302 and response["Location"] == "/"


def test_pages_need_login(client: Client, world: Any) -> None:
    for path in ["/", "/search/?q=hassan", "/entities/nps-p1/", "/account/tokens/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_password_alone_does_not_open_data_pages(client: Client, world: Any) -> None:
    client.post("/login/", {"username": "nps.analyst", "password": PASSWORD})
    response = client.get("/entities/nps-p1/")
    assert response.status_code == 302 and response["Location"] == "/otp/"


def test_wrong_totp_code_is_refused(client: Client, world: Any) -> None:
    client.post("/login/", {"username": "nps.analyst", "password": PASSWORD})
    response = client.post(
        "/otp/", {"token": "000000" if _code("nps.analyst") != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert client.get("/").status_code == 302


def test_login_search_entity_flow(client: Client, world: Any) -> None:
    _login(client, "nps.analyst")
    dashboard = client.get("/").content.decode()
    assert "NPS incident records" in dashboard and "DCI intelligence" not in dashboard
    results = client.get("/search/", {"q": "hassan"}).content.decode()
    assert "/entities/nps-p1/" in results and "dci-p1" not in results
    page = client.get("/entities/nps-p1/").content.decode()
    assert "+254712345678" in page and "fixture.json" in page and "H1" in page
    assert client.get("/entities/dci-p1/").status_code == 404
    assert AuditEvent.objects.filter(action="login", actor="nps.analyst").exists()
    assert AuditEvent.objects.filter(action="entity.read", object_id="nps-p1").exists()


def test_swahili_interface(client: Client, world: Any) -> None:
    _login(client, "nps.analyst")
    response = client.post("/i18n/setlang/", {"language": "sw", "next": "/entities/nps-p1/"})
    assert response.status_code == 302
    page = client.get("/entities/nps-p1/").content.decode()
    assert 'lang="sw"' in page
    assert "Tafuta" in page  # "Search"
    assert "Kumbukumbu zinasema nini" in page  # "What the records say"


def test_lockout_after_repeated_failures(client: Client, world: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/", {"username": "nps.analyst", "password": "wrong"}, REMOTE_ADDR="10.9.8.7"
        )
    response = client.post(
        "/login/", {"username": "nps.analyst", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 429


def test_token_page_shows_token_once(client: Client, world: Any) -> None:
    _login(client, "nps.analyst")
    first = client.post("/account/tokens/", {"name": "laptop"}).content.decode()
    assert 'id="new-token"' in first
    again = client.get("/account/tokens/").content.decode()
    assert 'id="new-token"' not in again and "laptop" in again
