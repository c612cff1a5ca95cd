"""Co-location: two served numbers seen on the same or nearby cells in one time window.

Time is cut into clock-aligned windows of ``window_minutes`` (counted from the Unix epoch in
UTC, so 15-minute windows start at :00, :15, :30 and :45). A number is *at* the position of
every cell it used in a window. Two numbers *meet* in a window when some position of one is
within ``max_distance_m`` (great-circle) of some position of the other; ``meetings`` counts
the distinct windows in which they meet, ``first``/``last`` are the start of the first and
the last such window.

The join runs in DuckDB. First the pairs of cells within ``max_distance_m`` of each other:
cell positions are bucketed on a grid whose buckets are at least that wide (in longitude at
the largest latitude present, so the bucketing never loses a pair), each cell looks into its
own and the eight neighbouring buckets, and the exact great-circle distance decides. Then
every two numbers seen in one window on such a pair of cells (or on one cell) meet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    meetings: int
    first: datetime
    last: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "meetings": self.meetings,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (the same formula the SQL uses)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def window_of(moment: datetime, window_minutes: int) -> int:
    """The clock-aligned window index of an aware moment."""
    return math.floor(moment.timestamp() / (window_minutes * 60))


def indexed_sites(cells: pl.DataFrame) -> pl.DataFrame:
    """Each cell once, numbered (``cid``), with its position."""
    return (
        cells.select("cell", "lat", "lon")
        .unique("cell", keep="first", maintain_order=True)
        .with_row_index("cid")
        .with_columns(pl.col("cid").cast(pl.Int32))
    )


def observations(cdr: pl.DataFrame, indexed: pl.DataFrame, window_minutes: int) -> pl.DataFrame:
    """Distinct (number, window, cell index) of every located record."""
    seconds = window_minutes * 60
    return (
        cdr.lazy()
        .filter(pl.col("cell").is_not_null())
        .select(
            pl.col("a").alias("num"),
            (pl.col("start").dt.epoch("s") // seconds).alias("w"),
            "cell",
        )
        .join(indexed.lazy().select("cell", "cid"), on="cell", how="inner")
        .select("num", "w", "cid")
        .unique()
        .collect()
    )


# Pairs of cells close enough (bucketed on a grid, then the exact distance), then every two
# numbers seen in one window on such a pair of cells. Cells are few (thousands) and repeat
# millions of times, so distances are computed once per pair of cells, not per record.
_SQL = """
WITH g AS (
    SELECT cid, lat, lon,
           CAST(floor(lat / $dlat) AS BIGINT) AS gy,
           CAST(floor(lon / $dlon) AS BIGINT) AS gx
    FROM sites
),
e AS (
    SELECT g.*, gx + dx AS kx, gy + dy AS ky
    FROM g, (VALUES (-1), (0), (1)) AS x(dx), (VALUES (-1), (0), (1)) AS y(dy)
),
near AS (
    SELECT e.cid AS c1, g2.cid AS c2
    FROM e JOIN g AS g2 ON e.kx = g2.gx AND e.ky = g2.gy
    WHERE 2 * $r * asin(least(1.0, sqrt(
            pow(sin(radians(g2.lat - e.lat) / 2), 2)
            + cos(radians(e.lat)) * cos(radians(g2.lat)) * pow(sin(radians(g2.lon - e.lon) / 2), 2)
          ))) <= $d
),
-- one integer key (window, cell) on each side, so the join can only be the hash join
-- on it (never a join on the window alone, which would pair everyone in a window)
seen AS (SELECT num, w * $m + cid AS k FROM obs),
reach AS (
    SELECT o1.num, o1.w * $m + near.c2 AS k
    FROM obs AS o1 JOIN near ON o1.cid = near.c1
),
hits AS (
    SELECT DISTINCT reach.num AS a, seen.num AS b, reach.k // $m AS w
    FROM reach JOIN seen ON reach.k = seen.k
    WHERE reach.num < seen.num
)
SELECT a, b, count(*) AS meetings, min(w) AS first_w, max(w) AS last_w
FROM hits GROUP BY a, b
ORDER BY meetings DESC, a, b
"""


def colocate(
    cdr: pl.DataFrame,
    cells: pl.DataFrame,
    window_minutes: int = 15,
    max_distance_m: float = 1000.0,
    threads: int | None = None,
) -> list[Meeting]:
    """Every pair of served numbers that met, most meetings first (then by number)."""
    if window_minutes <= 0:
        raise ValueError("the window must be at least one minute")
    if max_distance_m < 0:
        raise ValueError("the distance cannot be negative")
    sites = indexed_sites(cells)
    obs = observations(cdr, sites, window_minutes)
    if obs.height == 0:
        return []
    used = sites.filter(pl.col("cid").is_in(obs["cid"].unique())).select("cid", "lat", "lon")
    max_lat = float(used["lat"].abs().max())  # type: ignore[arg-type]
    span = max(max_distance_m, 1.0) * 1.001
    dlat = span / METRES_PER_DEGREE
    dlon = span / (METRES_PER_DEGREE * max(math.cos(math.radians(min(max_lat, 89.0))), 1e-6))
    connection = duckdb.connect()
    try:
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        connection.register("obs", obs.to_arrow())
        connection.register("sites", used.to_arrow())
        rows = connection.execute(
            _SQL,
            {
                "dlat": dlat,
                "dlon": dlon,
                "r": EARTH_RADIUS_M,
                "d": float(max_distance_m),
                "m": int(sites.height) + 1,  # cell index < m, so (window, cell) -> one key
            },
        ).fetchall()
    finally:
        connection.close()
    seconds = window_minutes * 60
    return [
        Meeting(
            a=a,
            b=b,
            meetings=int(count),
            first=datetime.fromtimestamp(int(first) * seconds, UTC),
            last=datetime.fromtimestamp(int(last) * seconds, UTC),
        )
        for a, b, count, first, last in rows
    ]


def trails(cdr: pl.DataFrame, cells: pl.DataFrame, numbers: list[str]) -> pl.DataFrame:
    """Movement trails: each number's located records in time order (for the map)."""
    return (
        cdr.filter(pl.col("a").is_in(numbers) & pl.col("cell").is_not_null())
        .join(cells.select("cell", "lat", "lon"), on="cell", how="inner")
        .select("a", "start", "cell", "lat", "lon")
        .sort("a", "start")
    )
