"""The cases demo stage on a small stand-in world: real work for each role, idempotent."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from tests.platform.cases_helpers import PASSWORD, add_justice
from usalama.cases.models import Case, ChainEvent, CustodyTransfer, MlaRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(world: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.demo import load
    from usalama.demo.stages import DemoContext
    from usalama.records import services as records
    from usalama.records.models import Source

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    monkeypatch.setattr(load, "DEMO_PASSWORD", PASSWORD)
    add_justice(world)
    actor = Actor(name="test")
    dci = world["agencies"]["DCI"]
    supervisor = accounts.create_user(
        actor, username="dci.supervisor", agency=dci, roles=["supervisor"], password=PASSWORD
    )
    collection = records.ensure_collection(
        actor,
        key="dci-investigations",
        agency=dci,
        label="DCI investigations",
        reliability="B",
        assessment="2",
        handling="H2",
        tlp="AMBER",
    )
    source = records.ensure_source(
        collection,
        kind=Source.Kind.DEMO,
        name="demo",
        sha256="2" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    people = [
        (
            {
                "id": f"dci-demo-{n:03d}",
                "schema": "Person",
                "properties": {"name": [f"Person {n}"]},
            },
            str(n),
        )
        for n in range(120)
    ]
    records.ingest_entities(actor, collection, source, people)
    # the planted money trail: the source account sends on to a wallet (DCI's ledger here)
    from decimal import Decimal

    from django.utils import timezone

    from usalama.money.models import Account, Transfer

    ledger = world["collections"]["dci"]
    bank = Account.objects.create(
        collection=ledger, kind="bank", identifier="1153308612", currency="KES", entity_id="src"
    )
    wallet = Account.objects.create(
        collection=ledger, kind="mobile_wallet", identifier="254702542910", currency="KES"
    )
    Transfer.objects.create(
        collection=ledger,
        source_account=bank,
        target_account=wallet,
        amount=Decimal(998_000),
        currency="KES",
        time=timezone.now(),
        key="trail-1",
    )
    scenarios = {
        "cross_agency_suspect": {"records": {"DCI": "dci-demo-000"}},
        "hidden_path": {"intermediaries": ["dci-demo-001"]},
        "layering": {"source_account": "src"},
    }
    users = {name: world["users"][name] for name in ("dci.analyst", "odpp.prosecutor", "jud.clerk")}
    users["dci.supervisor"] = supervisor.user
    return DemoContext(
        seed=7,
        people=120,
        world=SimpleNamespace(scenarios=scenarios),
        agencies=world["agencies"],
        collections={},
        users=users,
        console=Console(quiet=True),
    )


def test_stage_builds_cases_with_work_for_each_role_and_is_idempotent(context: Any) -> None:
    from usalama.cases.evidence import verify_case
    from usalama.demo import stage_cases

    tips = stage_cases.populate(context)
    assert {tip.username for tip in tips} == {
        "dci.analyst",
        "dci.supervisor",
        "odpp.prosecutor",
        "jud.clerk",
    }
    cases = Case.objects.filter(reference__startswith=stage_cases.PREFIX).count()
    events = ChainEvent.objects.count()
    docket = stage_cases.DOCKET_MONTHS * stage_cases.DOCKET_CASES
    assert cases == 34 + docket and events > 150
    assert MlaRequest.objects.get(case__reference="DCI-DEMO-001").requested_state == "UG"
    assert verify_case("DCI-DEMO-001").ok
    assert CustodyTransfer.objects.filter(exhibit__case__reference="DCI-DEMO-001").count() == 4
    # work on each role's pages
    from datetime import timedelta

    from django.utils import timezone

    from usalama.analysis.justice import Period
    from usalama.cases import services

    today = timezone.localdate()
    period = Period.of(today - timedelta(days=365), today + timedelta(days=1))
    board = services.dashboard(context.users["dci.supervisor"], period)
    assert {b.case_id for b in board.breaches if b.appeared_at is None} == {"DCI-DEMO-017"}
    prosecutor = services.dashboard(context.users["odpp.prosecutor"], period)
    assert "DCI-DEMO-018" in {w.case.reference for w in prosecutor.waiting}
    assert services.list_cases(context.users["jud.clerk"])
    assert board.kpis["judgments"] > 0 and board.kpis["charged"] > 0
    assert not ChainEvent.objects.filter(occurred_at__gt=timezone.now()).exists()
    # the fast-track docket fills each month the public portal publishes, above k = 5
    for first in stage_cases._published_months(today):
        following = (first + timedelta(days=32)).replace(day=1)
        month = services.dashboard(
            context.users["dci.supervisor"], Period.of(first, following, "Africa/Nairobi")
        ).kpis
        assert month["charged"] >= 8 and month["judgments"] >= 8
        assert 5 <= round(month["conviction_rate"] * month["judgments"]) < month["judgments"]
    # the laundering case carries the planted money trail
    from usalama.cases.models import CaseMoneyTrace

    trail = CaseMoneyTrace.objects.get(case__reference="DCI-DEMO-002")
    assert trail.summary["total"] == 998_000 and trail.summary["accounts_reached"] == 1
    # a second run changes nothing
    stage_cases.populate(context)
    assert Case.objects.filter(reference__startswith=stage_cases.PREFIX).count() == cases
    assert ChainEvent.objects.count() == events
    assert CaseMoneyTrace.objects.count() == 1


def test_the_published_months_show_complaints_and_court_figures(
    context: Any, monkeypatch: Any
) -> None:
    """The demo's cases, complaints and portal stages in their order: the portal's complaints
    and courts pages show real figures for every published month, partly withheld."""
    import re

    from django.test import Client

    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.demo import stage_cases, stage_oversight, stage_public
    from usalama.demo.stages import STAGES

    order = [target.split(":")[0].rsplit(".", 1)[1] for _label, target in STAGES]
    assert order.index("stage_public") > max(
        order.index("stage_cases"), order.index("stage_oversight")
    )
    ipoa = accounts.ensure_agency(
        Actor(name="test"), code="IPOA", name="IPOA", country="KE", kind="oversight"
    )
    context.users["ipoa.investigator"] = accounts.create_user(
        Actor(name="test"), username="ipoa.investigator", agency=ipoa,
        roles=["oversight_investigator"], password=PASSWORD,
    ).user  # fmt: skip
    stage_cases.populate(context)
    stage_oversight._monthly_complaints(context)
    stage_oversight._monthly_complaints(context)  # idempotent
    per_month = sum(stage_oversight.MONTHLY_COMPLAINTS.values())
    from usalama.oversight.models import Complaint

    assert Complaint.objects.count() == per_month * stage_oversight.PUBLISHED_MONTHS
    monkeypatch.setattr(stage_public, "COUNTIES", {"Mombasa": 25})  # small and fast
    stage_public.populate(context)
    client = Client()
    from django.utils import timezone

    months = stage_oversight._published_months(timezone.localdate())
    for first in months:
        month = f"{first:%Y-%m}"
        page = client.get(f"/public/complaints/?month={month}&lang=en").content.decode()
        cells = re.findall(r'<td class="n">([^<]*)</td>', page)
        assert len(cells) == 7, page
        shown = [int(c) for c in cells if c.isdigit()]
        assert int(cells[-1]) == per_month  # the total is published
        assert len(shown) >= 5 and "–" in cells  # real figures, the small group withheld
        assert all(n == 0 or n >= 5 for n in shown)
        page = client.get(f"/public/courts/?month={month}&lang=en").content.decode()
        for name in ("Accused charged in court", "Judgments delivered", "Convictions"):
            row = re.search(rf"<td>{name}</td><td[^>]*>([^<]*)</td>", page)
            assert row is not None and row.group(1).strip().isdigit(), (name, page)
            assert int(row.group(1)) >= 5
