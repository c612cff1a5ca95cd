"""Demo stage: the KPI layer. The policing stage's stations are placed in their wards, the
indicators of the last months are computed (as the hourly job would), and NPS's commander has
set targets for the current month — one met, one missed — with their reasons. NPS's analyst
has a hotspot forecast of Nairobi made as of the first day of last month (from the calls
before it only), so last month has a forecast hit rate and PAI.

Idempotent: placing a station and computing a month replace what was there; a target already
set, or a forecast already made as of that day, is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from usalama.data import areas
from usalama.demo.stage_policing import CITIES
from usalama.demo.stages import DemoContext, Tip
from usalama.kpis import compute, schedule, services
from usalama.kpis.models import KpiValue, Target
from usalama.policing import forecasts
from usalama.policing.models import ForecastRun, ForecastStatus, Incident

MONTHS = 5


def _forecast_last_month(context: DemoContext) -> None:
    """A forecast made as of the first of last month over that month (run here, not queued, so
    the indicators computed next can score it)."""
    analyst = context.users.get("nps.analyst")
    if analyst is None:
        return
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    days = (timezone.localdate().replace(day=1) - first).days
    key = CITIES[0].key
    before = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    if not Incident.objects.filter(collection__key=key, received_at__lt=before).exists():
        return  # no calls before the day (the policing stage did not run)
    done = ForecastRun.objects.filter(
        collection__key=key, params__as_of=first.isoformat(), status=ForecastStatus.DONE
    ).exists()
    if not done:
        run = forecasts.start_forecast(
            analyst, key, method="kde", cell_size=250, units="m", train_days=31,
            horizon_days=days, top=20, as_of=first,
        )  # fmt: skip
        forecasts.run_forecast(run.pk)


def populate(context: DemoContext) -> list[Tip]:
    _forecast_last_month(context)
    for city in CITIES:
        for station in city.stations:
            code = areas.ward_code_for(station.county, station.sub_county, station.ward)
            if code is not None:
                services.map_station(station.name, code)
    periods = compute.recent_periods(MONTHS, timezone.now())
    for period in periods:
        compute.compute_period(period)
    schedule.ensure_scheduled()
    commander = context.users.get("nps.commander")
    current = periods[-1]
    if commander is not None:
        national = KpiValue.objects.filter(level="national", area_code="KE", period=current)
        median = national.filter(indicator="response_median_minutes").first()
        cleared = national.filter(indicator="clearance_rate").first()
        wanted = [
            ("response_median_minutes", median, 0.9, "Ten per cent faster than last quarter"),
            ("clearance_rate", cleared, 1.1, "Clear more calls on the first visit"),
        ]
        for key, row, factor, reason in wanted:
            if row is None or row.value is None:
                continue
            exists = Target.objects.filter(
                agency_id=commander.agency_id, indicator=key, level="national", period=current
            ).exists()
            if not exists:
                value = round(min(100.0, row.value * factor), 1)
                services.set_target(commander, key, "national", "KE", current, value, reason)
    return [
        Tip(
            "nps.commander",
            "Indicators: the median response time against your target; click Nairobi, then a "
            "sub-county, then a ward, and open the incidents behind the figure. Set a target.",
        ),
        Tip(
            "nps.analyst",
            "Indicators: the forecast hit rate and PAI of last month — how many calls fell "
            "inside the hotspot cells forecast on the 1st.",
        ),
        Tip("odpp.prosecutor", "Indicators: the justice chain — conviction and court clearance."),
        Tip("ipoa.investigator", "Indicators: late s. 25 notifications and stalled complaints."),
        Tip("dci.supervisor", "Monthly review: the printable pack, and its PDF."),
    ]
