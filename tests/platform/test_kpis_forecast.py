"""The forecast hit rate and PAI: a real hotspot forecast made as of a past day, stored by the
background job's code, then scored by the KPI job on the incidents that came after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.platform.kpi_helpers import add_user, incident
from usalama.core.errors import InvalidInput
from usalama.kpis import compute
from usalama.kpis.models import KpiValue
from usalama.policing import forecasts
from usalama.policing.models import ForecastStatus

pytestmark = pytest.mark.django_db

BUSY = (36.8000, -1.2800)  # a market in Nairobi
QUIET = (36.8500, -1.3000)  # about 6 km away
UTC = dt.UTC


def _call(collection: Any, n: int, where: tuple[float, float], at: dt.datetime) -> None:
    incident(collection, n, "Kilimani Police Station", at, longitude=where[0], latitude=where[1])


def _value(key: str, period: str) -> float | None:
    row = KpiValue.objects.get(indicator=key, level="national", area_code="KE", period=period)
    return row.value


def test_hit_rate_and_pai_score_the_forecast_on_what_came_after(world: dict[str, Any]) -> None:
    analyst = add_user(world, "nps.forecaster", "NPS", "analyst")
    nps = world["collections"]["nps"]
    n = 0
    day = dt.datetime(2026, 2, 1, 9, tzinfo=UTC)
    while day < dt.datetime(2026, 3, 10, tzinfo=UTC):  # history: busy twice a day, quiet once
        for where in (BUSY, BUSY, QUIET):
            n += 1
            _call(nps, n, where, day + dt.timedelta(hours=n % 5))
        day += dt.timedelta(days=1)
    # after the forecast: three calls at the busy spot, one at the quiet one, within the
    # horizon; one more at the busy spot after the horizon (not scored)
    later = [(BUSY, 11), (BUSY, 12), (BUSY, 13), (QUIET, 14), (BUSY, 25)]
    for where, date in later:
        n += 1
        _call(nps, n, where, dt.datetime(2026, 3, date, 10, tzinfo=UTC))
    run = forecasts.start_forecast(
        analyst, "nps-incidents", method="naive", cell_size=500, units="m", train_days=31,
        horizon_days=10, top=1, as_of=dt.date(2026, 3, 10),
    )  # fmt: skip
    run = forecasts.run_forecast(run.pk)
    assert run.status == ForecastStatus.DONE, run.error
    assert run.result["study_cells"] == 2 and len(run.result["cells"]) == 1
    assert run.result["grid"]["crs"] == "EPSG:32737"  # UTM 37S, metres
    compute.compute_period("2026-03")
    assert _value("forecast_hit_rate", "2026-03") == 75.0  # 3 of the 4 scored calls
    assert _value("forecast_pai", "2026-03") == 1.5  # 75 % of calls in half the study area
    base = KpiValue.objects.get(indicator="forecast_hit_rate", period="2026-03").base
    assert base == 4
    compute.compute_period("2026-02")  # before the forecast was made: nothing to score
    assert _value("forecast_hit_rate", "2026-02") is None
    # on the police dashboard, in the indicator list and as the chosen indicator
    from tests.platform.test_kpis import _login

    client = Client()
    _login(client, add_user(world, "nps.chief", "NPS", "commander"))
    page = client.get("/kpis/?indicator=forecast_hit_rate&level=national&area=KE&period=2026-03")
    assert page.status_code == 200, page.content[:300]
    text = page.content.decode()
    assert "Forecast hit rate" in text and "Forecast accuracy index (PAI)" in text
    assert "75" in text


def test_a_forecast_as_of_a_day_not_yet_begun_is_refused(world: dict[str, Any]) -> None:
    analyst = add_user(world, "nps.forecaster", "NPS", "analyst")
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(InvalidInput, match="as_of"):
        forecasts.start_forecast(analyst, "nps-incidents", as_of=tomorrow)


def test_the_cli_refuses_a_bad_as_of_day(world: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from usalama.cli import _register, app

    _register()
    args = ["incidents", "forecast", "--collection", "nps-incidents", "--as", "nps.analyst"]
    result = CliRunner().invoke(app, [*args, "--as-of", "last tuesday"])
    assert result.exit_code != 0
    assert "--as-of: give a day as YYYY-MM-DD" in str(result.exception or result.output)
