"""Single sign-on through an agency's OpenID Connect provider (issue #20, accounts/sso.py).

A tiny provider is served by the test itself on the loopback interface: its own RSA keys, a
JWKS document and a token endpoint that answers the ID token the test prepared for a code.
Nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import RSAAlgorithm

CLIENT_SECRET = "test-client-secret-not-a-real-one"


class FakeProvider:
    """An OpenID provider on 127.0.0.1: ``/jwks`` and ``/token``; codes map to ID tokens."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"{name}-key-1"
        self.codes: dict[str, str] = {}
        self.token_requests: list[dict[str, list[str]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                provider.token_requests.append(form)
                code = form.get("code", [""])[0]
                if (
                    self.path != "/token"
                    or code not in provider.codes
                    or form.get("client_secret") != [CLIENT_SECRET]
                    or not form.get("code_verifier")
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                self._json({"id_token": provider.codes.pop(code), "access_token": "at"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = f"{self.base}/{name}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self, claims: dict[str, Any], *, key: Any = None) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": f"usalama-{self.name}",
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def config(self, slug: str, agency: str, **extra: Any) -> dict[str, Any]:
        return {
            "slug": slug,
            "agency": agency,
            "label": f"{agency} directory",
            "issuer": self.issuer,
            "client_id": f"usalama-{self.name}",
            "client_secret_env": "USALAMA_TEST_OIDC_SECRET",
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "roles_claim": "groups",
            "roles": {
                "intel-analysts": "analyst",
                "intel-supervisors": "supervisor",
                "it-admins": "agency_admin",
            },
            "mfa_acr_values": ["urn:test:mfa"],
            **extra,
        }


@pytest.fixture
def idps(
    world: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, FakeProvider]]:
    monkeypatch.setenv("USALAMA_TEST_OIDC_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    dci, nps = FakeProvider("dci"), FakeProvider("nps")
    config = tmp_path / "oidc.json"
    config.write_text(json.dumps([dci.config("dci-sso", "DCI"), nps.config("nps-sso", "NPS")]))
    settings.USALAMA_OIDC_PROVIDERS = str(config)
    settings.USALAMA_DEMO_SKIP_2FA = False
    yield {"dci": dci, "nps": nps}
    for provider in (dci, nps):
        provider.server.shutdown()
        provider.server.server_close()


def _start(client: Any, slug: str, next_url: str = "") -> dict[str, str]:
    query = {"next": next_url} if next_url else {}
    response = client.get(f"/login/sso/{slug}/", query)
    assert response.status_code == 302
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert params["code_challenge_method"] == "S256"
    return params


def _finish(
    client: Any,
    provider: FakeProvider,
    slug: str,
    claims: dict[str, Any],
    *,
    next_url: str = "",
    token: str | None = None,
    nonce: str | None = None,
) -> Any:
    params = _start(client, slug, next_url)
    provider.codes["code-1"] = token or provider.id_token(
        {"nonce": params["nonce"] if nonce is None else nonce, **claims}
    )
    return client.get("/login/sso/callback/", {"code": "code-1", "state": params["state"]})


def _events(action: str) -> list[dict[str, Any]]:
    from usalama.audit.models import AuditEvent

    return [e.details for e in AuditEvent.objects.filter(action=action).order_by("id")]


ANALYST = {
    "sub": "u-100",
    "preferred_username": "wanjiru",
    "email": "wanjiru@dci.example",
    "groups": ["intel-analysts", "canteen-committee"],
    "amr": ["pwd", "mfa"],
}


def test_login_page_offers_each_agencys_provider(idps: Any, client: Any) -> None:
    page = client.get("/login/").content.decode()
    assert "Sign in with DCI directory" in page
    assert "/login/sso/dci-sso/" in page and "/login/sso/nps-sso/" in page


def test_sign_in_creates_the_user_with_mapped_roles_and_trusts_the_providers_mfa(
    idps: Any, client: Any
) -> None:
    from usalama.accounts.models import ExternalIdentity, User

    response = _finish(client, idps["dci"], "dci-sso", ANALYST, next_url="/search/?q=x")
    assert response.status_code == 302 and response["Location"] == "/search/?q=x"
    user = User.objects.get(username="wanjiru@dci-sso")
    assert user.agency.code == "DCI" and user.role_set == {"analyst"}
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(provider="dci-sso", subject="u-100").user == user
    assert client.get("/").status_code == 200  # no TOTP asked: the provider asserted mfa
    assert _events("login")[-1] == {
        "second_factor": True,
        "via": "oidc",
        "provider": "dci-sso",
        "second_factor_by": "provider",
    }
    # the PKCE verifier and the client secret went to the token endpoint
    assert idps["dci"].token_requests[-1]["code_verifier"]

    # the next login updates the roles from the claims
    client.post("/logout/")
    promoted = {**ANALYST, "groups": ["intel-supervisors"]}
    assert _finish(client, idps["dci"], "dci-sso", promoted).status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.role_set == {"supervisor"}
    assert _events("user.roles")[-1]["to"] == ["supervisor"]


def test_without_an_asserted_second_factor_usalamas_totp_follows(idps: Any, client: Any) -> None:
    claims = {**ANALYST, "amr": ["pwd"]}
    response = _finish(client, idps["dci"], "dci-sso", claims)
    assert response.status_code == 302 and response["Location"].startswith("/otp/")
    assert client.get("/").status_code == 302  # not verified yet
    assert _events("login")[-1]["second_factor_by"] == "usalama"
    # an acr at the configured level counts as the provider's second factor
    client.post("/logout/")
    response = _finish(client, idps["dci"], "dci-sso", {**claims, "acr": "urn:test:mfa"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("flaw", ["signature", "audience", "expired", "nonce", "issuer"])
def test_a_bad_id_token_is_refused_and_audited(idps: Any, client: Any, flaw: str) -> None:
    from usalama.accounts.models import User

    provider = idps["dci"]
    params = _start(client, "dci-sso")
    claims = {**ANALYST, "nonce": params["nonce"]}
    key = None
    if flaw == "signature":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif flaw == "audience":
        claims["aud"] = "someone-else"
    elif flaw == "expired":
        claims["exp"] = int(time.time()) - 3600
    elif flaw == "nonce":
        claims["nonce"] = "not-the-one-we-sent"
    elif flaw == "issuer":
        claims["iss"] = idps["nps"].issuer
    provider.codes["c"] = provider.id_token(claims, key=key)
    response = client.get("/login/sso/callback/", {"code": "c", "state": params["state"]})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not User.objects.filter(username="wanjiru@dci-sso").exists()
    assert client.get("/").status_code == 302
    assert _events("login.failed")[-1]["provider"] == "dci-sso"
    assert _events("login") == []


def test_another_agencys_provider_cannot_sign_into_a_different_agency(
    idps: Any, client: Any
) -> None:
    from usalama.accounts.models import User

    # NPS's provider's token, presented on DCI's callback: wrong key, issuer and audience
    params = _start(client, "dci-sso")
    idps["dci"].codes["c"] = idps["nps"].id_token({**ANALYST, "nonce": params["nonce"]})
    client.get("/login/sso/callback/", {"code": "c", "state": params["state"]})
    assert client.get("/").status_code == 302
    assert _events("login.failed")[-1]["provider"] == "dci-sso"
    # the same subject at NPS's provider is NPS's own account, never DCI's
    _finish(client, idps["dci"], "dci-sso", ANALYST)
    client.post("/logout/")
    _finish(client, idps["nps"], "nps-sso", ANALYST)
    assert User.objects.get(username="wanjiru@nps-sso").agency.code == "NPS"
    assert User.objects.get(username="wanjiru@dci-sso").agency.code == "DCI"


def test_deactivated_unknown_roles_and_taken_names_are_refused(idps: Any, client: Any) -> None:
    from usalama.accounts.models import User

    # no known role in the claims
    _finish(client, idps["dci"], "dci-sso", {**ANALYST, "groups": ["canteen-committee"]})
    assert "no known role" in _events("login.failed")[-1]["reason"]
    # deactivated after a first login
    _finish(client, idps["dci"], "dci-sso", ANALYST)
    client.post("/logout/")
    User.objects.filter(username="wanjiru@dci-sso").update(is_active=False)
    _finish(client, idps["dci"], "dci-sso", ANALYST)
    assert client.get("/").status_code == 302
    assert _events("login.failed")[-1]["reason"] == "the account is deactivated"
    # a second subject whose name is already taken does not take the account over
    _finish(client, idps["dci"], "dci-sso", {**ANALYST, "sub": "u-200"})
    assert "belongs to another account" in _events("login.failed")[-1]["reason"]


def test_next_stays_on_this_host_and_a_state_is_used_once(idps: Any, client: Any) -> None:
    response = _finish(client, idps["dci"], "dci-sso", ANALYST, next_url="https://evil.example/")
    assert response["Location"] == "/"
    client.post("/logout/")
    params = _start(client, "dci-sso")
    token = idps["dci"].id_token({**ANALYST, "nonce": params["nonce"]})
    idps["dci"].codes["c"] = token
    client.get("/login/sso/callback/", {"code": "c", "state": params["state"]})
    client.post("/logout/")
    idps["dci"].codes["c"] = token  # a replay of the same state
    client.get("/login/sso/callback/", {"code": "c", "state": params["state"]})
    assert client.get("/").status_code == 302
    assert _events("login.failed")[-1]["reason"] == "unknown or reused state"
    assert client.get("/login/sso/nobody/").status_code == 404


def test_configuration_keeps_secrets_out_and_roles_known(
    idps: Any, settings: Any, tmp_path: Path
) -> None:
    from usalama.accounts import sso

    base = idps["dci"].config("x", "DCI")
    for bad, message in [
        ({"client_secret": "s"}, "never written in this file"),
        ({"roles": {"g": "wizard"}}, "unknown role"),
        ({"roles": {"g": "system_admin"}}, "cannot grant system_admin"),
        ({"client_secret_env": "", "client_secret_file": str(settings.VAR_DIR / "s")}, "inside"),
        ({"sign_algo": "HS256"}, "sign_algo"),
    ]:
        path = tmp_path / "bad.json"
        path.write_text(json.dumps([{**base, **bad}]))
        settings.USALAMA_OIDC_PROVIDERS = str(path)
        with pytest.raises(ImproperlyConfigured, match=message):
            sso.providers()
