"""Money traces on the case page: attached by the owner, read under a share, 404 elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.platform.cases_helpers import add_justice
from tests.platform.clients import log_in as _login
from usalama.audit.models import AuditEvent
from usalama.cases import services
from usalama.cases.models import CaseMoneyTrace

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The accused (dci-p1) sends 5,000 on, 3,000 of it goes further; an older 1,000 too."""
    from usalama.money.models import Account, AccountKind, Transfer

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    add_justice(world)
    collection = world["collections"]["dci"]

    def account(identifier: str, holder: str, entity: str = "") -> Account:
        return Account.objects.create(
            collection=collection,
            kind=AccountKind.MOBILE_WALLET,
            identifier=identifier,
            provider="M-Pesa",
            currency="KES",
            holder_name=holder,
            holder_entity_id=entity,
        )

    seed = account("254700999888", "Mohammed Hassan Abdi", "dci-p1")
    mule = account("254711000001", "Mule One")
    end = account("254722000002", "Collector")
    old = account("254733000003", "Old contact")
    for key, (a, b, amount, when) in {
        "t1": (seed, mule, 5000, datetime(2026, 3, 2, 9, tzinfo=UTC)),
        "t2": (mule, end, 3000, datetime(2026, 3, 3, 9, tzinfo=UTC)),
        "t0": (seed, old, 1000, datetime(2025, 6, 1, 9, tzinfo=UTC)),
    }.items():
        Transfer.objects.create(
            collection=collection,
            source_account=a,
            target_account=b,
            amount=Decimal(amount),
            currency="KES",
            time=when,
            key=key,
        )
    world["accounts"] = {"seed": seed, "mule": mule, "end": end, "old": old}
    return world


ATTACH = {"direction": "forward", "model": "haircut", "hops": "3", "since": "2026-01-01"}


def test_owner_attaches_a_trace_and_the_case_page_shows_it(ledger: dict[str, Any]) -> None:
    case, seed = ledger["case"], ledger["accounts"]["seed"]
    url = f"/cases/{case.reference}/"
    owner = _login("dci.analyst")
    page = owner.get(url).content.decode()
    assert "Attach a money trace" in page and "254700999888" in page  # the accused's wallet
    response = owner.post(f"{url}money-traces/", {**ATTACH, "account": seed.pk})
    assert response.status_code == 302
    trace = CaseMoneyTrace.objects.get(case=case)
    summary = trace.summary
    # the window leaves the 2025 transfer out: 5,000 left the wallet, two hops, two accounts
    assert summary["total"] == 5000 and summary["currency"] == "KES"
    assert summary["hops_reached"] == 2 and summary["accounts_reached"] == 2
    assert summary["transfers"] == 2
    assert [h["amount"] for h in summary["by_hop"] if h["transfers"]] == [5000, 3000]
    assert AuditEvent.objects.filter(action="case.money_trace", object_id=case.reference).exists()
    assert AuditEvent.objects.filter(action="money.trace").exists()
    body = owner.get(url).content.decode()
    assert 'id="money-traces"' in body and "5,000" in body and "<svg" in body
    assert f"/money/trace/?account={seed.pk}&amp;direction=forward" in body
    assert "from=2026-01-01" in body
    assert AuditEvent.objects.filter(action="case.money_trace_read").exists()
    # the full trace page honours the same window
    full = owner.get(f"/money/trace/?account={seed.pk}&direction=forward&hops=3&from=2026-01-01")
    assert full.status_code == 200 and "254733000003" not in full.content.decode()
    assert owner.get(f"/money/trace/?account={seed.pk}&from=2026-13-01").status_code == 400


def test_by_identifier_bad_input_and_who_may(ledger: dict[str, Any]) -> None:
    case = ledger["case"]
    url = f"/cases/{case.reference}/"
    owner = _login("dci.analyst")
    owner.post(f"{url}money-traces/", {**ATTACH, "identifier": "254799999999"})
    owner.post(f"{url}money-traces/", {**ATTACH, "identifier": "254711000001", "hops": "0"})
    owner.post(
        f"{url}money-traces/", {**ATTACH, "identifier": "254711000001", "until": "2025-01-01"}
    )
    assert not CaseMoneyTrace.objects.filter(case=case).exists()  # nothing half-written
    assert (
        owner.post(f"{url}money-traces/", {**ATTACH, "identifier": "254711000001"}).status_code
        == 302
    )
    trace = CaseMoneyTrace.objects.get(case=case)
    assert trace.summary["total"] == 3000

    services.share_case(ledger["users"]["dci.analyst"], case, "ODPP")
    prosecutor = _login("odpp.prosecutor")
    shared = prosecutor.get(url).content.decode()
    assert 'id="money-traces"' in shared and "3,000" in shared
    assert "Attach a money trace" not in shared and "Remove from the case" not in shared
    assert "/money/trace/?" not in shared  # the DCI ledger is not the ODPP's to open
    refused = AuditEvent.objects.filter(action="case.write_refused").count()
    assert (
        prosecutor.post(f"{url}money-traces/", {**ATTACH, "identifier": "254711000001"}).status_code
        == 403
    )
    remove = f"{url}money-traces/{trace.pk}/remove/"
    assert prosecutor.post(remove).status_code == 403
    foreign = _login("nps.analyst")
    assert foreign.get(url).status_code == 404
    assert foreign.post(f"{url}money-traces/", ATTACH).status_code == 404
    assert foreign.post(remove).status_code == 404
    assert AuditEvent.objects.filter(action="case.write_refused").count() == refused + 4
    assert CaseMoneyTrace.objects.filter(case=case).count() == 1
    assert owner.post(remove).status_code == 302
    assert not CaseMoneyTrace.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(action="case.money_trace_removed").exists()
