"""Which engine a resolution run uses: chosen by the caller or the settings, recorded on the
run, and honoured by whichever worker runs it. Spark itself is not started here (the Spark
runs are in ``tests/spark``): the backend factory is watched instead."""

from __future__ import annotations

from typing import Any

import pytest

from usalama.core.errors import InvalidInput
from usalama.resolve import services
from usalama.resolve.models import ResolutionRun, RunStatus

pytestmark = pytest.mark.django_db

CLUSTER = "spark://spark-master.example:7077"


def test_runs_queued_from_the_web_go_to_the_configured_cluster(
    world: dict[str, Any], settings: Any, client: Any, token_for: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.USALAMA_RESOLVE_ENGINE = "spark"
    settings.USALAMA_SPARK_MASTER = CLUSTER
    analyst = world["users"]["dci.analyst"]
    run = services.start_run(analyst, ["dci-intel"])
    assert (run.status, run.engine, run.spark_master) == (RunStatus.QUEUED, "spark", CLUSTER)
    token = {"Authorization": f"Bearer {token_for('dci.analyst')}"}
    body = client.get(f"/api/v1/resolve/runs/{run.pk}", headers=token).json()
    assert (body["engine"], body["spark_master"]) == ("spark", CLUSTER)


def test_the_default_engine_is_duckdb_and_bad_choices_are_refused(
    world: dict[str, Any], settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    analyst = world["users"]["dci.analyst"]
    run = services.start_run(analyst, ["dci-intel"])
    assert (run.engine, run.spark_master) == ("duckdb", "")
    ResolutionRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    with pytest.raises(InvalidInput, match="choose one of"):
        services.start_run(analyst, ["dci-intel"], engine="hadoop")
    with pytest.raises(InvalidInput, match="needs the spark engine"):
        services.start_run(analyst, ["dci-intel"], engine="duckdb", spark_master=CLUSTER)
    with pytest.raises(InvalidInput, match="Spark master"):
        services.start_run(analyst, ["dci-intel"], engine="spark", spark_master="yarn")
    assert ResolutionRun.objects.count() == 1  # nothing queued by the refused calls


def test_a_run_trains_on_its_recorded_engine(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from usalama.analysis.resolve import duckdb_backend, engines
    from usalama.audit.models import AuditEvent

    asked: list[tuple[str, str]] = []

    def watched(engine: str, *, spark: Any = None, **_: Any) -> Any:
        asked.append((engine, spark.master))
        return duckdb_backend()  # stands in for the cluster: same SQL, no JVM

    monkeypatch.setattr(engines, "backend_for", watched)
    result = services.run_resolution(None, engine="spark", spark_master=CLUSTER)
    run = ResolutionRun.objects.get(pk=result.run_id)
    assert (run.status, run.engine, run.spark_master) == (RunStatus.DONE, "spark", CLUSTER)
    assert asked and set(asked) == {("spark", CLUSTER)}
    event = AuditEvent.objects.get(action="resolve.run", object_id=str(run.pk))
    assert (event.details["engine"], event.details["spark_master"]) == ("spark", CLUSTER)
