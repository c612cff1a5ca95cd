"""Benchmark the KPI computation (``usalama.kpis.compute``) on a month of synthetic calls,
next to DuckDB computing the same incident figures in SQL over the same rows.

Run from the project root:  .venv/bin/python benchmarks/kpis_bench.py [--incidents 100000]

1. A fresh SQLite database in a temporary USALAMA_VAR_DIR (migrated), eight stations placed
   in Nairobi wards, and N incidents in March 2026 (Nairobi time) with arrival and clearance
   times, bulk-inserted.
2. usalama: ``compute_period("2026-03")`` — every indicator at every level (national, county,
   sub-county, ward, station), replacing the month's rows in one transaction — timed.
3. Peer, in the same run: DuckDB over the same rows (read from the database into Arrow) computes
   the incident indicators per station (count, median and 90th-percentile response, clearance).
   The national and station figures must agree; both times are printed with their ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

STATIONS = [
    ("Central Police Station", "1439"),
    ("Kilimani Police Station", "1371"),
    ("Kasarani Police Station", "1397"),
    ("Pangani Police Station", "1414"),
    ("Kibera Police Station", "1392"),
    ("Kayole Police Station", "1403"),
    ("Kariobangi Police Station", "1423"),
    ("Kamukunji Police Station", "1431"),
]


def setup(var_dir: Path) -> None:
    os.environ["USALAMA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("USALAMA_KEYS_DIR", str(var_dir.parent / "keys"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "usalama.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def populate(n: int, seed: int = 7) -> None:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.data import areas
    from usalama.kpis import services
    from usalama.policing.models import Incident
    from usalama.records import services as records

    for name, ward in STATIONS:
        if areas.ward(ward) is not None:
            services.map_station(name, ward)
    actor = Actor(name="bench")
    nps = accounts.ensure_agency(actor, code="NPS", name="NPS", country="KE", kind="police")
    collection = records.ensure_collection(actor, key="bench-calls", agency=nps, label="Calls")
    rng = random.Random(seed)
    start = datetime(2026, 2, 28, 21, 0, tzinfo=UTC)  # 1 March 00:00 in Nairobi
    rows = []
    for i in range(n):
        received = start + timedelta(seconds=rng.randrange(31 * 86400))
        arrived = received + timedelta(minutes=rng.lognormvariate(2.7, 0.6))
        rows.append(
            Incident(
                collection=collection,
                external_id=f"B{i}",
                station=rng.choice(STATIONS)[0],
                received_at=received,
                arrived_at=arrived if rng.random() < 0.9 else None,
                cleared_at=arrived + timedelta(minutes=40) if rng.random() < 0.7 else None,
                source_file="bench.csv",
                source_row=i,
                imported_by="bench",
            )
        )
    Incident.objects.bulk_create(rows, batch_size=5000)


def duckdb_figures() -> dict[str, tuple[int, float | None, float | None, float | None]]:
    import duckdb
    import pyarrow as pa

    from usalama.kpis.sources import Window
    from usalama.policing.models import Incident

    window = Window.of("2026-03")
    values = list(
        Incident.objects.filter(
            received_at__gte=window.start, received_at__lt=window.end
        ).values_list("station", "received_at", "arrived_at", "cleared_at", "status")
    )
    calls = pa.table(  # noqa: F841 - read by DuckDB by name
        {
            "station": [v[0] for v in values],
            "wait": [
                (v[2] - v[1]).total_seconds() / 60 if v[2] is not None else None for v in values
            ],
            "done": [v[3] is not None or v[4] == "closed" for v in values],
        }
    )
    rows = duckdb.sql(
        """SELECT coalesce(station, 'KE'), count(*), median(wait), quantile_cont(wait, 0.9),
                  100.0 * sum(done::INT) / count(*)
           FROM calls GROUP BY GROUPING SETS ((station), ())"""
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="usalama-kpi-bench-") as folder:
        setup(Path(folder) / "var")
        began = time.perf_counter()
        populate(args.incidents)
        print(f"populated {args.incidents:,} incidents in {time.perf_counter() - began:.1f} s")
        from usalama.kpis import compute
        from usalama.kpis.models import KpiValue

        began = time.perf_counter()
        written = compute.compute_period("2026-03")
        ours = time.perf_counter() - began
        began = time.perf_counter()
        peer = duckdb_figures()
        theirs = time.perf_counter() - began

        def got(key: str, level: str, code: str) -> float | None:
            return KpiValue.objects.get(
                indicator=key, level=level, area_code=code, period="2026-03"
            ).value

        for code, (count, median, p90, cleared) in peer.items():
            level = "national" if code == "KE" else "station"
            assert got("incidents_received", level, code) == count
            assert abs((got("response_median_minutes", level, code) or 0) - median) < 0.01
            assert abs((got("response_p90_minutes", level, code) or 0) - p90) < 0.01
            assert abs((got("clearance_rate", level, code) or 0) - cleared) < 0.01
        print(
            f"usalama compute_period: {ours:.2f} s for {args.incidents:,} incidents "
            f"({written} values: every indicator, every level, stored)"
        )
        print(
            f"DuckDB (same rows, incident indicators per station + national, not stored): "
            f"{theirs:.2f} s"
        )
        print(f"ratio usalama / DuckDB: {ours / theirs:.1f}x; figures agree")


if __name__ == "__main__":
    main()
