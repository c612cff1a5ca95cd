"""Call records and chats into a collection: FtM round trip, idempotent re-import, provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from usalama.cli import main
from usalama.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "comms"
CDR = (
    "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi\n"
    "0711000001,0711000002,2026-03-01T10:00:00+03:00,60,voice,out,639-02-1-1,35001,63902001\n"
    "0711000001,0711000002,2026-03-01T11:00:00+03:00,0,sms,in,639-02-1-1,35001,63902001\n"
    "bogus,0711000002,2026-03-01T11:00:00+03:00,0,sms,in,639-02-1-1,35001,63902001\n"
)


def test_chats_round_trip_through_ftm_import(world: Any, tmp_path: Path) -> None:
    from usalama.records.imports import import_file
    from usalama.records.models import Statement

    out = tmp_path / "chat.ftm.json"
    main(
        [
            "comms",
            "chats",
            str(FIXTURES / "WhatsApp Chat with Wahenga Group.txt"),
            "--out",
            str(out),
            "--device",
            "Tecno Spark 10",
            "--examiner",
            "PC Wekesa",
        ]
    )
    report = import_file(world["users"]["nps.analyst"], out, "seized-phone", fmt="ftm")
    assert report.error_count == 0
    messages = Statement.objects.filter(
        collection__key="seized-phone", schema="Message", prop="bodyText"
    )
    assert messages.count() == 7
    again = import_file(world["users"]["nps.analyst"], out, "seized-phone", fmt="ftm")
    assert again.statements_added == 0


def test_cdr_import_is_idempotent_and_keeps_provenance(world: Any, tmp_path: Path) -> None:
    from usalama.records.importers.comms import CommsOptions
    from usalama.records.imports import import_file
    from usalama.records.models import Source, Statement

    path = tmp_path / "cdr.csv"
    path.write_text(CDR, encoding="utf-8")
    options = CommsOptions(court_order="MCCR/E77/2026")
    user = world["users"]["nps.analyst"]
    report = import_file(user, path, "op-x-cdr", fmt="cdr", comms_options=options)
    assert report.error_count == 1 and report.errors[0].row == "row 4"
    assert report.errors[0].field == "a_number"
    calls = Statement.objects.filter(collection__key="op-x-cdr", schema="Call", prop="callerNumber")
    assert list(calls.values_list("value", flat=True)) == ["+254711000001"]
    assert Statement.objects.filter(
        collection__key="op-x-cdr", schema="Message", prop="recordId", value="row 3"
    ).exists()
    assert Statement.objects.filter(
        collection__key="op-x-cdr", prop="notes", value="Court order: MCCR/E77/2026"
    ).exists()
    assert Source.objects.get(collection__key="op-x-cdr").importer == "usalama.cdr"
    again = import_file(user, path, "op-x-cdr", fmt="cdr", comms_options=options)
    assert again.statements_added == 0 and again.entities == report.entities


def test_cdr_import_into_another_agencys_collection_is_not_found(
    world: Any, tmp_path: Path
) -> None:
    from usalama.records.imports import import_file

    path = tmp_path / "cdr.csv"
    path.write_text(CDR, encoding="utf-8")
    with pytest.raises(NotFound):
        import_file(world["users"]["nps.analyst"], path, "dci-intel", fmt="cdr")
    bad = tmp_path / "bad.csv"
    bad.write_text("msisdn\n1\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no column"):
        import_file(world["users"]["nps.analyst"], bad, "op-y", fmt="cdr")


def test_import_cdr_command(world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cdr.csv"
    path.write_text(CDR, encoding="utf-8")
    try:
        main(
            [
                "comms",
                "import-cdr",
                str(path),
                "--collection",
                "op-z",
                "--as",
                "nps.analyst",
                "--court-order",
                "MCCR/E78/2026",
            ]
        )
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    captured = capsys.readouterr()
    assert "op-z" in captured.out and "1 rejected" in captured.out


def test_streamed_cdr_import_in_small_batches_is_the_same_and_resumes(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from usalama.analysis.comms import cdr
    from usalama.records.imports import import_file
    from usalama.records.models import Statement

    def stored(key: str) -> set[tuple[str, str, str]]:
        """The records' statements (the file's document differs: the first run's file was
        cut short, so it hashes differently)."""
        rows = Statement.objects.filter(collection__key=key, schema__in=("Call", "Message"))
        return {(e, p, v) for e, p, v in rows.values_list("entity_id", "prop", "value")
                if p not in ("proof", "id")}  # fmt: skip

    user = world["users"]["nps.analyst"]
    path = tmp_path / "cdr.csv"
    path.write_text(CDR, encoding="utf-8")
    whole = import_file(user, path, "op-whole", fmt="cdr")
    monkeypatch.setattr(cdr, "BATCH_ROWS", 1)  # every record its own batch
    # a run killed after the first record: the file's beginning, then the whole file again
    head = "".join(CDR.splitlines(keepends=True)[:2])
    path.write_text(head, encoding="utf-8")
    import_file(user, path, "op-batched", fmt="cdr", file_name="cdr.csv")
    path.write_text(CDR, encoding="utf-8")
    resumed = import_file(user, path, "op-batched", fmt="cdr")
    assert resumed.records == whole.records and resumed.error_count == 1
    assert resumed.errors[0].row == "row 4"
    again = import_file(user, path, "op-batched", fmt="cdr")
    assert again.statements_added == 0
    assert stored("op-batched") == stored("op-whole") != set()
