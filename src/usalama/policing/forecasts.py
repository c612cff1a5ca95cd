"""Hotspot forecasts computed by the background worker, safe against a crash mid-way.

``start_forecast`` checks the caller may read the collection and the parameters, stores a
queued :class:`~usalama.policing.models.ForecastRun` and enqueues
``policing.tasks.run_forecast_task``. ``run_forecast`` computes the forecast outside any
transaction (seconds of work on a large collection), then stores the result and its audit
event in one short transaction, and only if the run is not already done. A worker killed at
any point (``kill -9``) leaves either nothing or the whole result; the next worker hands the
task back (``records.worker.resume_abandoned``; the task is registered as resumable) and the
same run finishes once: one result, one ``incidents.forecast`` event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound, UsalamaError
from usalama.policing import services
from usalama.policing.models import ForecastRun, ForecastStatus

_PARAMS = {"method", "cell_size", "units", "train_days", "horizon_days", "top", "patrol_cells"}


def start_forecast(user: Any, collection_key: str, **params: Any) -> ForecastRun:
    """Queue a forecast of a collection ``user`` may read; ``params`` as ``hotspot_forecast``."""
    unknown = sorted(set(params) - _PARAMS - {"shift_start", "as_of"})
    if unknown:
        raise InvalidInput(f"unknown forecast parameter {unknown[0]!r}")
    stored = {k: v for k, v in params.items() if k in _PARAMS}
    services.check_forecast_params(**stored)  # bad parameters are refused now, not later
    collection = services.get_incident_collection(user, collection_key)
    shift = params.get("shift_start")
    if shift is not None:
        stored["shift_start"] = shift.strftime("%H:%M")
    as_of = params.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, dt.date) or as_of > timezone.localdate():
            raise InvalidInput("as_of must be a day that has begun (YYYY-MM-DD)")
        stored["as_of"] = as_of.isoformat()
    run = ForecastRun.objects.create(user=user, collection=collection, params=stored)
    from usalama.policing.tasks import run_forecast_task

    run_forecast_task.enqueue(run.pk)
    return run


def get_forecast(user: Any, run_id: int) -> ForecastRun:
    """A run of ``user``'s own (forecasts are personal work, like resolution runs)."""
    run = ForecastRun.objects.filter(pk=run_id, user=user).select_related("collection").first()
    if run is None:
        raise NotFound(f"no forecast {run_id}")
    return run


def _summary(view: services.HotspotView) -> dict[str, Any]:
    return {
        "method": view.method,
        "origin": view.origin.isoformat(),
        "horizon_end": view.horizon_end.isoformat(),
        "train_days": view.train_days,
        "incidents_in_window": view.incidents_in_window,
        "study_cells": view.study_cells,
        "grid": {"crs": view.grid_crs, "cell_side": view.grid_cell_side},
        "cells": [
            {k: row[k] for k in ("rank", "cell_id", "score", "lat", "lon", "past")}
            | {"place": row["place"][0] if row["place"] else ""}
            for row in view.cells
        ],
        "plan": [
            {k: row[k] for k in ("rank", "cell_id", "lat", "lon", "visit_minutes")}
            for row in view.plan
        ],
    }


def run_forecast(run_id: int) -> ForecastRun:
    run = ForecastRun.objects.select_related("collection", "user").get(pk=run_id)
    if run.status in (ForecastStatus.DONE, ForecastStatus.FAILED):
        return run  # finished before (a task handed back after its result was stored)
    ForecastRun.objects.filter(pk=run.pk).update(
        status=ForecastStatus.RUNNING, attempts=run.attempts + 1
    )
    params = dict(run.params)
    if "shift_start" in params:
        params["shift_start"] = dt.time.fromisoformat(params["shift_start"])
    if "as_of" in params:
        params["as_of"] = dt.date.fromisoformat(params["as_of"])
    try:
        if run.user is None or not run.user.is_active:
            raise NotFound("the user who queued this forecast is gone")
        view = services.hotspot_forecast(run.user, run.collection.key, audit=False, **params)
    except UsalamaError as error:
        ForecastRun.objects.filter(pk=run.pk).update(
            status=ForecastStatus.FAILED, error=error.message, finished_at=timezone.now()
        )
        return ForecastRun.objects.get(pk=run.pk)
    with transaction.atomic():
        locked = ForecastRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ForecastStatus.DONE:
            locked.result = _summary(view)
            locked.status = ForecastStatus.DONE
            locked.finished_at = timezone.now()
            locked.save(update_fields=["result", "status", "finished_at"])
            details = {**services.forecast_audit_details(view), "forecast": locked.pk}
            record(
                run.user,
                "incidents.forecast",
                object_type="collection",
                object_id=run.collection.pk,
                details=details,
            )
    return ForecastRun.objects.get(pk=run.pk)
