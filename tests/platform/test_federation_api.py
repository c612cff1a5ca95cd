"""The hit/no-hit endpoint refuses callers without the peer's token and signature, limits
each peer per hour, and audits counts only; bundles refuse what is not for us."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from usalama.analysis.federation import psi
from usalama.analysis.federation.keys import Identity
from usalama.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed(world: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    from usalama.sharing import federation

    settings.VAR_DIR = tmp_path
    settings.USALAMA_HITCHECK_PER_HOUR = 2
    federation.init_identity("NPS")
    peer_identity = Identity.generate()
    federation.trust_peer("uganda", peer_identity.public().text())
    token = federation.issue_token("uganda")
    return {"peer": peer_identity, "token": token}


def _body(identity: Identity, items: list[str], kind: str = "phone") -> tuple[bytes, Any]:
    asker = psi.Asker(items)
    body = json.dumps(
        {
            "from": identity.public().text(),
            "kind": kind,
            "at": datetime.now(tz=UTC).isoformat(),
            "request": base64.b64encode(asker.request()).decode(),
        }
    ).encode()
    return body, asker


def _post(body: bytes, token: str, signature: str) -> Any:
    return Client().post(
        "/api/v1/federation/hitcheck",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "X-Usalama-Signature": signature},
    )


def _sign(identity: Identity, body: bytes) -> str:
    return base64.b64encode(identity.sign(body)).decode()


def test_signed_check_answers_and_audits_counts_only(installed: Any) -> None:
    from usalama.audit.models import AuditEvent

    peer = installed["peer"]
    body, asker = _body(peer, ["254712345678", "256700000001"])
    reply = _post(body, installed["token"], _sign(peer, body))
    assert reply.status_code == 200
    answer = reply.json()
    hits = asker.hits(base64.b64decode(answer["setup"]), base64.b64decode(answer["response"]))
    assert hits == ["254712345678"]
    event = AuditEvent.objects.get(action="federation.hitcheck.answered")
    assert event.details["asked"] == 2
    assert "256700000001" not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_wrong_token_signature_or_stranger_is_refused(installed: Any) -> None:
    from usalama.audit.models import AuditEvent

    peer, stranger = installed["peer"], Identity.generate()
    body, _ = _body(peer, ["254712345678"])
    assert _post(body, "uslp_wrong", _sign(peer, body)).status_code == 403
    assert _post(body, installed["token"], _sign(stranger, body)).status_code == 403
    assert AuditEvent.objects.filter(action="federation.hitcheck.refused").count() == 1
    other, _ = _body(stranger, ["254712345678"])
    assert _post(other, installed["token"], _sign(stranger, other)).status_code == 403
    reply = Client().post("/api/v1/federation/hitcheck", data=body, content_type="application/json")
    assert reply.status_code == 401
    assert _post(b"{not json", installed["token"], _sign(peer, b"{not json")).status_code == 422


def test_rate_limit_per_peer(installed: Any) -> None:
    peer = installed["peer"]
    for _ in range(2):
        body, _ = _body(peer, ["254712345678"])
        assert _post(body, installed["token"], _sign(peer, body)).status_code == 200
    body, _ = _body(peer, ["254712345678"])
    reply = _post(body, installed["token"], _sign(peer, body))
    assert reply.status_code == 403 and "rate limit" in reply.json()["message"]


def test_export_of_anothers_h2_is_refused_and_bundles_for_others_are_refused(
    installed: Any, tmp_path: Path
) -> None:
    from usalama.analysis.federation.bundle import seal
    from usalama.sharing import federation

    with pytest.raises(PermissionDenied, match="DCI"):
        federation.export_bundle("dci-intel", "uganda", tmp_path / "x.bundle")
    assert not (tmp_path / "x.bundle").exists()
    assert federation.export_bundle("nps-incidents", "uganda", tmp_path / "ok.bundle") == 4
    elsewhere = tmp_path / "elsewhere.bundle"
    elsewhere.write_bytes(seal(installed["peer"], Identity.generate().public(), {"a": 1}))
    with pytest.raises(InvalidInput, match="addressed to another"):
        federation.import_bundle(elsewhere)
