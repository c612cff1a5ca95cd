from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usalama.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, token: str | None = None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, params, headers=headers)


def test_health_needs_no_token(client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_is_published(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/entities" in spec["paths"]
    assert "/api/v1/entities/{entity_id}" in spec["paths"]


def test_search_without_token_is_401(client: Client, world: Any) -> None:
    response = client.get("/api/v1/entities", {"q": "hassan"})
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


@pytest.mark.parametrize("token", ["", "usl_forged", "x" * 500, "usl_' OR 1=1 --"])
def test_forged_tokens_are_401(client: Client, world: Any, token: str) -> None:
    response = _get(client, "/api/v1/entities", token or "-", q="hassan")
    assert response.status_code == 401


def test_revoked_token_is_401(client: Client, world: Any, token_for: Any) -> None:
    from usalama.accounts.models import ApiToken
    from usalama.accounts.services import revoke_token
    from usalama.audit.services import Actor

    raw = token_for("nps.analyst")
    assert _get(client, "/api/v1/me", raw).status_code == 200
    revoke_token(Actor(name="test"), ApiToken.objects.get(user__username="nps.analyst").id)
    assert _get(client, "/api/v1/me", raw).status_code == 401


def test_tokens_are_stored_hashed(world: Any, token_for: Any) -> None:
    from usalama.accounts.models import ApiToken

    raw = token_for("nps.analyst")
    stored = ApiToken.objects.get(user__username="nps.analyst")
    assert raw not in (stored.key_hash, stored.key_prefix)
    assert stored.key_hash != raw and len(stored.key_hash) == 64


def test_search_sees_only_own_agency(client: Client, world: Any, token_for: Any) -> None:
    nps = token_for("nps.analyst")
    body = _get(client, "/api/v1/entities", nps, q="hassan").json()
    assert [r["id"] for r in body["results"]] == ["nps-p1"]
    assert body["results"][0]["agencies"] == ["NPS"]
    assert body["results"][0]["schema"] == "Person"
    dci = token_for("dci.analyst")
    body = _get(client, "/api/v1/entities", dci, q="hassan").json()
    assert [r["id"] for r in body["results"]] == ["dci-p1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HASSAN mohamed", "nps-p1"),  # case and order of name parts
        ("Mohaméd Ábdi", "nps-p1"),  # accents
        ("0712 345 678", "nps-p1"),  # local phone format
        ("+254-712-345678", "nps-p1"),  # E.164 with separators
        ("a123456789z", "nps-p1"),  # KRA PIN, any case
        ("23456789", "nps-p1"),  # national ID
        ("PVT-AB12CD3", "nps-c1"),  # company registration
        ("pwani logis", "nps-c1"),  # prefix match
    ],
)
def test_search_normalises_names_and_identifiers(
    client: Client, world: Any, token_for: Any, query: str, expected: str
) -> None:
    body = _get(client, "/api/v1/entities", token_for("nps.analyst"), q=query).json()
    assert expected in [r["id"] for r in body["results"]]


def test_wallet_search(client: Client, world: Any, token_for: Any) -> None:
    body = _get(
        client,
        "/api/v1/entities",
        token_for("dci.analyst"),
        q="bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
    ).json()
    assert [r["id"] for r in body["results"]] == ["dci-w1"]


def test_entity_of_other_agency_is_404(client: Client, world: Any, token_for: Any) -> None:
    nps = token_for("nps.analyst")
    assert _get(client, "/api/v1/entities/nps-p1", nps).status_code == 200
    response = _get(client, "/api/v1/entities/dci-p1", nps)
    assert response.status_code == 404
    assert _get(client, "/api/v1/entities/does-not-exist", nps).json() == response.json()


def test_entity_shows_provenance(client: Client, world: Any, token_for: Any) -> None:
    body = _get(client, "/api/v1/entities/nps-p1", token_for("nps.analyst")).json()
    assert body["schema"] == "Person" and body["caption"] == "Mohamed Abdi Hassan"
    props = {p["name"]: p for p in body["properties"]}
    phone = props["phone"]["values"][0]
    assert phone["value"] == "+254712345678"
    assert phone["agency"] == "NPS" and phone["collection"] == "NPS incident records"
    assert phone["source"] == "fixture.json" and phone["record"] == "1"
    assert (phone["reliability"], phone["assessment"], phone["handling"]) == ("B", "2", "H1")
    assert body["referenced_by"][0]["id"] == "nps-d1"


