"""Watchlist import through the records import machinery (SQLite and PostgreSQL): FtM JSON
lines and OpenSanctions exports, CSV with a mapping, idempotent re-runs, owner-only writes,
and ``usalama import --watchlist``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.watchlists import services
from usalama.watchlists.importing import import_watchlist_file
from usalama.watchlists.models import Entry

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# the shape of an OpenSanctions entities.ftm.json export: targets and the entities about them
OPENSANCTIONS = [
    {
        "id": "NK-abc",
        "schema": "Person",
        "caption": "Juma Otieno Mwangi",
        "target": True,
        "datasets": ["un_sc_sanctions"],
        "properties": {
            "name": ["Juma Otieno Mwangi"],
            "birthDate": ["1971-04-05"],
            "topics": ["sanction"],
        },
    },
    {
        "id": "NK-sanc-1",
        "schema": "Sanction",
        "target": False,
        "properties": {
            "entity": ["NK-abc"],
            "authority": ["UN Security Council"],
            "program": ["Al-Shabaab"],
            "reason": ["financing"],
        },
    },
    {
        "id": "addr-1",
        "schema": "Address",
        "properties": {"full": ["Eastleigh, Nairobi"]},
    },
    {
        "id": "NK-xyz",
        "schema": "Company",
        "target": True,
        "properties": {"name": ["Mwangi Logistics Ltd"], "notes": ["front company"]},
    },
]


@pytest.fixture
def wanted(world: dict[str, Any], settings: Any) -> Any:
    settings.TASKS = IMMEDIATE
    analyst = world["users"]["nps.analyst"]
    return services.create_watchlist(analyst, key="un-list", label="UN sanctions", kind="sanctions")


def _lines(path: Path, entities: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def test_opensanctions_export_becomes_entries_with_reasons_and_reruns_change_nothing(
    world: dict[str, Any], wanted: Any, tmp_path: Path
) -> None:
    analyst = world["users"]["nps.analyst"]
    path = _lines(tmp_path / "entities.ftm.json", OPENSANCTIONS)
    expiry = datetime(2027, 6, 30, 23, 59, tzinfo=UTC)
    report = import_watchlist_file(analyst, path, "un-list", expires_at=expiry, handling="H3")
    assert (report.added, report.updated, report.skipped) == (2, 0, 2)
    person = Entry.objects.get(entity_id="NK-abc")
    assert person.reason == "UN Security Council — Al-Shabaab — financing"
    assert person.expires_at == expiry and person.handling == "H3"
    assert person.source == "entities.ftm.json"
    assert Entry.objects.get(entity_id="NK-xyz").reason == "front company"
    event = AuditEvent.objects.filter(action="watchlists.entries.import").latest("id")
    assert event.details["added"] == 2 and event.details["skipped"] == 2
    # a re-run (or a run resumed after a crash) writes each entry once
    again = import_watchlist_file(analyst, path, "un-list", reason="re-listed")
    assert (again.added, again.updated) == (0, 2)
    assert Entry.objects.filter(watchlist=wanted).count() == 2
    assert Entry.objects.get(entity_id="NK-abc").reason == "re-listed"


def test_csv_with_a_mapping_and_notes_as_reason(
    world: dict[str, Any], wanted: Any, tmp_path: Path
) -> None:
    path = tmp_path / "wanted.csv"
    path.write_text(
        "ref,name,born,why\nW1,Achieng Otieno,1990-01-02,robbery warrant\n"
        "W2,Brian Kiprop,not a date,fraud\nW3,Chebet Mutai,1985-05-05,escape\n",
        encoding="utf-8",
    )
    mapping = {
        "entities": {
            "p": {
                "schema": "Person",
                "keys": ["ref"],
                "properties": {
                    "name": {"column": "name"},
                    "birthDate": {"column": "born"},
                    "notes": {"column": "why"},
                },
            }
        }
    }
    analyst = world["users"]["nps.analyst"]
    with pytest.raises(InvalidInput, match="strict"):
        import_watchlist_file(analyst, path, "un-list", mapping=mapping, strict=True)
    assert not Entry.objects.exists()
    report = import_watchlist_file(analyst, path, "un-list", mapping=mapping)
    assert (report.added, report.error_count) == (2, 1)
    assert sorted(Entry.objects.values_list("reason", flat=True)) == ["escape", "robbery warrant"]
    with pytest.raises(InvalidInput, match="mapping"):
        import_watchlist_file(analyst, path, "un-list")


def test_only_the_owner_imports_and_refusals_are_audited(
    world: dict[str, Any], wanted: Any, tmp_path: Path
) -> None:
    path = _lines(tmp_path / "x.json", OPENSANCTIONS[:1])
    services.grant(world["users"]["nps.analyst"], wanted.pk, "DCI")
    with pytest.raises(PermissionDenied):
        import_watchlist_file(world["users"]["dci.analyst"], path, "un-list")
    with pytest.raises(NotFound):
        import_watchlist_file(world["users"]["odpp.prosecutor"], path, "un-list")
    assert not Entry.objects.exists()
    assert AuditEvent.objects.filter(action="watchlists.write_denied").count() == 2
    with pytest.raises(InvalidInput, match="handling"):
        import_watchlist_file(world["users"]["nps.analyst"], path, "un-list", handling="H9")


def test_usalama_import_targets_a_watchlist(
    world: dict[str, Any], wanted: Any, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from usalama.cli import _register, app

    _register()
    path = _lines(tmp_path / "entities.ftm.json", OPENSANCTIONS)
    args = ["import", str(path), "--watchlist", "un-list", "--as", "nps.analyst"]
    result = CliRunner().invoke(app, [*args, "--expires", "2027-01-31", "--handling", "h1"])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "2 other entities skipped" in result.output
    assert Entry.objects.get(entity_id="NK-abc").handling == "H1"
    both = CliRunner().invoke(app, [*args, "--collection", "x"])
    assert both.exit_code != 0
    assert "either --collection or --watchlist" in str(both.exception or both.output)
