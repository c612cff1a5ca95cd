"""Imports: FtM, mapped CSV/XLSX and goAML; idempotent, resumable, strict, and bad input."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.platform.importing import (
    GOAML,
    MAPPINGS,
    counts,
    expected_statements,
    write_demo_ftm,
    write_jsonl,
)
from tests.shared_data import SHARED_DATA
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

USALAMA = [sys.executable, "-m", "usalama.cli"]
NOORDIN = SHARED_DATA / "networks" / "noordin_top.csv"


def _import(world: Any, path: Path, key: str, user: str = "nps.analyst", **kw: Any) -> Any:
    from usalama.records.imports import import_file

    return import_file(world["users"][user], path, key, **kw)


def _export(world: Any, key: str, path: Path, user: str = "nps.analyst", fmt: str = "ftm") -> int:
    from usalama.records.exports import export_collection

    with path.open("w", encoding="utf-8") as out:
        return export_collection(world["users"][user], key, fmt, out)


def test_demo_ftm_imports_and_round_trips(world: Any, tmp_path: Path) -> None:
    from usalama.records.models import Collection, EntityRecord, Source

    source = tmp_path / "demo.ftm.json"
    entities = write_demo_ftm(source)
    report = _import(world, source, "demo-a")
    assert report.entities == len(entities) and report.error_count == 0
    assert counts("demo-a") == (len(entities), expected_statements(entities, "demo-a"))
    collection = Collection.objects.get(key="demo-a")
    assert collection.agency.code == "NPS"
    src = Source.objects.get(collection=collection)
    assert src.completed_at is not None and len(src.sha256) == 64
    assert (src.importer, src.created_by) == ("usalama.ftm", "nps.analyst")
    ids = set(
        EntityRecord.objects.filter(collection=collection).values_list("entity_id", flat=True)
    )
    assert ids == {e["id"] for e in entities}  # ids kept as given

    exported = tmp_path / "export.ftm.json"
    assert _export(world, "demo-a", exported) == len(entities)
    _import(world, exported, "demo-b")
    assert counts("demo-b") == counts("demo-a")
    again = set(
        EntityRecord.objects.filter(collection__key="demo-b").values_list("entity_id", flat=True)
    )
    assert again == ids


def test_mapped_csv_of_real_network_round_trips(world: Any, tmp_path: Path) -> None:
    with NOORDIN.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    people = {r["source"] for r in rows} | {r["target"] for r in rows}
    ties = {(r["source"], r["target"], r["relation"]) for r in rows}
    report = _import(world, NOORDIN, "noordin", mapping=MAPPINGS / "noordin_top.yml")
    assert report.error_count == 0
    entity_count, statement_count = counts("noordin")
    assert entity_count == len(people) + len(ties)
    exported = tmp_path / "noordin.ftm.json"
    _export(world, "noordin", exported)
    _import(world, exported, "noordin-copy")
    assert counts("noordin-copy") == (entity_count, statement_count)
    # Deterministic ids: a second import of the same rows lands on the same entities.
    assert (
        _import(world, NOORDIN, "noordin", mapping=MAPPINGS / "noordin_top.yml").statements_added
        == 0
    )


def test_importing_twice_adds_nothing(world: Any, tmp_path: Path) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.records.models import Source

    source = tmp_path / "demo.ftm.json"
    write_demo_ftm(source, people=30)
    first = _import(world, source, "twice")
    before = counts("twice")
    second = _import(world, source, "twice")
    assert second.statements_added == 0 and second.entities == first.entities
    assert counts("twice") == before
    assert Source.objects.filter(collection__key="twice").count() == 1
    assert AuditEvent.objects.filter(action="records.import").count() == 2


def test_statement_lines_import(world: Any, tmp_path: Path) -> None:
    lines = [
        {"entity_id": "s-p1", "schema": "Person", "prop": "id", "value": "s-p1"},
        {"entity_id": "s-p1", "schema": "Person", "prop": "name", "value": "Achieng Otieno"},
        {"entity_id": "s-p1", "schema": "Person", "prop": "phone", "value": "+254711222333"},
        {"entity_id": "s-c1", "schema": "Company", "prop": "name", "value": "Tana Traders"},
    ]
    path = tmp_path / "statements.json"
    write_jsonl(path, lines)
    _import(world, path, "stmts")
    assert counts("stmts") == (2, 5)  # four statements plus the id statement of s-c1


def test_goaml_report_becomes_people_companies_accounts_payments(world: Any) -> None:
    from usalama.records.models import EntityRecord, Statement

    report = _import(world, GOAML / "str_sample.xml", "frc-str", user="dci.analyst")
    schemas = list(
        EntityRecord.objects.filter(collection__key="frc-str").values_list("schema", flat=True)
    )
    assert schemas.count("Person") == 2  # Hassan (twice in the file, one entity) and Amina
    assert schemas.count("Company") == 2
    assert schemas.count("BankAccount") == 2
    assert schemas.count("Payment") == 2
    assert {"Directorship", "Ownership"} <= set(schemas)
    assert report.error_count == 1
    assert report.errors[0].field == "amount_local" and "TXN-88122" in report.errors[0].row
    payment = Statement.objects.get(
        collection__key="frc-str", prop="transactionNumber", value="TXN-88120"
    )
    amount = Statement.objects.get(entity_id=payment.entity_id, prop="amount")
    assert amount.value == "950000.00"
    assert "FRC-STR-2024-000731" in amount.record_ref
    assert amount.source.name == "str_sample.xml" and amount.source.importer == "usalama.goaml"
    payer = Statement.objects.get(entity_id=payment.entity_id, prop="payer").value
    assert Statement.objects.filter(entity_id=payer, prop="idNumber", value="21873340").exists()


def test_bad_rows_are_reported_while_good_rows_import(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "id,name,born\n1,Achieng Otieno,1990-01-02\n2,Brian Kiprop,not a date\n3,,\n"
        "4,Chebet Mutai,1985-05-05,extra\n5,Daudi Mwangi,1970-07-07\n",
        encoding="utf-8",
    )
    mapping = {
        "entities": {
            "p": {
                "schema": "Person",
                "keys": ["id"],
                "properties": {"name": {"column": "name"}, "birthDate": {"column": "born"}},
            }
        }
    }
    report = _import(world, path, "rows", mapping=mapping)
    assert counts("rows")[0] == 3  # rows 2, 3 (id only, no name is fine) and 6
    rows = list(csv.DictReader(io.StringIO(report.errors_csv())))
    assert [(r["row"], r["field"]) for r in rows] == [("row 3", "born"), ("row 5", "")]
    assert "not a valid date" in rows[0]["reason"]

    with pytest.raises(InvalidInput, match="strict"):
        _import(world, path, "rows-strict", mapping=mapping, strict=True)
    assert counts("rows-strict") == (0, 0)


def test_xlsx_with_mapping(world: Any, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["account", "bank", "holder", "opened"])
    sheet.append([1100223344, "KCB", "Juma Kariuki", "2020-01-01"])
    sheet.append([5566778899, "Equity Bank", "Halima Noor", None])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    mapping = {
        "entities": {
            "holder": {
                "schema": "Person",
                "keys": ["holder"],
                "properties": {"name": {"column": "holder"}},
            },
            "account": {
                "schema": "BankAccount",
                "keys": ["account", "bank"],
                "properties": {
                    "accountNumber": {"column": "account"},
                    "bankName": {"column": "bank"},
                    "openingDate": {"column": "opened"},
                },
            },
            "owns": {
                "schema": "Ownership",
                "keys": ["account", "holder"],
                "properties": {"owner": {"entity": "holder"}, "asset": {"entity": "account"}},
            },
        }
    }
    report = _import(world, path, "accounts", mapping=mapping)
    assert report.error_count == 0 and counts("accounts")[0] == 6
    from usalama.records.models import Statement

    assert Statement.objects.filter(prop="accountNumber", value="1100223344").exists()


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("latin-1", b"")],
)
def test_csv_encodings_are_detected(world: Any, tmp_path: Path, encoding: str, bom: bytes) -> None:
    from usalama.records.models import Statement

    name = "José Ñandú Müller"
    path = tmp_path / "enc.csv"
    text = f"id,name\n1,{name}\n2,Zoë Chloé\n"
    path.write_bytes(bom + text.encode(encoding))
    if encoding == "latin-1":  # a C1 byte cp1252 leaves undefined marks the file as Latin-1
        path.write_bytes(path.read_bytes() + b"3,Odd\x81Name\n")
    mapping = {
        "entities": {
            "p": {"schema": "Person", "keys": ["id"], "properties": {"name": {"column": "name"}}}
        }
    }
    _import(world, path, "enc", mapping=mapping)
    assert Statement.objects.filter(collection__key="enc", prop="name", value=name).exists()


def test_collection_of_another_agency_is_not_found(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    write_jsonl(path, [{"id": "x1", "schema": "Person", "properties": {"name": ["X"]}}])
    with pytest.raises(NotFound):
        _import(world, path, "dci-intel")  # nps.analyst into DCI's collection
    with pytest.raises(PermissionDenied):
        _import(world, path, "new-one", agency="DCI")
    with pytest.raises(PermissionDenied):
        _import(world, path, "new-two", user="sysadmin")  # administrators do not touch records
    assert counts("dci-intel")[0] == 2


# --- malformed input: one clear error, nothing written ----------------------------------------

_PERSON = '{"id": "p1", "schema": "Person", "properties": {"name": ["A B"]}}\n'
_MAP_OK = (
    "entities:\n  p:\n    schema: Person\n    keys: [id]\n"
    "    properties:\n      name: {column: name}\n"
)


def _case(name: str, content: bytes, fmt: str | None = None, mapping: str | None = None) -> Any:
    return pytest.param(name, content, fmt, mapping, id=name.rsplit(".", 1)[0])


MALFORMED = [
    _case("empty.json", b"", None, None),
    _case("binary.json", bytes(range(256)) * 40),
    _case("utf16.csv", "id,name\n1,x\n".encode("utf-16"), None, _MAP_OK),
    _case("not-json.json", b"id,name\n1,x\n"),
    _case("truncated.json", (_PERSON * 3 + _PERSON[:30]).encode()),
    _case("all-bad-lines.json", b'{"id": "p1", "schema": "Dragon", "properties": {}}\n'),
    _case(
        "unknown-prop.json", b'{"id": "p1", "schema": "Person", "properties": {"wings": ["2"]}}\n'
    ),
    _case("no-id.json", b'{"schema": "Person", "properties": {"name": ["A"]}}\n'),
    _case("unknown-ext.dat", b"hello\n"),
    _case("bad-format.csv", b"id,name\n1,x\n", "parquet", _MAP_OK),
    _case("no-mapping.csv", b"id,name\n1,x\n"),
    _case("map-schema.csv", b"id,name\n1,x\n", None, _MAP_OK.replace("Person", "Dragon")),
    _case("map-prop.csv", b"id,name\n1,x\n", None, _MAP_OK.replace("name: {", "wings: {")),
    _case("map-yaml.csv", b"id,name\n1,x\n", None, "entities: [unclosed\n"),
    _case("map-empty.csv", b"id,name\n1,x\n", None, "just a string\n"),
    _case("map-column.csv", b"id,fullname\n1,x\n", None, _MAP_OK),
    _case("truncated-quote.csv", b'id,name\n1,x\n2,"never closed\n', None, _MAP_OK),
    _case("not-xml.xml", b"this is not xml at all"),
    _case("wrong-root.xml", b"<?xml version='1.0'?><invoice><total>5</total></invoice>"),
    _case("truncated.xml", (GOAML / "str_sample.xml").read_bytes()[:3000]),
    _case(
        "billion-laughs.xml",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<report>&b;</report>",
    ),
    _case("not-zip.xlsx", b"PK\x03\x04 this is not really a workbook", None, _MAP_OK),
    _case(
        "long-id.json",
        ('{"id": "' + "x" * 300 + '", "schema": "Person", "properties": {}}\n').encode(),
    ),
]


@pytest.mark.parametrize(("name", "content", "fmt", "mapping"), MALFORMED)
def test_malformed_input_is_one_clear_error_and_nothing_written(
    world: Any, tmp_path: Path, name: str, content: bytes, fmt: str | None, mapping: str | None
) -> None:
    from usalama.records.models import Collection, Source, Statement

    path = tmp_path / name
    path.write_bytes(content)
    mapping_path = None
    if mapping is not None:
        mapping_path = tmp_path / "mapping.yml"
        mapping_path.write_text(mapping, encoding="utf-8")
    statements, sources = Statement.objects.count(), Source.objects.count()
    with pytest.raises(InvalidInput) as caught:
        _import(world, path, "malformed", fmt=fmt, mapping=mapping_path)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert len(message) < 400
    assert not Collection.objects.filter(key="malformed").exists()
    assert (Statement.objects.count(), Source.objects.count()) == (statements, sources)


def test_file_over_the_limit_is_too_large(world: Any, tmp_path: Path, settings: Any) -> None:
    from usalama.core.errors import TooLarge

    settings.USALAMA_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "big.json"
    path.write_text(_PERSON * 100, encoding="utf-8")
    with pytest.raises(TooLarge, match="limit"):
        _import(world, path, "big")
    assert counts("big") == (0, 0)


# --- kill -9 mid-import, then resume ------------------------------------------------------------


def _cli(args: list[str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USALAMA_VAR_DIR": str(var_dir)}
    env.pop("USALAMA_DATABASE_URL", None)
    return subprocess.run(
        [*USALAMA, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _sqlite_counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        statements = conn.execute("SELECT count(*) FROM records_statement").fetchone()[0]
        entities = conn.execute("SELECT count(*) FROM records_entityrecord").fetchone()[0]
    return entities, statements


@pytest.mark.django_db(transaction=False)
def test_import_killed_midway_resumes_with_exact_counts(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    assert _cli(["migrate"], var).returncode == 0
    agency = ["agency", "create", "--code", "NPS", "--name", "NPS", "--country", "KE"]
    assert _cli([*agency, "--kind", "police"], var).returncode == 0
    user = ["createuser", "--agency", "NPS", "--role", "analyst", "--username", "a1"]
    assert _cli([*user, "--password", "a long enough passphrase 9"], var).returncode == 0
    source = tmp_path / "people.ftm.json"
    entities = [
        {
            "id": f"k-{i}",
            "schema": "Person",
            "properties": {"name": [f"Person Number {i}"], "idNumber": [str(30_000_000 + i)]},
        }
        for i in range(4_000)
    ]
    write_jsonl(source, entities)
    expected = (len(entities), expected_statements(entities, "killed"))
    db = var / "usalama.sqlite3"
    env = {**os.environ, "USALAMA_VAR_DIR": str(var)}
    env.pop("USALAMA_DATABASE_URL", None)
    command = [*USALAMA, "import", str(source), "--collection", "killed", "--as", "a1"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(sqlite3.OperationalError):
            stored = _sqlite_counts(db)[1]
        if stored > 0:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"
    partial = _sqlite_counts(db)
    assert 0 < partial[1] < expected[1]
    with sqlite3.connect(db) as conn:
        done = conn.execute("SELECT completed_at FROM records_source").fetchone()[0]
    assert done is None  # the source is not marked complete

    rerun = _cli(command[3:], var)
    assert rerun.returncode == 0, rerun.stderr
    assert _sqlite_counts(db) == expected
    again = _cli(command[3:], var)
    assert again.returncode == 0 and "0 new statements" in again.stdout
    assert _sqlite_counts(db) == expected
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM records_source").fetchone()[0] == 1
        assert conn.execute("SELECT completed_at FROM records_source").fetchone()[0]
    search = _cli(["export", "--collection", "killed", "--as", "a1", "--format", "csv"], var)
    assert search.returncode == 0 and search.stdout.count("\n") == len(entities) + 1
