"""Communications engine benchmark: CDR import (CSV to E.164-normalised columns) and co-location.

    .venv/bin/python benchmarks/comms_bench.py                      # 10,000,000 CDR rows
    .venv/bin/python benchmarks/comms_bench.py --rows 2000000       # when the machine is busy
    .venv/bin/python benchmarks/comms_bench.py --rows 200000 --peer-rows 200000   # smoke run

What is timed, each next to a plain pandas implementation of the same job in the same run:

* **import**: read the plain-layout CSV, normalise every number to E.164, parse the times
  with their offsets, check every row (type, direction, cell id), and write the canonical
  frame as Parquet (``usalama.analysis.comms.cdr``: Polars);
* **co-location**: every pair of served numbers on cells within 1,000 m in the same
  clock-aligned 15-minute window (``usalama.analysis.comms.colocate``: DuckDB), with a
  planted set of meetings and decoys whose recall and precision are printed.

The pandas peer runs on ``--peer-rows`` (default 1,000,000) rows, the first rows of the same
file, and our engine is re-run on that subset for the ratio. Synthetic data, fixed seed.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import polars as pl

from usalama.analysis.comms import cdr, cells, colocate, synthetic

WINDOW_MINUTES = 15
DISTANCE_M = 1000.0


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return os.getloadavg().__repr__()


def write_inputs(rows: int, folder: Path) -> tuple[Path, Path, synthetic.Generated]:
    planted = synthetic.generate(rows=20_000, subscribers=2_000, planted_pairs=50,
                                 decoy_pairs=50, grid=40, seed=5)  # fmt: skip
    bulk = synthetic.fast_background(
        rows - planted.cdr.height, subscribers=max(rows // 50, 1000), cells=6400, days=30, seed=9
    )
    frame = pl.concat([planted.cdr, bulk]).sort("start_time")
    cdr_file, cells_file = folder / "cdr.csv", folder / "cells.csv"
    frame.write_csv(cdr_file)
    planted.cells.write_csv(cells_file)
    return cdr_file, cells_file, planted


def engine_import(path: Path, out: Path) -> cdr.CdrTable:
    table = cdr.read_cdr(path)
    cdr.write_parquet(table, out)
    return table


def engine_colocate(frame: pl.DataFrame, sites: pl.DataFrame) -> list[colocate.Meeting]:
    return colocate.colocate(frame, sites, WINDOW_MINUTES, DISTANCE_M, threads=2)


# --- the pandas peer --------------------------------------------------------------------


def pandas_import(path: Path, rows: int) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, nrows=rows, keep_default_na=False)

    def e164(value: str) -> str | None:
        text = value.strip()
        if text.startswith("00"):
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, "KE")
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_possible_number(number):
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    uniques = pd.unique(pd.concat([frame["a_number"], frame["b_number"]]))
    table = {u: e164(u) for u in uniques}
    frame["a"] = frame["a_number"].map(table)
    frame["b"] = frame["b_number"].map(table).fillna(frame["b_number"])
    frame["start"] = pd.to_datetime(
        frame["start_time"], utc=True, errors="coerce", format="ISO8601"
    )
    frame["duration"] = pd.to_numeric(frame["duration_s"], errors="coerce")
    parts = frame["cell_id"].str.split("-", expand=True)
    frame["cell"] = (
        parts.apply(pd.to_numeric, errors="coerce")
        .astype("Int64")
        .astype(str)
        .agg("-".join, axis=1)
    )
    good = (
        frame["a"].notna()
        & frame["start"].notna()
        & frame["type"].isin(["voice", "sms", "data"])
        & frame["direction"].isin(["out", "in"])
    )
    return frame.loc[good, ["a", "b", "start", "duration", "type", "direction", "cell"]]


def pandas_colocate(frame: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    seconds = WINDOW_MINUTES * 60
    obs = frame[["a", "start", "cell"]].copy()
    obs["w"] = obs["start"].astype("int64") // 10**9 // seconds
    obs = obs.merge(sites[["cell", "lat", "lon"]], on="cell")
    obs = obs[["a", "w", "lat", "lon"]].drop_duplicates()
    max_lat = float(obs["lat"].abs().max())
    span = DISTANCE_M * 1.001
    dlat = span / colocate.METRES_PER_DEGREE
    dlon = span / (colocate.METRES_PER_DEGREE * math.cos(math.radians(max_lat)))
    obs["gy"] = np.floor(obs["lat"] / dlat).astype("int64")
    obs["gx"] = np.floor(obs["lon"] / dlon).astype("int64")
    shifted = []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            moved = obs.copy()
            moved["gx"] += dx
            moved["gy"] += dy
            shifted.append(moved)
    expanded = pd.concat(shifted, ignore_index=True)
    pairs = expanded.merge(obs, on=["w", "gx", "gy"], suffixes=("", "_2"))
    pairs = pairs[pairs["a"] < pairs["a_2"]]
    p1, p2 = np.radians(pairs["lat"].to_numpy()), np.radians(pairs["lat_2"].to_numpy())
    dl = np.radians(pairs["lon_2"].to_numpy() - pairs["lon"].to_numpy())
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distance = 2 * colocate.EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    hits = pairs.loc[distance <= DISTANCE_M, ["a", "a_2", "w"]].drop_duplicates()
    return (
        hits.groupby(["a", "a_2"])["w"]
        .agg(["count", "min", "max"])
        .reset_index()
        .sort_values(["count", "a", "a_2"], ascending=[False, True, True])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--peer-rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="Folder to keep the files in.")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"commit {commit}; {os.cpu_count()} CPUs; load {load()}")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="comms-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    seconds, (cdr_file, cells_file, planted) = timed(lambda: write_inputs(args.rows, folder))
    size = cdr_file.stat().st_size / 1e6
    print(f"generated {args.rows:,} rows ({size:,.0f} MB CSV) in {seconds:.1f} s")

    sites, _ = cells.read_cells(cells_file)
    import_s, table = timed(lambda: engine_import(cdr_file, folder / "cdr.parquet"))
    print(
        f"import  engine: {table.frame.height:,} rows in {import_s:.1f} s "
        f"({table.frame.height / import_s:,.0f} rows/s), {len(table.problems)} problems, "
        f"peak RSS {peak_rss_mb():,.0f} MB, load {load()}"
    )
    coloc_s, meetings = timed(lambda: engine_colocate(table.frame, sites))
    reported = {(m.a, m.b) for m in meetings if m.meetings >= 2}
    found = len(reported & planted.planted)
    planted_reported = {(m.a, m.b) for m in meetings if m.meetings >= 2 and (
        m.a in {p for pair in planted.planted | planted.decoys for p in pair})}  # fmt: skip
    print(
        f"colocate engine: {len(meetings):,} pairs ({len(reported):,} with ≥ 2 meetings) in "
        f"{coloc_s:.1f} s; planted recall {found / len(planted.planted):.3f}, precision among "
        f"planted/decoy numbers {found / max(len(planted_reported), 1):.3f}, decoys reported "
        f"{len({(m.a, m.b) for m in meetings} & planted.decoys)}; load {load()}"
    )

    peer_rows = min(args.peer_rows, args.rows)
    subset = folder / "subset.csv"
    pl.read_csv(cdr_file, infer_schema=False, n_rows=peer_rows).write_csv(subset)
    ours_import_s, ours = timed(lambda: engine_import(subset, folder / "subset.parquet"))
    peer_import_s, peer = timed(lambda: pandas_import(subset, peer_rows))
    print(
        f"import  on {peer_rows:,} rows: engine {ours_import_s:.2f} s, pandas "
        f"{peer_import_s:.2f} s, ratio {peer_import_s / ours_import_s:.1f}x "
        f"(rows kept {ours.frame.height:,} / {len(peer):,})"
    )
    ours_coloc_s, ours_meetings = timed(lambda: engine_colocate(ours.frame, sites))
    sites_pd = sites.to_pandas()
    peer_coloc_s, peer_meetings = timed(lambda: pandas_colocate(peer, sites_pd))
    print(
        f"colocate on {peer_rows:,} rows: engine {ours_coloc_s:.2f} s, pandas "
        f"{peer_coloc_s:.2f} s, ratio {peer_coloc_s / ours_coloc_s:.1f}x "
        f"(pairs {len(ours_meetings):,} / {len(peer_meetings):,}); peak RSS "
        f"{peak_rss_mb():,.0f} MB; load {load()}"
    )
    if args.keep is None:
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
