"""Streaming CDR reading: batches give what the whole-file read gives, in bounded memory."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from usalama.analysis.comms import cdr, ftm

PROV = ftm.Provenance("cdr.csv", "0" * 64, "MCCR/E1/2026", tool="usalama.cdr")


def _write(path: Path, rows: int, bad_every: int = 0) -> Path:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write(cdr.PLAIN_HEADER + "\n")
        for i in range(rows):
            at = (start + timedelta(seconds=37 * i)).isoformat()
            when = "yesterday" if bad_every and i % bad_every == 3 else at
            out.write(
                f"07{11000000 + i % 5000:08d},07{22000000 + i % 700:08d},{when},{i % 300},"
                f"{'sms' if i % 4 == 0 else 'voice'},{'out' if i % 2 else 'in'},"
                f"639-02-{i % 40}-{i % 90},35{i % 5000:013d},63902{i % 5000:010d}\n"
            )
    return path


def test_batches_give_what_the_whole_file_read_gives(tmp_path: Path) -> None:
    path = _write(tmp_path / "cdr.csv", 100, bad_every=9)
    whole = cdr.read_cdr(path)
    batches = list(cdr.read_cdr_batches(path, batch_rows=7))
    assert len(batches) == 15  # 100 records in batches of 7
    joined = pl.concat([b.frame for b in batches])
    assert joined.equals(whole.frame)
    assert [p for b in batches for p in b.problems] == whole.problems
    assert len(whole.problems) == 11 and whole.problems[0].row == 5  # record 3, line 5
    # the FtM output of the batches is the whole file's: one document, each number once
    seen: set[str] = set()
    streamed = [e["id"] for b in batches for e, _ in ftm.cdr_entities(b.frame, PROV, seen)]
    at_once = [e["id"] for e, _ in ftm.cdr_entities(whole.frame, PROV)]
    assert streamed == at_once and len(streamed) == len(set(streamed))


def test_quoted_fields_blank_lines_short_and_long_records(tmp_path: Path) -> None:
    path = tmp_path / "cdr.csv"
    path.write_text(
        "\ufeff" + cdr.PLAIN_HEADER + "\n"
        '"0712345678","0722000111","2026-03-01T10:00:00+03:00",61,voice,out,"639-02-1-1",,\n'
        "\n"
        "0712345678,0722000111,2026-03-01T10:05:00+03:00,5,sms,in\n",
        encoding="utf-8",
    )
    (table,) = cdr.read_cdr_batches(path)
    assert table.frame["a"].to_list() == ["+254712345678", "+254712345678"]
    assert table.frame["cell"].to_list() == ["639-2-1-1", None]
    assert table.frame["row"].to_list() == [2, 4] == cdr.read_cdr(path).frame["row"].to_list()
    assert table.problems == []
    path.write_text(cdr.PLAIN_HEADER + "\n" + "0712345678," * 9 + "x\n", encoding="utf-8")
    with pytest.raises(cdr.CdrError, match="row 2 has 10 fields, the header 9"):
        list(cdr.read_cdr_batches(path))
    path.write_text("msisdn,when\n", encoding="utf-8")
    with pytest.raises(cdr.CdrError, match="no column"):
        list(cdr.read_cdr_batches(path))
    path.write_text("", encoding="utf-8")
    with pytest.raises(cdr.CdrError, match="empty"):
        list(cdr.read_cdr_batches(path))


def _peak(path: Path) -> tuple[int, int]:
    """Peak traced memory while streaming ``path`` into FtM entities, and the record count."""
    seen: set[str] = set()
    count = 0
    tracemalloc.start()
    try:
        for table in cdr.read_cdr_batches(path, batch_rows=2_000):
            for _ in ftm.cdr_entities(table.frame, PROV, seen):
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, count


def test_memory_does_not_grow_with_the_number_of_records(tmp_path: Path) -> None:
    small = _write(tmp_path / "small.csv", 4_000)
    large = _write(tmp_path / "large.csv", 40_000)
    small_peak, small_count = _peak(small)
    large_peak, large_count = _peak(large)
    assert large_count > 5 * small_count
    # ten times the records, about the same peak (the distinct numbers are the same)
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
    # and below the file's own size, which a whole-file read holds at the least
    assert large_peak < large.stat().st_size, (large_peak, large.stat().st_size)
