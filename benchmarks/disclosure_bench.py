"""Benchmark disclosure control on a Kenya-shaped table, next to the plain audit.

Run from the project root:
    .venv/bin/python benchmarks/disclosure_bench.py [--counties 3] [--reports 300]

1. Spreads ``--reports`` citizen reports over the wards of the first ``--counties`` busiest
   counties (Nairobi, Mombasa, Kisumu, ...; real IEBC ward list) and 17 categories, skewed like
   the demo (a few busy wards, a long tail).
2. usalama: ``protect`` (primary + secondary suppression, audited to convergence) and then
   ``audit`` on the published values (feasible points first, two linear programs only for the
   cells they do not settle) — timed.
3. Peer, in the same run: the plain audit — two linear programs (min and max) for every
   withheld cell (``intervals``, the exact intervals) — on the same published table, with the
   same solver. Both verdicts must agree (nothing recoverable); both times are printed.
"""

from __future__ import annotations

import argparse
import random
import time

from usalama.analysis.disclosure import build_table, intervals, protect
from usalama.analysis.disclosure.audit import audit
from usalama.data.geo import read_geo_csv

COUNTIES = ["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Kiambu", "Machakos", "Uasin Gishu"]
CATEGORIES = tuple(f"cat{i:02d}" for i in range(17))


def table(counties: int, reports: int, seed: int = 7):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    parent: dict[str, str | None] = {"KE": None}
    wards = []
    for row in read_geo_csv("kenya_wards.csv"):
        if row["county_name"] not in COUNTIES[:counties]:
            continue
        county, sub, ward = (
            f"c{row['county_code']}",
            f"s{row['constituency_code']}",
            f"w{row['ward_code']}",
        )
        parent.setdefault(county, "KE")
        parent.setdefault(sub, county)
        parent[ward] = sub
        wards.append(ward)
    rng.shuffle(wards)
    ward_weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(wards))]
    cat_weights = [1.0 / (rank + 1) for rank in range(len(CATEGORIES))]
    leaves: dict[tuple[str, str], int] = {}
    for _ in range(reports):
        key = (
            rng.choices(wards, weights=ward_weights)[0],
            rng.choices(CATEGORIES, weights=cat_weights)[0],
        )
        leaves[key] = leaves.get(key, 0) + 1
    return build_table(leaves, parent, CATEGORIES)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=3)
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    built = table(args.counties, args.reports)
    started = time.perf_counter()
    protected = protect(built, args.k)
    protect_s = time.perf_counter() - started
    published = protected.published_values()
    started = time.perf_counter()
    failing = audit(built.equations(), published, args.k)
    audit_s = time.perf_counter() - started
    started = time.perf_counter()
    exact = intervals(built.equations(), published)
    exact_s = time.perf_counter() - started
    exact_failing = [c for c, i in exact.items() if not i.protects(args.k)]
    assert failing == [] and exact_failing == [], (failing, exact_failing)
    print(
        f"cells {len(built.values)}, primary {len(protected.primary)}, "
        f"withheld {len(protected.suppressed)}, audit rounds {protected.rounds}"
    )
    print(f"usalama protect (suppress + audit to convergence): {protect_s:.2f} s")
    print(f"usalama audit of the published table:             {audit_s:.2f} s")
    print(f"peer: two LPs per withheld cell (exact intervals): {exact_s:.2f} s")
    print(
        f"ratio peer / usalama audit: {exact_s / audit_s:.1f}x; "
        "verdicts agree (nothing recoverable)"
    )


if __name__ == "__main__":
    main()
