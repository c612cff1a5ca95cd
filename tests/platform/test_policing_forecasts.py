"""Forecast runs (policing/forecasts.py): stored once, audited once, owner-only."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from usalama.audit.models import AuditEvent
from usalama.core.errors import InvalidInput, NotFound
from usalama.policing import forecasts, services
from usalama.policing.models import ForecastRun, ForecastStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(world: dict[str, Any], tmp_path: Path) -> str:
    rnd = random.Random(3)
    rows = ["id,lon,lat,when"]
    for i in range(400):
        when = dt.datetime(2024, 3, 1) + dt.timedelta(minutes=rnd.randrange(60 * 24 * 60))
        rows.append(f"{i},{36.82 + rnd.gauss(0, 0.01):.5f},{-1.28 + rnd.gauss(0, 0.01):.5f},"
                    f"{when:%Y-%m-%d %H:%M:%S}")  # fmt: skip
    path = tmp_path / "calls.csv"
    path.write_text("\n".join(rows) + "\n")
    mapping = {"external_id": "id", "x": "lon", "y": "lat", "received": "when"}
    services.import_incidents(world["users"]["nps.analyst"], [path], "nps-calls", mapping)
    return "nps-calls"


def test_a_run_is_computed_stored_and_audited_once(world: dict[str, Any], calls: str) -> None:
    analyst = world["users"]["nps.analyst"]
    run = forecasts.start_forecast(analyst, calls, method="naive", top=5)
    assert run.status == ForecastStatus.QUEUED
    done = forecasts.run_forecast(run.pk)
    assert done.status == ForecastStatus.DONE and done.attempts == 1
    assert [c["rank"] for c in done.result["cells"]] == [1, 2, 3, 4, 5]
    again = forecasts.run_forecast(run.pk)  # a task handed back after it finished
    assert again.attempts == 1 and again.result == done.result
    events = AuditEvent.objects.filter(action="incidents.forecast")
    assert events.count() == 1 and events.get().details["forecast"] == run.pk


def test_only_its_owner_reads_it_and_others_cannot_start_one(
    world: dict[str, Any], calls: str
) -> None:
    run = forecasts.start_forecast(world["users"]["nps.analyst"], calls, method="naive")
    with pytest.raises(NotFound):
        forecasts.get_forecast(world["users"]["dci.analyst"], run.pk)
    with pytest.raises(NotFound):
        forecasts.start_forecast(world["users"]["dci.analyst"], calls)
    with pytest.raises(InvalidInput, match="unknown forecast parameter"):
        forecasts.start_forecast(world["users"]["nps.analyst"], calls, colour="red")
    assert ForecastRun.objects.count() == 1


def test_bad_parameters_are_refused_before_queueing_and_a_failing_run_says_why(
    world: dict[str, Any], calls: str
) -> None:
    analyst = world["users"]["nps.analyst"]
    with pytest.raises(InvalidInput, match="horizon"):
        forecasts.start_forecast(analyst, calls, horizon_days=0.0)
    assert not ForecastRun.objects.exists()
    run = forecasts.start_forecast(analyst, calls, horizon_days=300.0)  # longer than the data
    failed = forecasts.run_forecast(run.pk)
    assert failed.status == ForecastStatus.FAILED and "spans" in failed.error
    assert not AuditEvent.objects.filter(action="incidents.forecast").exists()
