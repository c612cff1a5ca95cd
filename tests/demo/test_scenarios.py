"""The planted scenarios exist and tell the story they claim."""

from __future__ import annotations

from collections import deque

from followthemoney import model

from usalama.demo import DemoWorld

_SHARED = ("phone", "idNumber", "taxNumber", "email", "accountNumber")


def _graph(world: DemoWorld) -> dict[str, set[str]]:
    """Entity links (relationship entities as nodes) plus shared identifier values."""
    adj: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)

    for record in world.records:
        schema = model.get(record.schema)
        assert schema is not None
        for name, values in record.entity["properties"].items():
            if schema.properties[name].type.name == "entity":
                for value in values:
                    link(record.id, value)
            if name in _SHARED:
                for value in values:
                    link(record.id, f"{name}:{value}")
    return adj


def _distance(adj: dict[str, set[str]], start: str, goal: str) -> int | None:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return seen[node]
        for nxt in adj.get(node, ()):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return None


def test_cross_agency_suspect(world: DemoWorld) -> None:
    scenario = world.scenarios["cross_agency_suspect"]
    records = scenario["records"]
    assert {world.truth[r] for r in records.values()} == {scenario["true_id"]}
    names = {k: world.record(v).entity["properties"]["name"][0] for k, v in records.items()}
    assert names == {
        "DCI": "Mohamed Abdi Hassan",
        "FRC": "Mohammed Hassan Abdi",
        "UPF": "M. A. Hassan",
    }
    collections = {c.key: c.agency for c in world.collections}
    assert {k: collections[world.record(v).collection] for k, v in records.items()} == {
        "DCI": "DCI",
        "FRC": "FRC",
        "UPF": "UPF",
    }
    upf_phone = world.record(records["UPF"]).entity["properties"]["phone"][0]
    assert upf_phone.startswith("+256")
    assert upf_phone != world.record(records["DCI"]).entity["properties"]["phone"][0]


def test_hidden_path(world: DemoWorld) -> None:
    scenario = world.scenarios["hidden_path"]
    a, b = scenario["person_a"], scenario["person_b"]
    agency = {c.key: c.agency for c in world.collections}
    assert agency[world.record(a).collection] == "NPS"
    assert agency[world.record(b).collection] == "FRC"
    assert world.truth[a] != world.truth[b]
    adj = _graph(world)
    # no relationship entity and no shared value joins them directly
    assert _distance(adj, a, b) not in (None, 1, 2)
    for rel in world.records:
        refs = {v for vs in rel.entity["properties"].values() for v in vs}
        assert not {a, b} <= refs
    # the path goes through the shared phone and the company
    phone = scenario["shared_phone"]
    m_dci, m_frc, company = scenario["intermediaries"]
    assert phone in world.record(a).entity["properties"]["phone"]
    assert phone in world.record(m_dci).entity["properties"]["phone"]
    assert world.truth[m_dci] == world.truth[m_frc]
    directorship = world.record(scenario["links"]["directorship"]).entity["properties"]
    ownership = world.record(scenario["links"]["ownership"]).entity["properties"]
    assert directorship["director"] == [m_frc] and directorship["organization"] == [company]
    assert ownership["owner"] == [b] and ownership["asset"] == [company]
    assert _distance(adj, a, b) is not None
    # removing the company cuts them apart: the company is on every path
    without = {k: v - {company} for k, v in adj.items() if k != company}
    assert _distance(without, a, b) is None
    without_phone = {k: v - {f"phone:{phone}"} for k, v in adj.items() if k != f"phone:{phone}"}
    assert _distance(without_phone, a, b) is None


def test_layering(world: DemoWorld) -> None:
    s = world.scenarios["layering"]
    accounts = s["accounts"]
    assert accounts[0] == s["source_account"] and accounts[-1] == s["crypto_wallet"]
    assert accounts[1:-3] == s["fan_out_accounts"] and len(s["fan_out_accounts"]) >= 3
    assert world.record(s["crypto_wallet"]).schema == "CryptoWallet"
    for acc in s["fan_out_accounts"] + [s["collector_account"]]:
        props = world.record(acc).entity["properties"]
        assert props["bankName"] == ["M-Pesa (Safaricom)"]
        assert props["accountType"] == ["mobile money"]
    deposit = world.record(s["deposit_payment"]).entity["properties"]
    assert deposit["beneficiaryAccount"] == [s["source_account"]]
    total = 0.0
    for pid, target in zip(s["structuring_payments"], s["fan_out_accounts"], strict=True):
        p = world.record(pid).entity["properties"]
        amount = float(p["amount"][0])
        assert 900_000 <= amount < s["threshold"]
        assert p["payerAccount"] == [s["source_account"]]
        assert p["beneficiaryAccount"] == [target]
        total += amount
    assert float(deposit["amount"][0]) > total
    for pid, source in zip(s["fan_in_payments"], s["fan_out_accounts"], strict=True):
        p = world.record(pid).entity["properties"]
        assert p["payerAccount"] == [source]
        assert p["beneficiaryAccount"] == [s["collector_account"]]
    exchange = world.record(s["exchange_payment"]).entity["properties"]
    assert exchange["payerAccount"] == [s["collector_account"]]
    assert exchange["beneficiaryAccount"] == [s["exchange_account"]]
    link = world.record(s["withdrawal_link"]).entity["properties"]
    assert link["subject"] == [s["exchange_account"]] and link["object"] == [s["crypto_wallet"]]
    wallet = world.record(s["crypto_wallet"]).entity["properties"]
    assert wallet["holder"] == [s["collector"]]
