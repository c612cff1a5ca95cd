"""Generated CDR sets with planted meetings and decoys (tests, benchmark, demo).

Cells sit on two city grids (Nairobi and Mombasa) ``spacing_m`` apart; every grid site has a
second sector 300 m away, so "the same or a neighbouring cell" is a real case. Background
subscribers make calls from random cells at random times. Planted pairs meet several times:
both are on one site (same cell or its sibling sector) inside one clock-aligned window.
Decoy pairs never meet but come close: the same cell hours apart, the same cell in the
next window, or neighbouring sites ``spacing_m`` apart (beyond the distance) in the same
window. The truth lists every planted (pair, window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import polars as pl

from usalama.analysis.comms.colocate import METRES_PER_DEGREE

CITIES = {"Nairobi": (-1.2864, 36.8172), "Mombasa": (-4.0435, 39.6682)}
MCC, MNC = 639, 2
PREFIXES = (70, 71, 72, 74, 79, 11)


@dataclass
class Generated:
    cdr: pl.DataFrame  # the plain layout, every value text
    cells: pl.DataFrame  # OpenCelliD's layout
    planted: set[tuple[str, str]] = field(default_factory=set)
    planted_windows: set[tuple[str, str, int]] = field(default_factory=set)
    decoys: set[tuple[str, str]] = field(default_factory=set)


def _cells(grid: int, spacing_m: float) -> pl.DataFrame:
    rows = []
    lac = 100
    for city, (lat0, lon0) in CITIES.items():
        lac += 100
        dlat = spacing_m / METRES_PER_DEGREE
        dlon = spacing_m / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
        sibling = 300 / METRES_PER_DEGREE
        for i in range(grid):
            for j in range(grid):
                ci = (i * grid + j) * 2 + 1
                lat, lon = lat0 + (i - grid / 2) * dlat, lon0 + (j - grid / 2) * dlon
                rows.append((city, lac, ci, lat, lon))
                rows.append((city, lac, ci + 1, lat + sibling, lon))
    return pl.DataFrame(
        {
            "radio": ["LTE"] * len(rows),
            "mcc": [MCC] * len(rows),
            "net": [MNC] * len(rows),
            "area": [r[1] for r in rows],
            "cell": [r[2] for r in rows],
            "unit": [0] * len(rows),
            "lon": [round(r[4], 6) for r in rows],
            "lat": [round(r[3], 6) for r in rows],
            "range": [800] * len(rows),
            "samples": [10] * len(rows),
            "changeable": [1] * len(rows),
            "created": [1_700_000_000] * len(rows),
            "updated": [1_700_000_000] * len(rows),
            "averageSignal": [0] * len(rows),
        }
    )


def _numbers(rng: np.random.Generator, count: int) -> list[str]:
    prefixes = rng.choice(PREFIXES, size=count)
    tails = rng.choice(10_000_000, size=count, replace=False)
    return [f"0{p}{t:07d}" for p, t in zip(prefixes.tolist(), tails.tolist(), strict=True)]


def generate(
    rows: int = 20_000,
    subscribers: int = 2_000,
    planted_pairs: int = 20,
    decoy_pairs: int = 20,
    meetings_per_pair: int = 3,
    days: int = 30,
    grid: int = 20,
    spacing_m: float = 1500.0,
    window_minutes: int = 15,
    seed: int = 7,
    start: datetime = datetime(2026, 3, 1, tzinfo=UTC),
) -> Generated:
    """A CDR set of about ``rows`` records; see the module docstring for what is planted."""
    rng = np.random.default_rng(seed)
    cells = _cells(grid, spacing_m)
    keys = [f"{MCC}-{MNC:02d}-{a}-{c}" for a, c in zip(cells["area"], cells["cell"], strict=True)]
    site_count = len(keys) // 2
    special = 2 * (planted_pairs + decoy_pairs)
    numbers = _numbers(rng, subscribers + special)
    background, reserved = numbers[:subscribers], numbers[subscribers:]
    base = int(start.timestamp())
    seconds = days * 86_400
    window = window_minutes * 60

    # background: every subscriber calls anyone from a random cell at a random time
    a_index = rng.integers(0, subscribers, rows)
    b_index = rng.integers(0, subscribers + special, rows)
    starts = base + rng.integers(0, seconds, rows)
    cell_index = rng.integers(0, len(keys), rows)
    extra_a: list[str] = []
    extra_b: list[str] = []
    extra_t: list[int] = []
    extra_c: list[int] = []
    generated = Generated(cdr=pl.DataFrame(), cells=cells)

    def add(a: str, b: str, moment: int, cell: int) -> None:
        extra_a.append(a)
        extra_b.append(b)
        extra_t.append(moment)
        extra_c.append(cell)

    from usalama.analysis.comms.phones import to_e164

    def e164(number: str) -> str:
        value = to_e164(number)
        assert value is not None
        return value

    for pair in range(planted_pairs):
        x, y = reserved[2 * pair], reserved[2 * pair + 1]
        ex, ey = sorted((e164(x), e164(y)))
        generated.planted.add((ex, ey))
        windows = rng.choice(seconds // window - 2, size=meetings_per_pair, replace=False)
        for w in windows.tolist():
            w0 = base // window * window + (w + 1) * window
            site = int(rng.integers(0, site_count))
            offset_x, offset_y = rng.integers(0, window - 60, 2).tolist()
            add(x, background[pair], w0 + offset_x, 2 * site)
            add(y, background[pair + 1], w0 + offset_y, 2 * site + int(rng.integers(0, 2)))
            generated.planted_windows.add((ex, ey, w0 // window))
    for pair in range(decoy_pairs):
        x = reserved[2 * (planted_pairs + pair)]
        y = reserved[2 * (planted_pairs + pair) + 1]
        generated.decoys.add(tuple(sorted((e164(x), e164(y)))))  # type: ignore[arg-type]
        for w in rng.choice(seconds // window - 20, size=meetings_per_pair, replace=False).tolist():
            w0 = base // window * window + (w + 1) * window
            site = int(rng.integers(0, site_count - 1))
            kind = (pair + w) % 3
            add(x, background[pair], w0 + 30, 2 * site)
            if kind == 0:  # the same cell, hours later
                add(y, background[pair], w0 + 4 * 3600 + 30, 2 * site)
            elif kind == 1:  # the same cell, just into the next window
                add(y, background[pair], w0 + window + 10, 2 * site)
            else:  # the neighbouring site, same window, beyond the distance
                neighbour = 2 * (site + 1) if (site + 1) % grid else 2 * (site - 1)
                add(y, background[pair], w0 + 60, neighbour)

    a_all = [background[i] for i in a_index.tolist()] + extra_a
    b_all = [numbers[i] for i in b_index.tolist()] + extra_b
    t_all = np.concatenate([starts, np.asarray(extra_t, dtype=np.int64)])
    c_all = np.concatenate([cell_index, np.asarray(extra_c, dtype=np.int64)])
    total = len(a_all)
    kinds = rng.choice(["voice", "voice", "voice", "sms"], size=total)
    directions = rng.choice(["out", "in"], size=total)
    key_array = np.asarray(keys)
    frame = pl.DataFrame(
        {
            "a_number": a_all,
            "b_number": b_all,
            "start_time": pl.Series(t_all * 1_000_000)
            .cast(pl.Datetime("us", "UTC"))
            .dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "duration_s": rng.integers(0, 600, total).astype(str),
            "type": kinds,
            "direction": directions,
            "cell_id": key_array[c_all],
            "imei": [f"35{int(a[-9:]):013d}" for a in a_all],
            "imsi": [f"63902{int(a[-9:]):010d}" for a in a_all],
        }
    )
    generated.cdr = frame.sort("start_time")
    return generated


def fast_background(rows: int, subscribers: int, cells: int, days: int, seed: int) -> pl.DataFrame:
    """A large plain-layout CDR frame quickly (the benchmark's bulk; nothing planted)."""
    rng = np.random.default_rng(seed)
    numbers = pl.Series(_numbers(rng, subscribers))
    base = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    cell_table = _cells(int(math.sqrt(cells / 4)) + 1, 1500.0)
    keys = pl.Series(
        [f"{MCC}-{MNC:02d}-{a}-{c}" for a, c in zip(cell_table["area"], cell_table["cell"],
                                                       strict=True)]
    )  # fmt: skip
    a = rng.integers(0, subscribers, rows)
    return pl.DataFrame(
        {
            "a_number": numbers.gather(a),
            "b_number": numbers.gather(rng.integers(0, subscribers, rows)),
            "start_time": pl.Series((base + rng.integers(0, days * 86_400, rows)) * 1_000_000)
            .cast(pl.Datetime("us", "UTC"))
            .dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "duration_s": pl.Series(rng.integers(0, 600, rows)).cast(pl.String),
            "type": pl.Series(["voice", "sms"]).gather(rng.integers(0, 2, rows)),
            "direction": pl.Series(["out", "in"]).gather(rng.integers(0, 2, rows)),
            "cell_id": keys.gather(rng.integers(0, len(keys), rows)),
            "imei": pl.Series(a + 350_000_000_000_000).cast(pl.String),
            "imsi": pl.Series(a + 639_020_000_000_000).cast(pl.String),
        }
    )
