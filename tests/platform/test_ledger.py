"""The money app: FtM sync, importers, access, alerts and traces across channels.

Runs on SQLite and, with ``USALAMA_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.shared_data import SHARED_DATA
from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput, NotFound
from usalama.money import services
from usalama.money.models import Account, Alert, Transfer

pytestmark = pytest.mark.django_db
BITCOIN = SHARED_DATA / "money" / "bitcoin"


def _frc_collection(world: dict[str, Any]) -> Any:
    return world["collections"]["dci"]


def _payments_world(world: dict[str, Any]) -> Any:
    """Two accounts of one person in DCI's collection: bank and M-Pesa, plus payments."""
    from usalama.audit.services import Actor
    from usalama.records import services as records
    from usalama.records.models import Source

    collection = world["collections"]["dci"]
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name="payments.json",
        sha256="1" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    entities = [
        {
            "id": "acc-bank",
            "schema": "BankAccount",
            "properties": {
                "accountNumber": ["1100223344"],
                "bankName": ["KCB"],
                "currency": ["KES"],
            },
        },
        {
            "id": "acc-mpesa",
            "schema": "BankAccount",
            "properties": {
                "accountNumber": ["+254712345678"],
                "bankName": ["M-Pesa (Safaricom)"],
                "accountType": ["mobile money"],
                "currency": ["KES"],
            },
        },
        {
            "id": "acc-other",
            "schema": "BankAccount",
            "properties": {
                "accountNumber": ["+254799000111"],
                "bankName": ["M-Pesa (Safaricom)"],
                "accountType": ["mobile money"],
                "currency": ["KES"],
            },
        },
        {
            "id": "own-1",
            "schema": "Ownership",
            "properties": {"owner": ["dci-p1"], "asset": ["acc-bank"], "role": ["account holder"]},
        },
        {
            "id": "own-2",
            "schema": "Ownership",
            "properties": {"owner": ["dci-p1"], "asset": ["acc-mpesa"], "role": ["account holder"]},
        },
        {
            "id": "pay-1",
            "schema": "Payment",
            "properties": {
                "payerAccount": ["acc-other"],
                "beneficiaryAccount": ["acc-bank"],
                "amount": ["500000"],
                "currency": ["KES"],
                "date": ["2024-05-01"],
                "transactionNumber": ["SAB1C2D3E4"],
            },
        },
        {
            "id": "pay-2",
            "schema": "Payment",
            "properties": {
                "payerAccount": ["acc-mpesa"],
                "beneficiaryAccount": ["acc-other"],
                "amount": ["300000"],
                "currency": ["KES"],
                "date": ["2024-05-03"],
            },
        },
        {
            "id": "lnk-1",
            "schema": "UnknownLink",
            "properties": {
                "subject": ["acc-mpesa"],
                "object": ["dci-w1"],
                "role": ["crypto withdrawal"],
                "date": ["2024-05-04"],
                "description": ["Withdrawal of 0.01 BTC (about KES 100,000)"],
            },
        },
    ]
    records.ingest_entities(
        Actor(name="test"), collection, source, [(e, str(i + 1)) for i, e in enumerate(entities)]
    )
    return collection


def test_sync_maps_ftm_records_idempotently(world: dict[str, Any]) -> None:
    collection = _payments_world(world)
    first = services.sync_from_records(collection)
    assert first.transfers_added == 3 and first.errors == []
    bank = Account.objects.get(collection=collection, identifier="1100223344")
    wallet = Account.objects.get(collection=collection, identifier="+254712345678")
    crypto = Account.objects.get(collection=collection, kind="crypto")
    assert bank.kind == "bank" and bank.provider == "KCB" and bank.holder_entity_id == "dci-p1"
    assert wallet.kind == "mobile_wallet" and wallet.holder_entity_id == "dci-p1"
    assert crypto.identifier == "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
    assert bank.source is not None and bank.source.name == "payments.json"
    payment = Transfer.objects.get(collection=collection, key="ftm:pay-1")
    assert payment.amount == Decimal("500000") and payment.reference == "SAB1C2D3E4"
    assert payment.document is not None and payment.row
    withdrawal = Transfer.objects.get(collection=collection, key="ftm:lnk-1")
    assert withdrawal.amount == Decimal("100000") and withdrawal.channel == "crypto"
    again = services.sync_from_records(collection)
    assert again.transfers_added == 0 and again.accounts_added == 0
    assert Transfer.objects.filter(collection=collection).count() == 3
    assert AuditEvent.objects.filter(action="money.sync").count() == 2