def test_reads_and_searches_are_audited(client: Client, world: Any, token_for: Any) -> None:
    nps = token_for("nps.analyst")
    _get(client, "/api/v1/entities", nps, q="wanjiku")
    _get(client, "/api/v1/entities/nps-p2", nps)
    search = AuditEvent.objects.filter(action="search", actor="nps.analyst").get()
    assert search.query == "wanjiku" and search.details["results"] == 1
    assert AuditEvent.objects.filter(action="entity.read", object_id="nps-p2").exists()


def test_shared_collection_becomes_visible(client: Client, world: Any, token_for: Any) -> None:
    from usalama.records.models import CollectionGrant

    prosecutor = token_for("odpp.prosecutor")
    assert _get(client, "/api/v1/entities/dci-p1", prosecutor).status_code == 404
    CollectionGrant.objects.create(
        collection=world["collections"]["dci"], agency=world["agencies"]["ODPP"], granted_by="test"
    )
    assert _get(client, "/api/v1/entities/dci-p1", prosecutor).status_code == 200


def test_roles_without_record_access_see_nothing(
    client: Client, world: Any, token_for: Any
) -> None:
    body = _get(client, "/api/v1/entities", token_for("nps.wellness"), q="hassan").json()
    assert body["results"] == []
    assert _get(client, "/api/v1/collections", token_for("nps.wellness")).json() == []


def test_admin_endpoints_need_admin(client: Client, world: Any, token_for: Any) -> None:
    assert _get(client, "/api/v1/agencies", token_for("nps.analyst")).status_code == 403
    assert _get(client, "/api/v1/audit/events", token_for("nps.analyst")).status_code == 403
    admin = token_for("sysadmin")
    assert {a["code"] for a in _get(client, "/api/v1/agencies", admin).json()} >= {"NPS", "DCI"}
    events = _get(client, "/api/v1/audit/events", admin, limit=5).json()
    assert len(events) == 5 and events[0]["id"] == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/entities", {}),  # missing q
        ("/api/v1/entities", {"q": "x" * 5000}),  # oversized
        ("/api/v1/entities", {"q": "hassan", "limit": "many"}),  # wrong type
        ("/api/v1/entities", {"q": "hassan", "limit": "-1"}),
        ("/api/v1/entities", {"q": "hassan", "schema": "Person; DROP TABLE"}),
        ("/api/v1/collections/not-a-number", {}),
        ("/api/v1/collections/99999999999999999999999", {}),
        ("/api/v1/audit/events", {"after_id": "-5"}),
        ("/api/v1/entities/" + "a" * 300, {}),
    ],
)
def test_bad_input_is_a_4xx_json_error(
    client: Client, world: Any, token_for: Any, path: str, params: dict[str, str]
) -> None:
    response = _get(client, path, token_for("sysadmin"), **params)
    assert 400 <= response.status_code < 500, response.content[:300]
    body = response.json()
    assert body["code"] and body["message"]
    assert "Traceback" not in response.content.decode()


def test_oversized_post_body_is_413_json(client: Client, world: Any, token_for: Any) -> None:
    big = json.dumps({"code": "X" * 3_000_000, "name": "n", "country": "KE", "kind": "police"})
    response = client.post(
        "/api/v1/agencies",
        big,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for('sysadmin')}"},
    )
    assert response.status_code in (400, 413, 422)
    assert response.json()["code"]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        '{"code": 5}',
        "\x00\xff\xfe",
        '{"code":"AB","name":"n","country":"KEN","kind":"police"}',
    ],
)
def test_malformed_json_bodies_are_4xx(
    client: Client, world: Any, token_for: Any, body: str
) -> None:
    response = client.post(
        "/api/v1/agencies",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for('sysadmin')}"},
    )
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(min_size=1, max_size=250))
def test_hostile_search_strings_never_500(
    client: Client, world: Any, token_for: Any, query: str
) -> None:
    response = _get(client, "/api/v1/entities", token_for("nps.analyst"), q=query)
    assert response.status_code in (200, 401, 422), (query, response.content[:200])


def test_no_two_api_schemas_share_a_name() -> None:
    """OpenAPI components are keyed by the schema's class name: two apps defining `AlertOut`
    silently publish one of them for both (the clients and schemathesis then see the wrong
    shape)."""
    import inspect
    import sys
    from collections import defaultdict

    import pydantic

    import usalama.api.main  # noqa: F401 - registers every router, importing their schemas

    modules: dict[str, set[str]] = defaultdict(set)
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not name.startswith("usalama.") or not name.endswith(".api"):
            continue
        for attribute, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, pydantic.BaseModel)
                and value.__module__ == name
            ):
                modules[attribute].add(name)
    assert {k: v for k, v in modules.items() if len(v) > 1} == {}
