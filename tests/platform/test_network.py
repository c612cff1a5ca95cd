"""The network app over the database: edges, access gate, paths across agencies, audit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"

# DCI's extra records: a man with nps-p1's phone (written another way) who owns a company
# and pays an associate three times.
DCI_EXTRA = [
    {
        "id": "dci-p2",
        "schema": "Person",
        "properties": {"name": ["Hassan Mohamed"], "phone": ["+254 712 345678"], "country": ["ke"]},
    },
    {"id": "dci-c2", "schema": "Company", "properties": {"name": ["Lamu Traders Ltd"]}},
    {
        "id": "dci-o1",
        "schema": "Ownership",
        "properties": {"owner": ["dci-p2"], "asset": ["dci-c2"], "startDate": ["2020-02-01"]},
    },
    *[
        {
            "id": f"dci-pay{i}",
            "schema": "Payment",
            "properties": {
                "payer": ["dci-p2"],
                "beneficiary": ["dci-p1"],
                "amount": ["1000"],
                "date": [f"2023-0{i}-10"],
            },
        }
        for i in (1, 2, 3)
    ],
]


@pytest.fixture
def net_world(world: dict[str, Any]) -> dict[str, Any]:
    from usalama.audit.services import Actor
    from usalama.network import building
    from usalama.records import services as records
    from usalama.records.models import Source

    collection = world["collections"]["dci"]
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name="extra.json",
        sha256="1" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    records.ingest_entities(
        Actor(name="test"), collection, source, [(e, str(i + 1)) for i, e in enumerate(DCI_EXTRA)]
    )
    building.clear_cache()
    return world


def _grant(world: dict[str, Any], collection: str, agency: str) -> None:
    from usalama.records.models import CollectionGrant

    CollectionGrant.objects.create(
        collection=world["collections"][collection],
        agency=world["agencies"][agency],
        granted_by="test",
    )


def _api(client: Client, token: str, path: str, **params: Any) -> Any:
    return client.get(path, params, headers={"Authorization": f"Bearer {token}"})


def _relations(edges: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {
        (min(e["source"], e["target"]), max(e["source"], e["target"]), e["relation"]) for e in edges
    }


def test_edges_from_relationships_and_shared_identifiers(net_world: Any) -> None:
    from usalama.network import services

    dci = net_world["users"]["dci.analyst"]
    net = services.build_network(dci)
    assert net is not None
    edges = {(e.source, e.target, e.relation): e for e in net.edge_records(range(net.edge_count))}
    ownership = next(e for k, e in edges.items() if k[2] == "Ownership")
    assert {ownership.source, ownership.target} == {"dci-p2", "dci-c2"}
    assert ownership.first_date == "2020-02-01"
    assert ownership.provenance  # the statements that say so
    # Three payments between the same pair make one tie of weight 3.
    payments = [e for k, e in edges.items() if k[2] == "Payment"]
    assert len(payments) == 1 and payments[0].count == 3 and payments[0].weight == 3.0
    assert payments[0].first_date == "2023-01-10" and payments[0].last_date == "2023-03-10"
    # nps-p1's phone is not visible to DCI: no shared-phone edge yet.
    assert not [k for k in edges if k[2] == "same_phone"]

    _grant(net_world, "nps", "DCI")
    net = services.build_network(dci)
    assert net is not None
    shared = [e for e in net.edge_records(range(net.edge_count)) if e.relation == "same_phone"]
    assert len(shared) == 1
    assert {shared[0].source, shared[0].target} == {"nps-p1", "dci-p2"}
    assert shared[0].attributes["label"] == "254712345678"
    assert len(shared[0].provenance) == 2  # one phone statement from each side


def test_directorship_edge_and_expand_api(net_world: Any, client: Client, token_for: Any) -> None:
    token = token_for("nps.analyst")
    response = _api(client, token, "/api/v1/graph/expand", node="nps-p1", hops=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {n["id"] for n in body["nodes"]} == {"nps-p1", "nps-c1"}
    assert _relations(body["edges"]) == {("nps-c1", "nps-p1", "Directorship")}
    # With provenance: collection, agency, source and row of each statement.
    body = _api(
        client, token, "/api/v1/graph/expand", node="nps-p1", hops=1, provenance="true"
    ).json()
    prov = body["edges"][0]["provenance"]
    assert {p["agency"] for p in prov} == {"NPS"}
    assert {p["source"] for p in prov} == {"fixture.json"}
    assert {p["row"] for p in prov} == {"4"}
    # Type filter: no Directorship wanted, no edge.
    body = _api(
        client, token, "/api/v1/graph/expand", node="nps-p1", hops=2, types="Ownership"
    ).json()
    assert body["edges"] == []


def test_invisible_nodes_are_404(net_world: Any, client: Client, token_for: Any) -> None:
    token = token_for("nps.analyst")
    for path, params in [
        ("/api/v1/graph/expand", {"node": "dci-p2"}),
        ("/api/v1/graph/expand", {"node": "no-such-node"}),
        ("/api/v1/graph/path", {"from": "nps-p1", "to": "dci-c2"}),
    ]:
        response = _api(client, token, path, **params)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["code"] == "not_found"
    # A role that does not read records sees no graph at all.
    wellness = token_for("nps.wellness")
    assert _api(client, wellness, "/api/v1/graph/expand", node="nps-p1").status_code == 404
    assert _api(client, token, "/api/v1/graph/expand").status_code == 422


def test_path_across_agencies_only_when_both_visible(
    net_world: Any, client: Client, token_for: Any
) -> None:
    token = token_for("nps.analyst")
    # NPS cannot see DCI's records: the far end does not exist for it.
    assert (
        _api(client, token, "/api/v1/graph/path", **{"from": "nps-c1", "to": "dci-c2"}).status_code
        == 404
    )
    _grant(net_world, "dci", "NPS")
    response = _api(client, token, "/api/v1/graph/path", **{"from": "nps-c1", "to": "dci-c2"})
    assert response.status_code == 200, response.content
    body = response.json()
    (path,) = body["paths"]
    assert path["path"] == ["nps-c1", "nps-p1", "dci-p2", "dci-c2"]
    relations = [h["edges"][0]["relation"] for h in path["hops"]]
    assert relations == ["Directorship", "same_phone", "Ownership"]
    agencies = {p["agency"] for h in path["hops"] for e in h["edges"] for p in e["provenance"]}
    assert agencies == {"NPS", "DCI"}
    hop = path["hops"][1]["edges"][0]["provenance"]
    assert {(p["collection"], p["property"]) for p in hop} == {
        ("NPS incident records", "phone"),
        ("DCI intelligence", "phone"),
    }
    # All simple paths up to 4 links, and a too-short limit gives none.
    body = _api(
        client, token, "/api/v1/graph/path", **{"from": "nps-c1", "to": "dci-c2", "all": "true"}
    ).json()
    assert [p["path"] for p in body["paths"]] == [["nps-c1", "nps-p1", "dci-p2", "dci-c2"]]
    body = _api(
        client, token, "/api/v1/graph/path", **{"from": "nps-c1", "to": "dci-c2", "max_length": 2}
    ).json()
    assert body["paths"] == []
    # Revoking the grant cuts the path again (the cache follows the visible set).
    from django.utils import timezone

    from usalama.records.models import CollectionGrant

    CollectionGrant.objects.update(revoked_at=timezone.now())
    assert (
        _api(client, token, "/api/v1/graph/path", **{"from": "nps-c1", "to": "dci-c2"}).status_code
        == 404
    )


def test_expand_and_path_are_audited(net_world: Any, client: Client, token_for: Any) -> None:
    token = token_for("nps.analyst")
    _api(client, token, "/api/v1/graph/expand", node="nps-p1", hops=2, since="2000-01-01")
    _api(client, token, "/api/v1/graph/path", **{"from": "nps-p1", "to": "nps-c1"})
    expand = AuditEvent.objects.filter(action="graph.expand").last()
    path = AuditEvent.objects.filter(action="graph.path").last()
    assert expand is not None and expand.actor == "nps.analyst" and expand.object_id == "nps-p1"
    assert expand.details["hops"] == 2 and expand.details["since"] == "2000-01-01"
    assert path is not None and path.object_id == "nps-p1→nps-c1" and path.details["paths"] == 1


def test_rank_and_communities(net_world: Any, client: Client, token_for: Any) -> None:
    token = token_for("dci.analyst")
    body = _api(client, token, "/api/v1/graph/rank", measure="degree", top=1).json()
    assert body["results"][0]["id"] == "dci-p2" and body["results"][0]["score"] == 2.0
    assert _api(client, token, "/api/v1/graph/rank", measure="bogus").status_code == 422
    body = _api(client, token, "/api/v1/graph/communities").json()
    assert {c["node"] for c in body["communities"]} == {"dci-p1", "dci-p2", "dci-c2"}


def test_canonical_ids_merge_records(net_world: Any) -> None:
    from usalama.network import building, services
    from usalama.records.models import EntityRecord, Statement

    Statement.objects.filter(entity_id="dci-p1").update(canonical_id="dci-p2")
    EntityRecord.objects.filter(entity_id="dci-p1").update(canonical_id="dci-p2")
    building.clear_cache()
    data = services.graph_data(net_world["users"]["dci.analyst"])
    assert data.node_id("dci-p1") == "dci-p2"
    assert set(data.nodes["dci-p2"].entity_ids) == {"dci-p1", "dci-p2"}
    # The payments became self-links of one node and are dropped.
    assert data.network is not None
    assert "Payment" not in set(data.network.edges["relation"].to_list())


# --- the session JSON behind the link chart ----------------------------------------------------


def _login(client: Client, username: str) -> None:
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302


def test_chart_page_and_session_json(net_world: Any, client: Client) -> None:
    assert client.get("/network/").status_code == 302  # login first
    _login(client, "nps.analyst")
    page = client.get("/network/?node=nps-p1")
    assert page.status_code == 200
    assert b"cytoscape.min.js" in page.content and b'data-start-node="nps-p1"' in page.content
    body = client.get("/network/api/expand", {"node": "nps-p1"}).json()
    assert {n["id"] for n in body["nodes"]} == {"nps-p1", "nps-c1"}
    assert client.get("/network/api/expand", {"node": "dci-p2"}).status_code == 404
    hits = client.get("/network/api/search", {"q": "pwani"}).json()["results"]
    assert [h["id"] for h in hits] == ["nps-c1"]
    path = client.get("/network/api/path", {"from": "nps-p1", "to": "nps-c1"}).json()
    assert path["paths"][0]["hops"][0]["edges"][0]["relation"] == "Directorship"
    statements = body["edges"][0]["statements"]
    prov = client.post(
        "/network/api/provenance", json.dumps({"statements": statements}), "application/json"
    ).json()["provenance"]
    assert {p["agency"] for p in prov} == {"NPS"}
    node = client.get("/network/api/node/nps-p1").json()
    assert node["links"] == 1 and node["collections"][0]["agency"] == "NPS"
    scores = client.post(
        "/network/api/scores",
        json.dumps({"nodes": ["nps-p1", "nps-c1"], "measure": "degree"}),
        "application/json",
    ).json()
    assert scores["score"] == {"nps-p1": 1.0, "nps-c1": 1.0}


def test_exports(net_world: Any, client: Client) -> None:
    _login(client, "dci.analyst")
    nodes = json.dumps({"nodes": ["dci-p1", "dci-p2", "dci-c2"]})
    graphml = client.post("/network/api/export/graphml", nodes, "application/json")
    assert graphml.status_code == 200
    assert graphml["Content-Disposition"] == 'attachment; filename="usalama-network.graphml"'
    root = ET.fromstring(graphml.content)  # noqa: S314 - our own output
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 3 and len(root.findall(".//g:edge", ns)) == 2
    gexf_body = client.post("/network/api/export/gexf", nodes, "application/json").content
    gexf = ET.fromstring(gexf_body)  # noqa: S314 - our own output
    assert len(gexf.findall(".//{http://gexf.net/1.3}edge")) == 2
    csv_text = client.post("/network/api/export/csv", nodes, "application/json").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("source,target,source_name,target_name,relation")
    assert len(lines) == 3
    assert client.post("/network/api/export/dot", nodes, "application/json").status_code == 422
    assert AuditEvent.objects.filter(action="graph.export").count() == 3


def test_saved_charts_stay_in_the_agency(net_world: Any, client: Client) -> None:
    _login(client, "nps.analyst")
    layout = {"nodes": [{"id": "nps-p1", "x": 1, "y": 2, "pinned": True}]}
    saved = client.post(
        "/network/api/charts", json.dumps({"name": "Pwani", "layout": layout}), "application/json"
    )
    assert saved.status_code == 201
    chart_id = saved.json()["id"]
    assert [c["name"] for c in client.get("/network/api/charts").json()["charts"]] == ["Pwani"]
    assert client.get(f"/network/api/charts/{chart_id}").json()["layout"]["nodes"][0]["pinned"]
    other = Client()
    _login(other, "dci.analyst")
    assert other.get("/network/api/charts").json()["charts"] == []
    assert other.get(f"/network/api/charts/{chart_id}").status_code == 404
    sub = client.post(
        "/network/api/subgraph",
        json.dumps({"nodes": ["nps-p1", "nps-c1", "dci-p2"]}),
        "application/json",
    ).json()
    assert {n["id"] for n in sub["nodes"]} == {"nps-p1", "nps-c1"}  # dci-p2 is not visible
    assert len(sub["edges"]) == 1
