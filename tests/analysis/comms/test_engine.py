"""Numbers, CDR reading, co-location windows and distances, statistics, FtM output."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usalama.analysis.comms import cdr, cells, colocate, ftm, stats, synthetic
from usalama.analysis.comms.chats import parse_file
from usalama.analysis.comms.phones import to_e164

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "comms"
BOUNDED = settings(
    max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@BOUNDED
@given(
    prefix=st.sampled_from(["70", "71", "72", "74", "79", "11"]),
    tail=st.integers(min_value=0, max_value=9_999_999),
    style=st.sampled_from(["0{p}{t}", "+254{p}{t}", "254{p}{t}", "00254{p}{t}", "+254 {p} {t}"]),
)
def test_every_way_of_writing_a_kenyan_number_is_one_e164(
    prefix: str, tail: int, style: str
) -> None:
    written = style.format(p=prefix, t=f"{tail:07d}")
    assert to_e164(written) == f"+254{prefix}{tail:07d}"


def test_other_regions_and_non_numbers() -> None:
    assert to_e164("0803 123 4567", "NG") == "+2348031234567"
    assert to_e164("MPESA") is None and to_e164("") is None and to_e164("12") is None


PLAIN = cdr.PLAIN_HEADER + "\n"


def _cdr(tmp_path: Path, *rows: str) -> cdr.CdrTable:
    path = tmp_path / "cdr.csv"
    path.write_text(PLAIN + "\n".join(rows) + "\n", encoding="utf-8")
    return cdr.read_cdr(path)


def test_plain_layout_rows_and_problems(tmp_path: Path) -> None:
    table = _cdr(
        tmp_path,
        "0712345678,0722000111,2026-03-01T10:05:00+03:00,60,voice,out,639-02-100-2001,356,6390",
        "0722000111,MPESA,2026-03-01 10:06:00,,sms,in,,,",
        "bogus,0712345678,2026-03-01 10:06:00,5,voice,out,639-2-100-2002,,",
        "0712345678,0733,yesterday,5,voice,out,639-2-100,,",
    )
    assert table.rows_read == 4 and table.frame.height == 2
    first, second = table.frame.to_dicts()
    assert first["a"] == "+254712345678" and first["cell"] == "639-2-100-2001"
    assert first["start"] == datetime(2026, 3, 1, 7, 5, tzinfo=UTC)
    assert second["b"] == "MPESA" and second["start"] == datetime(2026, 3, 1, 7, 6, tzinfo=UTC)
    assert [(p.row, p.field) for p in table.problems] == [
        (4, "a_number"),
        (5, "start_time"),
        (5, "cell_id"),
    ]


def test_operator_preset_from_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "SERVED_MSISDN",
            "OTHER_PARTY",
            "CALL_START",
            "DURATION",
            "CALL_TYPE",
            "MCC",
            "MNC",
            "LAC",
            "CELL_ID",
            "IMEI",
            "IMSI",
        ]
    )
    sheet.append(
        [
            "254712345678",
            "0722000111",
            "01/03/2026 10:05:00",
            61,
            "MTC",
            "639",
            "02",
            "100",
            "2001",
            "356",
            "639",
        ]
    )
    sheet.append(
        [
            "254712345678",
            "0722000111",
            "01/03/2026 10:06:00",
            0,
            "SMSMO",
            "639",
            "02",
            "100",
            "2001",
            "356",
            "639",
        ]
    )
    path = tmp_path / "msc.xlsx"
    book.save(path)
    mapping_file = tmp_path / "m.yml"
    mapping_file.write_text("preset: operator-msc\n", encoding="utf-8")
    table = cdr.read_cdr(path, cdr.load_mapping(mapping_file))
    assert table.problems == []
    rows = table.frame.select("a", "b", "type", "direction", "cell", "duration").rows()
    assert rows == [
        ("+254712345678", "+254722000111", "voice", "in", "639-2-100-2001", 61),
        ("+254712345678", "+254722000111", "sms", "out", "639-2-100-2001", 0),
    ]


def test_bad_mappings_are_named(tmp_path: Path) -> None:
    with pytest.raises(cdr.CdrError, match="unknown field"):
        cdr.mapping_from_dict({"columns": {"a_number": "x", "start_time": "t", "colour": "c"}})
    with pytest.raises(cdr.CdrError, match="time zone"):
        cdr.mapping_from_dict({"columns": {"a_number": "x", "start_time": "t"}, "timezone": "Mars"})
    path = tmp_path / "cdr.csv"
    path.write_text("msisdn,when\n1,2\n", encoding="utf-8")
    with pytest.raises(cdr.CdrError, match="no column"):
        cdr.read_cdr(path)


def _frame(rows: list[tuple[str, datetime, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": list(range(2, len(rows) + 2)),
            "a": [r[0] for r in rows],
            "b": ["+254700000000"] * len(rows),
            "start": [r[1] for r in rows],
            "duration": [1] * len(rows),
            "type": ["voice"] * len(rows),
            "direction": ["out"] * len(rows),
            "cell": [r[2] for r in rows],
            "imei": [None] * len(rows),
            "imsi": [None] * len(rows),
        },
        schema_overrides={"start": pl.Datetime("us", "UTC"), "imei": pl.String, "imsi": pl.String},
    )


def _sites(positions: dict[str, tuple[float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "cell": list(positions),
            "lat": [p[0] for p in positions.values()],
            "lon": [p[1] for p in positions.values()],
        }
    )


def _brute_force(
    rows: list[tuple[str, datetime, str]],
    sites: dict[str, tuple[float, float]],
    minutes: int,
    distance: float,
) -> dict[tuple[str, str], set[int]]:
    found: dict[tuple[str, str], set[int]] = {}
    for x in rows:
        for y in rows:
            if x[0] >= y[0]:
                continue
            wx = colocate.window_of(x[1], minutes)
            if wx != colocate.window_of(y[1], minutes):
                continue
            if colocate.haversine_m(*sites[x[2]], *sites[y[2]]) <= distance:
                found.setdefault((x[0], y[0]), set()).add(wx)
    return found


@BOUNDED
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(["+254711000001", "+254711000002", "+254711000003", "+254711000004"]),
            st.integers(min_value=0, max_value=6 * 3600),
            st.sampled_from(["c1", "c2", "c3", "c4"]),
        ),
        max_size=25,
    ),
    minutes=st.sampled_from([5, 15, 60]),
    distance=st.sampled_from([0.0, 400.0, 1000.0, 5000.0]),
)
def test_colocation_equals_the_definition(
    events: list[tuple[str, int, str]], minutes: int, distance: float
) -> None:
    sites = {
        "c1": (-1.2864, 36.8172),
        "c2": (-1.2837, 36.8172),
        "c3": (-1.2864, 36.8262),
        "c4": (-1.25, 36.85),
    }
    base = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [(n, base + timedelta(seconds=s), c) for n, s, c in events]
    expected = _brute_force(rows, sites, minutes, distance)
    got = colocate.colocate(_frame(rows), _sites(sites), minutes, distance) if rows else []
    assert {(m.a, m.b): m.meetings for m in got} == {k: len(v) for k, v in expected.items()}
    for meeting in got:
        windows = expected[(meeting.a, meeting.b)]
        assert colocate.window_of(meeting.first, minutes) == min(windows)
        assert colocate.window_of(meeting.last, minutes) == max(windows)
    assert [m.meetings for m in got] == sorted((m.meetings for m in got), reverse=True)


def test_windows_are_clock_aligned_and_distance_is_inclusive() -> None:
    base = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    # 300 m apart (c1/c2) within a window; then 10:14 and 10:16 are different windows
    sites = {"c1": (-1.2864, 36.8172), "c2": (-1.2864 + 300 / colocate.METRES_PER_DEGREE, 36.8172)}
    rows = [
        ("+254711000001", base + timedelta(minutes=1), "c1"),
        ("+254711000002", base + timedelta(minutes=9), "c2"),
        ("+254711000001", base + timedelta(minutes=74), "c1"),
        ("+254711000002", base + timedelta(minutes=76), "c1"),
    ]
    meetings = colocate.colocate(_frame(rows), _sites(sites), 15, 300.5)
    assert [(m.meetings, m.first) for m in meetings] == [(1, base)]
    assert colocate.colocate(_frame(rows), _sites(sites), 15, 299.0) == []
    assert math.isclose(colocate.haversine_m(*sites["c1"], *sites["c2"]), 300.0, rel_tol=1e-6)


def test_planted_meetings_recall_and_precision() -> None:
    generated = synthetic.generate(
        rows=20_000, subscribers=2_000, planted_pairs=40, decoy_pairs=40, seed=11
    )
    table = cdr.canonical(
        generated.cdr.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64)),
        cdr.load_mapping(None),
    )
    assert table.problems == []
    sites = generated.cells.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in ("mcc", "net", "area", "cell")], separator="-"
        ).alias("cell"),
        "lat",
        "lon",
    )
    meetings = colocate.colocate(table.frame, sites, 15, 1000.0)
    reported = {(m.a, m.b) for m in meetings if m.meetings >= 2}
    true_positive = len(reported & generated.planted)
    recall = true_positive / len(generated.planted)
    precision = true_positive / len(reported)
    assert recall >= 0.95 and precision >= 0.9, (recall, precision)
    assert not {(m.a, m.b) for m in meetings} & generated.decoys
    windows = {
        (m.a, m.b, w)
        for m in meetings
        if (m.a, m.b) in generated.planted
        for w in (colocate.window_of(m.first, 15), colocate.window_of(m.last, 15))
    }
    assert windows <= generated.planted_windows


def test_cells_layouts(tmp_path: Path) -> None:
    opencellid = tmp_path / "cells.csv"
    opencellid.write_text(
        "GSM,639,2,100,2001,0,36.8219,-1.2921,500,10,1,1600000000,1600000000,0\n"
        "GSM,639,2,100,2002,0,36.8260,-95.0,500,10,1,1600000000,1600000000,0\n",
        encoding="utf-8",
    )
    sites, problems = cells.read_cells(opencellid)
    assert sites["cell"].to_list() == ["639-2-100-2001"]
    assert [(p.row, p.field) for p in problems] == [(2, "lat/lon")]
    operator = tmp_path / "op.csv"
    operator.write_text(
        "cell_id,lat,lon,azimuth,beam_width,name\n639-02-7-9,-4.05,39.66,120,65,Likoni A\n",
        encoding="utf-8",
    )
    sites, problems = cells.read_cells(operator)
    assert sites.row(0, named=True) | {"range": None} == {
        "cell": "639-2-7-9",
        "lat": -4.05,
        "lon": 39.66,
        "azimuth": 120.0,
        "beam_width": 65.0,
        "range": None,
        "radio": None,
        "name": "Likoni A",
    }


def test_contacts_sims_and_timeline(tmp_path: Path) -> None:
    table = _cdr(
        tmp_path,
        "0711000001,0711000002,2026-03-01T10:00:00Z,60,voice,out,639-2-1-1,111,A1",
        "0711000002,0711000001,2026-03-01T10:00:00Z,60,voice,in,639-2-1-1,222,B1",
        "0711000001,0711000003,2026-03-02T10:00:00Z,0,sms,out,639-2-1-1,111,A2",
        "0711000004,0711000003,2026-03-03T10:00:00Z,5,voice,out,639-2-1-2,111,D1",
        "0711000004,0711000002,2026-03-04T10:00:00Z,5,voice,out,639-2-1-2,333,D1",
    )
    edges = stats.contact_edges(table.frame)
    first = edges.row(0, named=True)
    assert (first["source"], first["target"], first["calls"]) == (
        "+254711000001",
        "+254711000002",
        1,
    )
    top = stats.top_contacts(table.frame, "+254711000001")
    assert top["contact"].to_list() == ["+254711000002", "+254711000003"]
    common = stats.common_contacts(table.frame, ["+254711000001", "+254711000004"])
    assert common["contact"].to_list() == ["+254711000002", "+254711000003"]
    new = stats.new_contacts(table.frame, "+254711000001", datetime(2026, 3, 2, tzinfo=UTC))
    assert new["contact"].to_list() == ["+254711000003"]
    handsets, numbers = stats.sim_changes(table.frame)
    assert handsets["imei"].to_list() == ["111"]
    assert handsets.row(0, named=True)["numbers"] == ["+254711000001", "+254711000004"]
    assert numbers["number"].to_list() == ["+254711000004"]
    switches = stats.handset_switches(table.frame, "+254711000004")
    assert [(s["from"], s["to"]) for s in switches] == [("111", "333")]
    line = stats.timeline(table.frame, ["+254711000003"])
    assert line["row"].to_list() == [4, 5]


def test_ftm_entities_are_valid_and_stable(tmp_path: Path) -> None:
    from followthemoney import model

    table = _cdr(
        tmp_path,
        "0711000001,0711000002,2026-03-01T10:00:00Z,60,voice,out,639-2-1-1,111,A1",
        "0711000001,0711000002,2026-03-01T11:00:00Z,0,sms,in,639-2-1-1,111,A1",
    )
    prov = ftm.Provenance("cdr.csv", "ab" * 32, court_order="MCCR/E1/2026")
    entities = [e for e, _ in ftm.cdr_entities(table.frame, prov)]
    again = [e for e, _ in ftm.cdr_entities(table.frame, prov)]
    assert entities == again
    schemas = [e["schema"] for e in entities]
    assert schemas == ["Document", "LegalEntity", "LegalEntity", "Call", "Message"]
    call, sms = entities[3], entities[4]
    assert call["properties"]["callerNumber"] == ["+254711000001"]
    assert call["properties"]["recordId"] == ["row 2"]
    assert call["properties"]["proof"] == [entities[0]["id"]]
    assert sms["properties"]["sender"] == [entities[2]["id"]]  # "in": the other party sent it
    for entity in entities:
        proxy = model.get_proxy(entity)
        assert proxy.schema.name == entity["schema"]
    report = parse_file(FIXTURES / "WhatsApp Chat with Juma.txt")
    chat = [e for e, _ in ftm.chat_entities(report, prov)]
    messages = [e for e in chat if e["schema"] == "Message"]
    assert len(messages) == 5
    assert {e["schema"] for e in chat} == {"Document", "UserAccount", "Message"}
    deleted = [m for m in messages if "deleted" in m["properties"].get("keywords", [])]
    assert len(deleted) == 1
