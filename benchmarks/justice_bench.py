"""Benchmark the justice KPI engine on a synthetic event log, next to DuckDB SQL.

Run from the project root:  .venv/bin/python benchmarks/justice_bench.py [--cases 20000]

1. Generates a log (each case reported; 1-2 accused with arrests, appearances, remand or
   bail, charge decisions, charges, hearings, judgments, sentences) and writes the CSV.
2. usalama: ``read_events_file`` + ``compute_kpis`` (every key of the issue) — timed.
3. Peer, in the same run: DuckDB reads the same CSV and computes six of the KPIs in SQL
   (arrests, court_within_24h_rate, charged, median_days_report_to_charge, judgments,
   adjournment_rate). The figures must agree exactly; both times are printed.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from usalama.analysis.justice import Event, Period, compute_kpis, iter_csv_lines, read_events_file

START = datetime(2024, 1, 1, tzinfo=UTC)


def generate(cases: int, seed: int = 7) -> list[Event]:
    rng = random.Random(seed)
    events: list[Event] = []
    for number in range(cases):
        case = f"C{number}"
        reported = START + timedelta(days=rng.uniform(0, 700))
        events.append(Event(reported, case, "", "reported"))
        for person in range(rng.choice((1, 1, 2))):
            accused = f"A{person}"
            at = reported + timedelta(days=rng.uniform(0, 15))
            events.append(Event(at, case, accused, "arrested"))
            at += timedelta(hours=rng.uniform(4, 60))
            events.append(Event(at, case, accused, "first_appearance"))
            kind = "remanded" if rng.random() < 0.5 else "released_on_bail"
            events.append(Event(at, case, accused, kind))
            at += timedelta(days=rng.uniform(5, 90))
            decision = rng.choice(("charge", "charge", "charge", "no_charge", "diversion"))
            events.append(Event(at, case, accused, "charge_decision", decision))
            if decision != "charge":
                continue
            at += timedelta(days=rng.uniform(1, 10))
            events.append(Event(at, case, accused, "charged"))
            for _ in range(rng.randint(1, 8)):
                at += timedelta(days=rng.uniform(10, 60))
                detail = "adjourned" if rng.random() < 0.45 else "heard"
                events.append(Event(at, case, accused, "hearing", detail))
            if rng.random() < 0.7:
                at += timedelta(days=rng.uniform(5, 30))
                verdict = rng.choice(("convicted", "convicted", "acquitted", "withdrawn"))
                events.append(Event(at, case, accused, "judgment", verdict))
                if verdict == "convicted":
                    sentence = rng.choice(("custodial", "non_custodial"))
                    events.append(Event(at, case, accused, "sentenced", sentence))
    rng.shuffle(events)
    return events


PEER_SQL = """
WITH ev AS (
  SELECT case_id, coalesce(accused_id, '') AS accused_id, event, coalesce(detail, '') AS detail,
         CAST(time AS TIMESTAMPTZ) AS t
  FROM read_csv(?, header = true, all_varchar = true)
), inside AS (SELECT * FROM ev WHERE t >= ? AND t < ?),
reported AS (SELECT case_id, min(t) AS t FROM ev WHERE event = 'reported' GROUP BY case_id),
arrests AS (
  SELECT a.case_id, a.accused_id, a.t,
         (SELECT min(f.t) FROM ev f WHERE f.event = 'first_appearance' AND f.case_id = a.case_id
            AND f.accused_id = a.accused_id AND f.t >= a.t) AS appeared
  FROM inside a WHERE a.event = 'arrested'
)
SELECT
  (SELECT count(*) FROM arrests) AS arrests,
  (SELECT avg(CASE WHEN appeared IS NOT NULL AND appeared - t <= INTERVAL 24 HOUR
                   THEN 1.0 ELSE 0.0 END) FROM arrests) AS court_within_24h_rate,
  (SELECT count(*) FROM inside WHERE event = 'charged') AS charged,
  (SELECT median(epoch(c.t - r.t) / 86400.0) FROM inside c JOIN reported r USING (case_id)
     WHERE c.event = 'charged') AS median_days_report_to_charge,
  (SELECT count(*) FROM inside WHERE event = 'judgment') AS judgments,
  (SELECT avg(CASE WHEN detail = 'adjourned' THEN 1.0 ELSE 0.0 END) FROM inside
     WHERE event = 'hearing') AS adjournment_rate
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    events = generate(args.cases)
    period = Period.of(date(2024, 7, 1), date(2025, 7, 1), "Africa/Nairobi")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_text("".join(iter_csv_lines(events)), encoding="utf-8")
        print(
            f"log: {len(events):,} events, {args.cases:,} cases, "
            f"{path.stat().st_size / 2**20:.1f} MB"
        )

        started = time.perf_counter()
        loaded = read_events_file(path)
        read_s = time.perf_counter() - started
        figures = compute_kpis(loaded, period)
        ours_s = time.perf_counter() - started
        print(f"usalama  read {read_s:.2f} s, read + all 14 KPIs {ours_s:.2f} s")

        connection = duckdb.connect()
        connection.execute("SET TimeZone = 'UTC'")
        started = time.perf_counter()
        row = connection.execute(PEER_SQL, [str(path), period.start, period.end]).fetchone()
        peer_s = time.perf_counter() - started
        assert row is not None
        names = ("arrests", "court_within_24h_rate", "charged", "median_days_report_to_charge",
                 "judgments", "adjournment_rate")  # fmt: skip
        print(f"duckdb   read + 6 KPIs in SQL {peer_s:.2f} s")
        for name, peer in zip(names, row, strict=True):
            ours = figures[name]
            same = abs(float(ours) - float(peer)) < 1e-9
            print(
                f"  {name:<30} usalama {ours!r:<22} duckdb {peer!r:<22} "
                f"{'same' if same else 'DIFFERENT'}"
            )
            assert same, name


if __name__ == "__main__":
    main()
