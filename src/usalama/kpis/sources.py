"""The source queries behind the indicators: one function per source, each reading the
month's records once and yielding every indicator of that source at every level it supports.

These read other apps' tables directly because they aggregate across every agency (a KPI is a
count or a time, never a record); the records behind a figure are shown only through each
app's ``visible_to`` (see ``services.drill_incidents``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from usalama.core.errors import InvalidInput
from usalama.data import areas

TZ = ZoneInfo("Africa/Nairobi")
Values = dict[str, dict[tuple[str, str], tuple[float | None, int]]]


@dataclass(frozen=True)
class Window:
    period: str  # YYYY-MM
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def of(cls, period: str) -> Window:
        try:
            first = dt.datetime.strptime(period, "%Y-%m").replace(tzinfo=TZ)
        except ValueError:
            raise InvalidInput(f"period must be a month YYYY-MM, not {period!r}") from None
        if not 2000 <= first.year <= 2999:
            raise InvalidInput(f"period {period!r} is outside the years 2000 to 2999")
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return cls(period, first.astimezone(dt.UTC), following.astimezone(dt.UTC))


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _places(station: str, station_wards: dict[str, str]) -> list[tuple[str, str]]:
    places = [(areas.NATIONAL, areas.NATIONAL_CODE)]
    if station:
        places.append((areas.STATION, station))
        ward = station_wards.get(station)
        if ward:
            places.extend(areas.ancestors(ward)[:-1])
    return places


def incidents(window: Window) -> Values:
    from usalama.kpis.models import StationArea
    from usalama.policing.models import Incident, IncidentStatus

    station_wards = dict(StationArea.objects.values_list("station", "ward_code"))
    rows = Incident.objects.filter(
        received_at__gte=window.start, received_at__lt=window.end
    ).values_list("station", "received_at", "arrived_at", "cleared_at", "status")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    cleared: dict[tuple[str, str], int] = defaultdict(int)
    minutes: dict[tuple[str, str], list[float]] = defaultdict(list)
    for station, received, arrived, cleared_at, status in rows.iterator(chunk_size=5000):
        done = cleared_at is not None or status == IncidentStatus.CLOSED
        wait = (arrived - received).total_seconds() / 60 if arrived is not None else None
        for place in _places(station, station_wards):
            counts[place] += 1
            cleared[place] += done
            if wait is not None and wait >= 0:
                minutes[place].append(wait)
    out: Values = {
        "incidents_received": {},
        "clearance_rate": {},
        "response_median_minutes": {},
        "response_p90_minutes": {},
    }
    for place, count in counts.items():
        out["incidents_received"][place] = (float(count), count)
        out["clearance_rate"][place] = (_percent(cleared[place], count), count)
        waits = minutes.get(place, [])
        median = round(statistics.median(waits), 2) if waits else None
        p90 = round(float(np.percentile(waits, 90)), 2) if waits else None
        out["response_median_minutes"][place] = (median, len(waits))
        out["response_p90_minutes"][place] = (p90, len(waits))
    return out


def _submission_places(county: str, sub_county: str, ward: str) -> list[tuple[str, str]]:
    code = areas.ward_code_for(county, sub_county, ward) if ward else None
    if code:
        return areas.ancestors(code)
    county_code = areas.county_code_for(county) if county else None
    places = [(areas.NATIONAL, areas.NATIONAL_CODE)]
    if county_code:
        places.append((areas.COUNTY, county_code))
    return places


def intake(window: Window) -> Values:
    from usalama.intake.models import Report, Tip

    reports: dict[tuple[str, str], int] = defaultdict(int)
    tips: dict[tuple[str, str], int] = defaultdict(int)
    converted: dict[tuple[str, str], int] = defaultdict(int)
    for model, tally in ((Report, reports), (Tip, tips)):
        rows = model.objects.filter(
            created_at__gte=window.start, created_at__lt=window.end
        ).values_list("county", "sub_county", "ward", "converted_at")
        for county, sub_county, ward, converted_at in rows.iterator(chunk_size=5000):
            for place in _submission_places(county, sub_county, ward):
                tally[place] += 1
                converted[place] += converted_at is not None
    out: Values = {"reports_received": {}, "tips_received": {}, "intake_converted_rate": {}}
    for place in set(reports) | set(tips):
        out["reports_received"][place] = (float(reports[place]), reports[place])
        out["tips_received"][place] = (float(tips[place]), tips[place])
        whole = reports[place] + tips[place]
        out["intake_converted_rate"][place] = (_percent(converted[place], whole), whole)
    return out


def _national(value: float | None, base: int) -> dict[tuple[str, str], tuple[float | None, int]]:
    return {(areas.NATIONAL, areas.NATIONAL_CODE): (value, base)}


def watchlists(window: Window) -> Values:
    from usalama.watchlists.models import WatchlistAlert

    hits = WatchlistAlert.objects.filter(
        created_at__gte=window.start, created_at__lt=window.end
    ).count()
    return {"watchlist_hits": _national(float(hits), hits)}


def justice(window: Window) -> Values:
    from usalama.analysis.justice import Period, compute_kpis
    from usalama.cases.services import event_log

    period = Period(window.start, window.end, None, None, "Africa/Nairobi")
    figures = compute_kpis(event_log(None), period)

    def share(key: str, base: int) -> tuple[float | None, int]:
        value = figures.get(key)
        return (None if value is None else round(100.0 * float(value), 2), base)

    judgments = int(figures.get("judgments") or 0)
    charged = int(figures.get("charged") or 0)
    arrests = int(figures.get("arrests") or 0)
    return {
        "court_within_24h_rate": {
            (areas.NATIONAL, areas.NATIONAL_CODE): share("court_within_24h_rate", arrests)
        },
        "court_clearance_rate": {
            (areas.NATIONAL, areas.NATIONAL_CODE): share("clearance_rate", charged)
        },
        "conviction_rate": {
            (areas.NATIONAL, areas.NATIONAL_CODE): share("conviction_rate", judgments)
        },
    }


STALL_DAYS = 90


def oversight(window: Window, now: dt.datetime | None = None) -> Values:
    from django.utils import timezone

    from usalama.oversight.models import Complaint, Notification, StageChange

    now = now or timezone.now()
    notifications = list(
        Notification.objects.filter(occurred_at__gte=window.start, occurred_at__lt=window.end).only(
            "occurred_at", "reported_at"
        )
    )
    # late: reported after the deadline, or still unreported once it passed
    late = sum(1 for notice in notifications if (notice.reported_at or now) > notice.deadline)
    complaints = list(
        Complaint.objects.filter(
            created_at__gte=window.start, created_at__lt=window.end
        ).values_list("id", "created_at")
    )
    settled = {
        complaint_id: at
        for complaint_id, at in StageChange.objects.filter(
            complaint_id__in=[c[0] for c in complaints], to_stage__in=["outcome", "inadmissible"]
        ).values_list("complaint_id", "at")
    }
    due = [
        (pk, created)
        for pk, created in complaints
        if created + dt.timedelta(days=STALL_DAYS) <= now
    ]
    stalled = sum(
        1
        for pk, created in due
        if pk not in settled or settled[pk] > created + dt.timedelta(days=STALL_DAYS)
    )
    return {
        "s25_breaches": _national(float(late), len(notifications)),
        "complaints_stalled": _national(
            float(stalled) if due or not complaints else None, len(due)
        ),
    }


def _scoring_window(run: object, window: Window) -> tuple[dt.datetime, dt.datetime] | None:
    """The part of ``window`` a finished forecast is scored on: from the moment it was made
    (its ``as_of`` day, or when it was asked for) to the end of its horizon's last day."""
    result = getattr(run, "result", None) or {}
    params = getattr(run, "params", None) or {}
    try:
        last = dt.date.fromisoformat(str(result["horizon_end"]))
    except (KeyError, ValueError):
        return None
    if params.get("as_of"):
        made = dt.datetime.combine(dt.date.fromisoformat(params["as_of"]), dt.time(), dt.UTC)
    else:
        made = getattr(run, "created_at")  # noqa: B009 - a model instance, not a dict
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    start, end = max(made, window.start), min(until, window.end)
    return (start, end) if start < end else None