def test_trace_crosses_channels_through_holder(world: dict[str, Any]) -> None:
    collection = _payments_world(world)
    services.sync_from_records(collection)
    user = world["users"]["dci.analyst"]
    other = Account.objects.get(collection=collection, identifier="+254799000111")
    view = services.trace(user, other.pk, direction="forward", model="haircut", hops=3)
    reached = {row.account.identifier: row for row in view.accounts}
    # other → bank (hop 1); the holder's M-Pesa wallet pays on from the same pooled balance
    assert reached["1100223344"].first_hop == 1
    assert reached["+254712345678"].via_holder
    assert "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh" in reached
    assert view.channels[:2] == ["mobile_money", "bank"] and "crypto" in view.channels
    assert AuditEvent.objects.filter(action="money.trace", actor="dci.analyst").exists()
    text = services.export_trace(user, view, "csv")
    assert text.splitlines()[0].startswith("time,hop,holder_crossing")
    assert "1100223344" in text


def test_other_agency_sees_nothing(world: dict[str, Any]) -> None:
    collection = _payments_world(world)
    services.sync_from_records(collection)
    account = Account.objects.get(collection=collection, identifier="1100223344")
    nps = world["users"]["nps.analyst"]
    with pytest.raises(NotFound):
        services.get_account(nps, account.pk)
    with pytest.raises(NotFound):
        services.trace(nps, account.pk)
    assert Account.objects.visible_to(nps).count() == 0
    assert Account.objects.visible_to(world["users"]["dci.analyst"]).count() >= 4
    with pytest.raises(NotFound):
        services.collection_for(nps, collection.key)


BANK_CSV = """Date,Description,Reference,Debit,Credit,Counterparty,Counterparty Bank
2024-05-01,Salary,REF1,,"120,000.00",ACME LTD,Equity
2024-05-02,Transfer,REF2,"50,000.00",,0110223344,Co-op
2024-05-03,Fee,REF3,150.00,,,
"""


def test_bank_statement_import_is_idempotent(world: dict[str, Any], tmp_path: Path) -> None:
    collection = world["collections"]["dci"]
    user = world["users"]["dci.analyst"]
    path = tmp_path / "statement.csv"
    path.write_text(BANK_CSV)
    result = services.import_file(
        user, collection, "bank", path, account="1100 2233 44", provider="KCB"
    )
    assert result.transfers_added == 3
    own = Account.objects.get(collection=collection, identifier="1100223344", kind="bank")
    salary = Transfer.objects.get(collection=collection, reference="REF1")
    assert salary.target_account == own and salary.amount == Decimal("120000.00")
    assert salary.document is not None and salary.document.importer == "usalama.money.bank"
    assert salary.row == "2"
    again = services.import_file(
        user, collection, "bank", path, account="1100223344", provider="KCB"
    )
    assert again.transfers_added == 0 and again.transfers_seen == 3


