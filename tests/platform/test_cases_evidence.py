"""Evidence: stored files, signed custody, and `usalama evidence verify` naming the break."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.platform.cases_helpers import PASSWORD, add_justice
from usalama.cases import evidence, services
from usalama.cases.models import CustodyTransfer, Exhibit
from usalama.cli import main
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def exhibits(world: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    add_justice(world)
    analyst, case = world["users"]["dci.analyst"], world["case"]
    world["phone"] = evidence.add_exhibit(
        analyst,
        case,
        number="EX-1",
        kind="physical",
        description="Tecno phone",
        seal_number="S-991",
    )
    world["dump"] = evidence.add_exhibit(
        analyst,
        case,
        number="EX-2",
        kind="digital",
        description="M-Pesa statement",
        files=[("statement.csv", b"date,amount\n2026-01-02,5000\n"), ("../evil name.txt", b"x")],
    )
    services.share_case(analyst, case, "ODPP")
    evidence.receive_custody(
        world["users"]["odpp.prosecutor"], world["dump"], purpose="charge review", password=PASSWORD
    )
    return world


def _verify(capsys: pytest.CaptureFixture[str], reference: str) -> tuple[int, str, str]:
    try:
        main(["evidence", "verify", "--case", reference])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_files_are_stored_outside_the_database_and_verify(
    exhibits: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    dump: Exhibit = exhibits["dump"]
    stored = list(dump.files.order_by("id"))
    assert stored[1].stored_path.endswith("002-evil_name.txt")  # no path escapes the store
    assert all((evidence.evidence_dir() / f.stored_path).is_file() for f in stored)
    report = evidence.verify_case(exhibits["case"].reference)
    assert report.ok and report.exhibits == 2 and report.files == 2 and report.transfers == 3
    code, out, _ = _verify(capsys, exhibits["case"].reference)
    assert code == 0 and "3 custody transfers verified" in out


def test_one_changed_byte_fails_naming_the_exhibit(
    exhibits: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stored = exhibits["dump"].files.order_by("id").first()
    path = evidence.evidence_dir() / stored.stored_path
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))
    code, _, err = _verify(capsys, exhibits["case"].reference)
    assert code == 6
    assert "exhibit EX-2: file statement.csv changed" in err


@pytest.mark.parametrize("which", ["last", "first"])
def test_a_removed_transfer_fails_naming_the_exhibit(
    exhibits: dict[str, Any], capsys: pytest.CaptureFixture[str], which: str
) -> None:
    transfers = CustodyTransfer.objects.filter(exhibit=exhibits["dump"]).order_by("sequence")
    (transfers.last() if which == "last" else transfers.first()).delete()  # type: ignore[union-attr]
    code, _, err = _verify(capsys, exhibits["case"].reference)
    assert code == 6 and "exhibit EX-2" in err and "custody transfer" in err


def test_a_removed_last_transfer_with_the_head_reset_is_still_found(
    exhibits: dict[str, Any],
) -> None:
    dump = exhibits["dump"]
    CustodyTransfer.objects.filter(exhibit=dump, sequence=2).delete()
    Exhibit.objects.filter(pk=dump.pk).update(
        custody_head=CustodyTransfer.objects.get(exhibit=dump, sequence=1).hash
    )
    report = evidence.verify_case(exhibits["case"].reference)
    assert (
        report.first_break
        == "exhibit EX-2: a custody transfer recorded in the audit log is missing"
    )


def test_an_altered_transfer_is_found(exhibits: dict[str, Any]) -> None:
    CustodyTransfer.objects.filter(exhibit=exhibits["phone"], sequence=1).update(
        to_holder="someone"
    )
    report = evidence.verify_case(exhibits["case"].reference)
    assert report.first_break == "exhibit EX-1: custody transfer #1 was altered"


def test_custody_is_signed_by_the_receiver(exhibits: dict[str, Any]) -> None:
    users, phone = exhibits["users"], exhibits["phone"]
    with pytest.raises(PermissionDenied):
        evidence.receive_custody(users["odpp.prosecutor"], phone, purpose="review", password="no")
    with pytest.raises(NotFound):  # not shared with NPS
        evidence.receive_custody(users["nps.analyst"], phone, purpose="review", password=PASSWORD)
    assert phone.transfers.count() == 1
    transfer = evidence.receive_custody(
        users["odpp.prosecutor"], phone, purpose="review", password=PASSWORD
    )
    assert (transfer.from_holder, transfer.to_holder, transfer.to_agency) == (
        "dci.analyst",
        "odpp.prosecutor",
        "ODPP",
    )
    with pytest.raises(InvalidInput):
        evidence.receive_custody(
            users["odpp.prosecutor"], phone, purpose="again", password=PASSWORD
        )


def test_exhibits_need_seal_or_files_and_only_the_owner_adds(exhibits: dict[str, Any]) -> None:
    users, case = exhibits["users"], exhibits["case"]
    with pytest.raises(InvalidInput, match="seal_number"):
        evidence.add_exhibit(
            users["dci.analyst"], case, number="EX-3", kind="physical", description="knife"
        )
    with pytest.raises(InvalidInput, match="files"):
        evidence.add_exhibit(
            users["dci.analyst"], case, number="EX-3", kind="digital", description="phone dump"
        )
    with pytest.raises(PermissionDenied):
        evidence.add_exhibit(
            users["odpp.prosecutor"],
            case,
            number="EX-3",
            kind="physical",
            description="knife",
            seal_number="S-1",
        )
    assert case.exhibits.count() == 2


def test_disclosure_bundle_redacts_and_records_its_hash(exhibits: dict[str, Any]) -> None:
    import hashlib

    users, case = exhibits["users"], exhibits["case"]
    services.update_references(users["dci.analyst"], case, summary="Witness Achieng saw it.")
    bundle = evidence.build_disclosure(users["odpp.prosecutor"], case, redact=["Achieng"])
    path = evidence.evidence_dir() / bundle.stored_path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == bundle.sha256
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode()
    assert "index.csv" in names and "files/EX-2/statement.csv" in names
    assert "Achieng" not in readme and "[REDACTED]" in readme
    with pytest.raises(NotFound):
        evidence.build_disclosure(users["nps.analyst"], case)