def _grid(run: object) -> tuple[str, float] | None:
    """The planar CRS and cell side of a stored forecast (older results carry no grid: it is
    then worked out as the forecast did, the UTM zone of its cells in metres)."""
    from usalama.analysis.hotspots import utm_crs_for

    result = getattr(run, "result", None) or {}
    grid = result.get("grid") or {}
    if grid.get("crs") and grid.get("cell_side"):
        return str(grid["crs"]), float(grid["cell_side"])
    cells = result.get("cells") or []
    params = getattr(run, "params", None) or {}
    if not cells:
        return None
    lon = statistics.median(float(c["lon"]) for c in cells)
    lat = statistics.median(float(c["lat"]) for c in cells)
    side = float(params.get("cell_size", 600.0))
    metres = side * (0.3048 if params.get("units", "ft") == "ft" else 1.0)
    return utm_crs_for(lon, lat).to_string(), metres


def forecasts(window: Window) -> Values:
    """Every finished hotspot forecast whose horizon overlaps the month, scored on the month's
    located incidents of its collection received after it was made: hits inside its cells
    (hit rate), and those hits over the hits expected if the incidents were spread evenly over
    the study area (PAI, predictive accuracy index)."""
    from usalama.analysis.hotspots import hits_in_cells
    from usalama.policing.models import ForecastRun, ForecastStatus, Incident

    scored = hits = 0
    expected = 0.0
    runs = ForecastRun.objects.filter(status=ForecastStatus.DONE, result__isnull=False).only(
        "collection_id", "params", "result", "created_at"
    )
    for run in runs.iterator(chunk_size=200):
        span = _scoring_window(run, window)
        grid = _grid(run)
        cells = (run.result or {}).get("cells") or []
        study = int((run.result or {}).get("study_cells") or 0)
        if span is None or grid is None or not cells or study <= 0:
            continue
        points = [
            (float(lon), float(lat))
            for lon, lat in Incident.objects.filter(
                collection_id=run.collection_id,
                received_at__gte=span[0],
                received_at__lt=span[1],
                latitude__isnull=False,
                longitude__isnull=False,
            ).values_list("longitude", "latitude")
            if lon is not None and lat is not None
        ]
        if not points:
            continue
        centroids = [(float(c["lon"]), float(c["lat"])) for c in cells]
        hits += hits_in_cells(centroids, points, crs=grid[0], cell_side=grid[1])
        scored += len(points)
        expected += len(points) * min(1.0, len(cells) / study)
    rate = _percent(hits, scored)
    pai = round(hits / expected, 2) if expected > 0 else None
    return {
        "forecast_hit_rate": _national(rate, scored),
        "forecast_pai": _national(pai, scored),
    }


SOURCES: dict[str, Callable[[Window], Values]] = {
    "forecasts": forecasts,
    "incidents": incidents,
    "intake": intake,
    "watchlists": watchlists,
    "justice": justice,
    "oversight": oversight,
}


def months_between(first: str, last: str) -> Iterable[str]:
    start, end = Window.of(first), Window.of(last)
    current = start.start.astimezone(TZ)
    while current.astimezone(dt.UTC) <= end.start:
        yield current.strftime("%Y-%m")
        current = (current + dt.timedelta(days=32)).replace(day=1)
