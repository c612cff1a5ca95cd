"""Patrol plans: where to spend time, how long, and how often (the Koper curve).

Koper (1995) found that a police stop in a hotspot deters crime for longest when it lasts
about 10-16 minutes; shorter stops do little and longer ones add little. Plans here suggest
12-16-minute visits, returning within about two hours, to the top-ranked cells, with the
first visit to each cell staggered so that one car can work through the list in rotation.
The plan is guidance for a supervisor, not an order: it says nothing about whom to stop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from usalama.analysis.hotspots.forecast import Forecast
from usalama.core.errors import InvalidInput

KOPER_MIN_MINUTES = 12
KOPER_MAX_MINUTES = 16


@dataclass(frozen=True)
class PatrolSettings:
    cells: int = 10
    visit_minutes: int = 15
    revisit_minutes: int = 120
    shift_start: dt.time = dt.time(8, 0)
    shift_hours: float = 8.0

    def check(self) -> None:
        if self.cells < 1:
            raise InvalidInput("a patrol plan needs at least one cell")
        if not KOPER_MIN_MINUTES <= self.visit_minutes <= KOPER_MAX_MINUTES:
            raise InvalidInput(
                f"visit length {self.visit_minutes} min is outside the "
                f"{KOPER_MIN_MINUTES}-{KOPER_MAX_MINUTES} minutes the Koper curve supports"
            )
        if not self.visit_minutes < self.revisit_minutes <= 24 * 60:
            raise InvalidInput("the revisit interval must be longer than a visit and within a day")
        if not 0 < self.shift_hours <= 24:
            raise InvalidInput("a shift lasts more than 0 and at most 24 hours")


def patrol_plan(forecast: Forecast, settings: PatrolSettings | None = None) -> pl.DataFrame:
    """Top cells of ``forecast`` with visit length, revisit interval and visit times (HH:MM).

    First visits are spread evenly over one revisit interval in rank order, so the top cell
    is visited first and every cell comes round again ``revisit_minutes`` later.
    """
    settings = settings or PatrolSettings()
    settings.check()
    top = forecast.cells.head(settings.cells)
    shift_minutes = int(settings.shift_hours * 60)
    start = dt.datetime.combine(dt.date(2000, 1, 1), settings.shift_start)
    step = settings.revisit_minutes / max(1, top.height)
    visit_times: list[list[str]] = []
    for index in range(top.height):
        offset = round(index * step)
        times = []
        while offset + settings.visit_minutes <= shift_minutes:
            times.append((start + dt.timedelta(minutes=offset)).strftime("%H:%M"))
            offset += settings.revisit_minutes
        visit_times.append(times)
    return top.select("cell_id", "rank", "score", "centroid_lat", "centroid_lon").with_columns(
        pl.lit(settings.visit_minutes).alias("visit_minutes"),
        pl.lit(settings.revisit_minutes).alias("revisit_minutes"),
        pl.Series("visit_times", visit_times, dtype=pl.List(pl.String)),
    )
