"""django-tasks entry points of the policing app (run by the background worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_forecast_task(run_id: int) -> None:
    from usalama.policing.forecasts import run_forecast

    run_forecast(run_id)