def test_bank_import_with_mapping_and_xlsx(world: dict[str, Any], tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Txn Date", "Narrative", "Amount"])
    sheet.append(["02/05/2024", "In", 1000])
    sheet.append(["03/05/2024", "Out", -400])
    path = tmp_path / "statement.xlsx"
    book.save(path)
    result = services.import_file(
        None,
        world["collections"]["dci"],
        "bank",
        path,
        account="555",
        mapping="date=Txn Date,amount=Amount,description=Narrative",
    )
    assert result.transfers_added == 2


def test_bad_rows_are_named_and_nothing_is_written(world: dict[str, Any], tmp_path: Path) -> None:
    collection = world["collections"]["dci"]
    path = tmp_path / "bad.csv"
    path.write_text(BANK_CSV + "not a date,x,REF4,10,,,\n2024-05-05,y,REF5,abc,,,\n")
    with pytest.raises(InvalidInput) as error:
        services.import_file(None, collection, "bank", path, account="1")
    assert "row 5" in error.value.message and "row 6" in error.value.message
    assert Transfer.objects.filter(collection=collection).count() == 0


MPESA_CSV = "\n".join(
    [
        "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance",
        "SEA1B2C3D4,2024-05-06 10:15:01,Funds received from 254722000111 - JANE DOE,Completed,"
        '"950,000.00",,"950,100.00"',
        "SEA1B2C3D5,2024-05-06 11:00:00,Customer Transfer to 0733111222 - JOHN DOE,Completed,,"
        '"-500,000.00","450,100.00"',
        "SEA1B2C3D6,2024-05-06 12:00:00,Pay Bill to 888880 - NYOTA DIGITAL Acc. 42,Completed,,"
        '"-400,000.00","50,100.00"',
        'SEA1B2C3D7,2024-05-06 13:00:00,Merchant Payment to 123456 - DUKA,Failed,,"-10.00",'
        '"50,100.00"',
        "",
    ]
)


def test_mpesa_csv_import(world: dict[str, Any], tmp_path: Path) -> None:
    collection = world["collections"]["dci"]
    path = tmp_path / "mpesa.csv"
    path.write_text(MPESA_CSV)
    result = services.import_file(None, collection, "mpesa", path, account="0712345678")
    assert result.transfers_added == 3 and result.skipped == 1
    wallet = Account.objects.get(collection=collection, identifier="+254712345678")
    assert wallet.kind == "mobile_wallet"
    paybill = Account.objects.get(collection=collection, kind="mobile_paybill")
    assert paybill.identifier == "888880"
    incoming = Transfer.objects.get(reference="SEA1B2C3D4")
    assert incoming.source_account.identifier == "+254722000111"
    assert incoming.target_account == wallet
    assert (
        services.import_file(
            None, collection, "mpesa", path, account="+254712345678"
        ).transfers_added
        == 0
    )


def test_mpesa_pdf_import(world: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("pdfplumber")
    path = tmp_path / "mpesa.pdf"
    _mpesa_pdf(path)
    result = services.import_file(
        None, world["collections"]["dci"], "mpesa", path, account="0712345678"
    )
    assert result.transfers_added == 2
    assert Transfer.objects.filter(reference="SEB1B2C3D4").exists()


def test_password_protected_mpesa_pdf(world: dict[str, Any], tmp_path: Path) -> None:
    """Safaricom sends statements encrypted with a code; the importer opens them with it."""
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _mpesa_pdf(plain)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="123456", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    collection = world["collections"]["dci"]
    with pytest.raises(InvalidInput, match="password"):
        services.import_file(
            None, collection, "mpesa", locked, account="0712345678", password="wrong"
        )
    assert not Transfer.objects.filter(collection=collection).exists()
    result = services.import_file(
        None, collection, "mpesa", locked, account="0712345678", password="123456"
    )
    assert result.transfers_added == 2


def _mpesa_pdf(path: Path) -> None:
    """A one-page synthetic statement in Safaricom's line layout (matplotlib's PDF backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lines = [
        "M-PESA STATEMENT",
        "Receipt No. Completion Time Details Transaction Status Paid In Withdrawn Balance",
        "SEB1B2C3D4 2024-05-06 10:15:01 Funds received from 254722000111 - JANE DOE "
        "Completed 950,000.00 950,100.00",
        "SEB1B2C3D5 2024-05-06 11:00:00 Customer Transfer to 0733111222 - JOHN DOE "
        "Completed -500,000.00 450,100.00",
    ]
    fig = plt.figure(figsize=(11, 3))
    for i, line in enumerate(lines):
        fig.text(0.02, 0.9 - i * 0.15, line, fontsize=8, family="DejaVu Sans")
    fig.savefig(path, format="pdf")
    plt.close(fig)


TOKENS_CSV = """from,to,value,token,tx hash,time
0xAAA0000000000000000000000000000000000001,0xbbb0000000000000000000000000000000000002,150.5,USDT,0xh1,2024-05-01T10:00:00Z
0xbbb0000000000000000000000000000000000002,0xccc0000000000000000000000000000000000003,150,usdt,0xh2,1714600000
"""


def test_token_transfers_import(world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    path.write_text(TOKENS_CSV)
    collection = world["collections"]["dci"]
    result = services.import_file(None, collection, "tokens", path, chain="ethereum")
    assert result.transfers_added == 2
    assert Account.objects.filter(
        collection=collection,
        kind="crypto",
        provider="ethereum",
        identifier="0xaaa0000000000000000000000000000000000001",
    ).exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to,value,token,tx hash,time\n0x1,0x2,-3,USDT,0xh,2024-01-01\n")
    with pytest.raises(InvalidInput, match="row 2"):
        services.import_file(None, collection, "tokens", bad)


def test_bitcoin_block_277647(world: dict[str, Any]) -> None:
    collection = world["collections"]["dci"]
    path = BITCOIN / "277647.dat.bz2"
    result = services.import_file(None, collection, "bitcoin", path)
    assert result.transactions == 213
    txids = set(Transfer.objects.filter(collection=collection).values_list("reference", flat=True))
    assert len(txids) == 213
    assert result.transfers_added == 769
    # multi-input transactions put their input addresses into one cluster (the holder)
    assert Account.objects.filter(
        collection=collection, holder_entity_id__startswith="btc-cluster:"
    ).exists()
    again = services.import_file(None, collection, "bitcoin", path)
    assert again.transfers_added == 0


def test_writes_need_the_owning_agency(world: dict[str, Any], tmp_path: Path) -> None:
    from usalama.core.errors import PermissionDenied
    from usalama.records.models import CollectionGrant

    collection = world["collections"]["dci"]
    CollectionGrant.objects.create(
        collection=collection, agency=world["agencies"]["NPS"], granted_by="test"
    )
    path = tmp_path / "s.csv"
    path.write_text(BANK_CSV)
    with pytest.raises(PermissionDenied):
        services.import_file(world["users"]["nps.analyst"], collection, "bank", path, account="1")


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    from usalama.demo import generate_world
    from usalama.demo.load import load_demo

    load_demo(seed=7, people=200, quiet=True, with_stages=False)
    world = generate_world(seed=7, people=200)
    collection = services.collection_for(None, "frc-str")
    services.sync_from_records(collection)
    return {"world": world, "collection": collection}


def test_demo_layering_scan_and_trace(demo: dict[str, Any]) -> None:
    from usalama.accounts.models import User

    scenario = demo["world"].scenarios["layering"]
    collection = demo["collection"]
    frc = User.objects.get(username="frc.analyst")
    result = services.scan(frc, collection)
    assert result.flagged >= 1
    by_entity = {
        a.entity_id: a for a in Account.objects.filter(collection=collection).exclude(entity_id="")
    }
    source = by_entity[scenario["source_account"]]
    alert = Alert.objects.get(collection=collection, account=source)
    assert "structuring" in alert.typologies
    assert len(alert.evidence) >= 6
    # the structured transfers are the evidence
    structured = Transfer.objects.filter(
        collection=collection, key__in=[f"ftm:{p}" for p in scenario["structuring_payments"]]
    )
    assert set(structured.values_list("id", flat=True)) <= set(alert.evidence)
    assert services.list_alerts(User.objects.get(username="nps.analyst")) == []

    view = services.trace(frc, source.pk, direction="forward", model="haircut", hops=5)
    reached = {row.account.entity_id: row for row in view.accounts}
    for wallet in scenario["fan_out_accounts"]:
        assert reached[wallet].first_hop == 1
    assert reached[scenario["collector_account"]].first_hop == 2
    crypto = reached[scenario["crypto_wallet"]]
    assert crypto.account.kind == "crypto" and crypto.tainted > 0
    crossing = [s for s in view.steps if s.transfer.target_account_id == crypto.account.pk]
    assert crossing and crossing[0].via_holder  # exchange → wallet of the same holder
    assert crypto.layer > reached[scenario["exchange_account"]].layer
    assert view.channels == ["bank", "mobile_money", "crypto"]
    # a rescan keeps the analyst's review
    services.review_alert(frc, alert.pk, "escalated", "STR follow-up")
    services.scan(frc, collection)
    alert.refresh_from_db()
    assert alert.status == "escalated" and alert.reviewer == "frc.analyst"
    assert AuditEvent.objects.filter(action="money.alert.review").exists()


def test_sanctioned_address_is_alerted(world: dict[str, Any], tmp_path: Path) -> None:
    listed = (
        (Path(services.__file__).parent.parent / "data" / "sanctions" / "ofac_XBT.txt")
        .read_text()
        .split()[0]
    )
    path = tmp_path / "tokens.csv"
    row = f"{listed},1BoatSLRHtKNngkdXEeobR76b53LETtpyT,1,BTC,t1,2024-01-01"
    path.write_text(f"from,to,value,token,tx hash,time\n{row}\n")
    collection = world["collections"]["dci"]
    services.import_file(None, collection, "tokens", path, chain="bitcoin")
    result = services.scan(None, collection)
    assert result.sanctioned == 1
    alert = Alert.objects.get(collection=collection, account__identifier=listed)
    assert "sanctions" in alert.typologies and alert.score == 1.0


def test_money_pages(client: Any, world: dict[str, Any]) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    collection = _payments_world(world)
    services.sync_from_records(collection)
    services.scan(None, collection)
    account = Account.objects.get(collection=collection, identifier="+254799000111")
    for path in ["/money/alerts/", f"/money/accounts/{account.pk}/"]:
        assert client.get(path).status_code == 302
    client.post(
        "/login/", {"username": "dci.analyst", "password": "correct horse battery staple 42"}
    )
    device = TOTPDevice.objects.get(user__username="dci.analyst")
    client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/money/alerts/?status=all").status_code == 200
    page = client.get(f"/money/accounts/{account.pk}/").content.decode()
    assert "<svg" in page and "1100223344" in page
    query = f"account={account.pk}&direction=forward&model=haircut&hops=5"
    trace = client.get(f"/money/trace/?{query}").content.decode()
    assert 'class="sankey"' in trace and 'class="flow"' in trace
    csv_response = client.get(f"/money/trace/export.csv?{query}")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "1100223344" in csv_response.content.decode()
    assert client.get(f"/money/trace/report/?{query}").status_code == 200
    assert client.get("/money/trace/?account=x").status_code == 404
    assert client.get(f"/money/trace/?{query.replace('haircut', 'magic')}").status_code == 400
    assert AuditEvent.objects.filter(action="money.trace.export").count() == 2
    client.logout()
    client.post(
        "/login/", {"username": "nps.analyst", "password": "correct horse battery staple 42"}
    )
    device = TOTPDevice.objects.get(user__username="nps.analyst")
    client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(f"/money/accounts/{account.pk}/").status_code == 404
    assert client.get(f"/money/trace/?{query}").status_code == 404


def test_goaml_transactions_reach_the_ledger(world: dict[str, Any]) -> None:
    """goAML reports reuse the records importer; the ledger is synced from its FtM output."""
    from tests.shared_data import FIXTURES
    from usalama.records.imports import import_file

    analyst = world["users"]["dci.analyst"]
    report = import_file(analyst, FIXTURES / "goaml" / "str_sample.xml", "dci-goaml", fmt="goaml")
    assert report.entities > 0
    collection = services.collection_for(analyst, "dci-goaml")
    result = services.sync_from_records(collection, analyst)
    transfers = Transfer.objects.filter(collection=collection)
    assert result.transfers_added == transfers.count() >= 1
    assert all(t.amount > 0 and t.source_account_id != t.target_account_id for t in transfers)
    again = services.sync_from_records(collection, analyst)
    assert again.transfers_added == 0
