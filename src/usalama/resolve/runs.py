"""Resolution runs: read the visible records, score pairs per family, merge, queue; audited.

``run_resolution`` does the work in the calling process (the CLI's foreground run, and
the background worker). ``start_run`` records a queued run and enqueues
``resolve.tasks.run_resolution_task``; the worker's ``run_job`` calls ``run_resolution``
with the run row, which it keeps up to date (phase, step of steps, counts) for polling.

Analysts' judgements outrank the model on every later run: a "different" pair is never
put in one canonical entity, a "same" pair always is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from usalama.accounts.roles import Role
from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied, UsalamaError
from usalama.records import services as records
from usalama.records.models import Collection
from usalama.resolve import merging, storing
from usalama.resolve.frames import Scope, read_scope
from usalama.resolve.models import Engine, Family, ResolutionRun, RunStatus, Verdict

log = logging.getLogger("usalama.resolve.runs")
Progress = Callable[[str], None]

# Phases in order (English; the web translates them). The CLI's bar and the run row's
# step count follow this list.
PHASES = (
    gettext_noop("reading records"),
    gettext_noop("people: preparing names, dates, phones"),
    gettext_noop("people: training the model and scoring pairs"),
    gettext_noop("companies and organisations: preparing names"),
    gettext_noop("companies and organisations: training the model and scoring pairs"),
    gettext_noop("accounts and wallets: matching identifiers"),
    gettext_noop("storing candidate pairs"),
    gettext_noop("merging"),
    gettext_noop("queueing for review"),
)
RUN_STEPS = len(PHASES)
STALE_AFTER = timedelta(hours=6)
# Who may start a run from the web or the API (the CLI operator always may).
RUN_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR})


@dataclass
class RunResult:
    run_id: int
    records: int = 0
    candidates: int = 0
    merged: int = 0
    merges: int = 0
    queued: int = 0
    collections: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def actor_of(user: Any | None) -> Actor:
    return Actor(name="cli") if user is None else Actor.of(user)


def _scope(user: Any | None, collection_keys: list[str] | None) -> list[Collection]:
    """The collections a run reads *and writes* (pairs, merges, canonical ids).

    A run changes the canonical ids of every record in its scope, so its scope is what the
    user may write: naming a collection the user only reads through a grant is refused (403),
    naming one it cannot see answers 404 — both audited — and never quietly narrowed.
    Without keys: every collection the user's agency owns (the operator: all).
    """
    if collection_keys is not None and not all(
        isinstance(key, str) and key.strip() for key in collection_keys
    ):
        raise InvalidInput("collections must be a list of collection keys")
    if collection_keys:
        return [
            records.writable_collection(user, key, attempted="resolve.run")
            for key in sorted(set(collection_keys))
        ]
    queryset = Collection.objects.all() if user is None else Collection.objects.writable_by(user)
    collections = list(queryset)
    if not collections:
        raise NotFound("no collections your agency may resolve")
    return collections


def _check_thresholds(upper: float, lower: float) -> None:
    if not 0.0 < lower <= upper <= 1.0:
        raise InvalidInput("thresholds must satisfy 0 < lower <= upper <= 1")


def engine_choice(engine: str | None = None, spark_master: str | None = None) -> tuple[str, str]:
    """(engine, Spark master) for a run: the caller's choice, else the server's settings
    (``USALAMA_RESOLVE_ENGINE``, ``USALAMA_SPARK_MASTER``). The master is blank on DuckDB."""
    from django.conf import settings

    from usalama.core.spark import check_master

    chosen = engine or settings.USALAMA_RESOLVE_ENGINE
    if chosen not in Engine.values:
        raise InvalidInput(f"engine {chosen!r}: choose one of {', '.join(Engine.values)}")
    if chosen != Engine.SPARK:
        if spark_master:
            raise InvalidInput("a Spark master needs the spark engine")
        return chosen, ""
    return chosen, check_master(spark_master or settings.USALAMA_SPARK_MASTER)


# --- background --------------------------------------------------------------------------------


def start_run(
    user: Any,
    collection_keys: list[str] | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    *,
    engine: str | None = None,
    spark_master: str | None = None,
) -> ResolutionRun:
    """Queue a run over the collections ``user`` may see (audited when it runs).

    ``engine``/``spark_master``: where the worker runs the models (default: the settings);
    recorded on the run, so a run queued for a Spark cluster goes there whichever worker
    takes it."""
    if user is not None and not user.has_role(*RUN_ROLES):
        raise PermissionDenied("only analysts and supervisors may start a resolution run")
    _check_thresholds(upper, lower)
    engine, spark_master = engine_choice(engine, spark_master)
    collections = _scope(user, collection_keys)
    # one run at a time per user; a run whose worker died long ago no longer blocks
    active = ResolutionRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        user=user,
        started_at__gte=timezone.now() - STALE_AFTER,
    )
    if user is not None and active.exists():
        raise InvalidInput("a resolution run you started is still queued or running")
    run = ResolutionRun.objects.create(
        user=user,
        started_by=actor_of(user).name,
        collection_keys=sorted(c.key for c in collections),
        upper=upper,
        lower=lower,
        status=RunStatus.QUEUED,
        steps=RUN_STEPS,
        phase=PHASES[0],
        engine=engine,
        spark_master=spark_master,
    )
    from usalama.resolve.tasks import run_resolution_task

    run_resolution_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def get_run(user: Any, run_id: int) -> ResolutionRun:
    found = ResolutionRun.objects.visible_to(user).filter(pk=run_id).first()
    if found is None:
        raise NotFound(f"resolution run {run_id} not found")
    return found


def recent_runs(user: Any, limit: int = 10) -> list[ResolutionRun]:
    return list(ResolutionRun.objects.visible_to(user).order_by("-started_at", "-pk")[:limit])


def run_job(run_id: int) -> None:
    """The worker's entry: run a queued run to the end; the outcome is written on the row."""
    run = ResolutionRun.objects.select_related("user").get(pk=run_id)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return
    if not run.collection_keys or (run.user is None and run.started_by != "cli"):
        # a queued run always names its collections and its user; without them it would run
        # over every collection as the operator
        _fail(run_id, "the run names no collections or its user no longer exists")
        return
    try:
        run_resolution(run.user, run.collection_keys, run.upper, run.lower, run=run)
    except UsalamaError as error:
        _fail(run_id, error.message)
    except Exception:
        log.exception("resolution run %s failed", run_id)
        _fail(run_id, "the run failed; the server log has the details")
        raise


def _fail(run_id: int, message: str) -> None:
    ResolutionRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, message=message[:500], finished_at=timezone.now()
    )


class _Tracker:
    """Advances the caller's progress callback and mirrors each phase on the run row."""

    def __init__(self, run: ResolutionRun, progress: Progress | None) -> None:
        self.run, self.progress, self.step = run, progress, 0

    def __call__(self, phase: str) -> None:
        self.step += 1
        if self.progress is not None:
            self.progress(phase)
        ResolutionRun.objects.filter(pk=self.run.pk).update(
            phase=phase, step=self.step - 1, steps=RUN_STEPS, status=RunStatus.RUNNING
        )

    def counts(self, counts: dict[str, dict[str, int]]) -> None:
        ResolutionRun.objects.filter(pk=self.run.pk).update(counts=counts)


# --- the run -----------------------------------------------------------------------------------


def run_resolution(
    user: Any | None,
    collection_keys: list[str] | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    *,
    progress: Progress | None = None,
    run: ResolutionRun | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
) -> RunResult:
    """Score, merge and queue the records ``user`` may see (``None``: the operator).

    People and organisations are scored by their own Splink models; accounts and wallets
    link on exact identifiers. ``run``: a queued run row to fill in (background runs; its
    engine is the one recorded when it was queued). ``engine``/``spark_master``: for a
    new run (default: the settings).
    """
    _check_thresholds(upper, lower)
    actor = actor_of(user)
    collections = _scope(user, collection_keys)
    if run is None:
        engine, spark_master = engine_choice(engine, spark_master)
        run = ResolutionRun.objects.create(
            user=user,
            started_by=actor.name,
            collection_keys=sorted(c.key for c in collections),
            upper=upper,
            lower=lower,
            status=RunStatus.RUNNING,
            steps=RUN_STEPS,
            engine=engine,
            spark_master=spark_master,
        )
    tracker = _Tracker(run, progress)
    tracker(PHASES[0])
    scope = read_scope(collections)
    counts: dict[str, dict[str, int]] = {
        family: {"records": scope.count(family)} for family in Family.values
    }
    tracker.counts(counts)
    result = RunResult(
        run_id=run.pk, records=len(scope.info), collections=run.collection_keys, counts=counts
    )
    judged = storing.judged_pairs(scope.info)
    rows: list[dict[str, Any]] = []
    backend = _backend_maker(run)
    rows += _score_family(scope, Family.PERSON, judged, lower, tracker, PHASES[1:3], backend)
    rows += _score_family(scope, Family.ORGANIZATION, judged, lower, tracker, PHASES[3:5], backend)
    tracker(PHASES[5])
    rows += _identifier_rows(scope)
    for family in Family.values:
        counts[family]["candidates"] = sum(1 for r in rows if r["family"] == family)
    tracker(PHASES[6])
    # Pairs and statuses are written in short transactions (see storing.WRITE_SLICE) so that a
    # run never holds SQLite's write lock for long; the merges are one transaction; the run is
    # marked done last, so a run stopped half-way stays unfinished and the next run redoes it.
    stored, scored = storing.store_pairs(rows, scope.info, run)
    tracker(PHASES[7])
    with transaction.atomic():
        merges_made, merged_pairs = merging.reconcile_merges(
            stored, judged, scope.info, upper, actor, run
        )
    tracker(PHASES[8])
    queued, merged = storing.update_statuses(stored, scored, merged_pairs, upper)
    with transaction.atomic():
        result.candidates, result.merged, result.merges, result.queued = (
            len(scored),
            merged,
            merges_made,
            queued,
        )
        run.records, run.candidates, run.merged, run.queued = (
            result.records,
            result.candidates,
            merged,
            queued,
        )
        run.counts = counts
        run.status, run.step, run.phase = RunStatus.DONE, RUN_STEPS, ""
        run.finished_at = timezone.now()
        run.save()
        record(
            actor,
            "resolve.run",
            object_type="resolution_run",
            object_id=run.pk,
            details={
                "collections": run.collection_keys,
                "engine": run.engine,
                "spark_master": run.spark_master,
                "records": result.records,
                "per_family": counts,
                "candidates": result.candidates,
                "merged_pairs": result.merged,
                "merges_created": merges_made,
                "queued": queued,
                "upper": upper,
                "lower": lower,
            },
        )
    return result


def _backend_maker(run: ResolutionRun) -> Callable[[], Any]:
    """Makes a fresh Splink backend on the run's engine (one per model trained)."""
    from usalama.analysis.resolve.engines import backend_for, check_engine
    from usalama.core.spark import SparkOptions

    engine = check_engine(run.engine)
    options = SparkOptions.from_env(run.spark_master or None)
    return lambda: backend_for(engine, spark=options)


def _labels(judged: dict[tuple[str, str], str], ids: set[str]) -> Any:
    import polars as pl

    mine = {k: v for k, v in judged.items() if k[0] in ids and k[1] in ids}
    if not mine:
        return None
    return pl.DataFrame(
        {
            "left_id": [k[0] for k in mine],
            "right_id": [k[1] for k in mine],
            "is_match": [v == Verdict.SAME for v in mine.values()],
        }
    )


def _score_family(
    scope: Scope,
    family: str,
    judged: dict[tuple[str, str], str],
    lower: float,
    step: Callable[[str], None],
    phases: tuple[str, ...],
    make_backend: Callable[[], Any],
) -> list[dict[str, Any]]:
    """Train this family's model on its records (judgements as labels) and score pairs."""
    import polars as pl

    from usalama.analysis.resolve import (
        Family as EngineFamily,
    )
    from usalama.analysis.resolve import (
        apply_judgements,
        predict_pairs,
        prepare_records,
        train_model,
    )

    step(phases[0])
    frame = scope.frames[family]
    if frame.height < 2:
        step(phases[1])
        return []
    engine_family: EngineFamily = "organization" if family == Family.ORGANIZATION else "person"
    prepared = prepare_records(frame, family=engine_family)
    labels = _labels(judged, set(frame.get_column("record_id").to_list()))
    step(phases[1])
    try:
        # with fewer than ten "same" judgements the engine uses labels only as overrides
        model = train_model(prepared, labels, make_backend(), family=engine_family)
    except InvalidInput as error:
        # e.g. organisations recorded by name only in one collection: nothing to compare
        log.info("%s not resolved: %s", family, error.message)
        return []
    pairs = predict_pairs(model, threshold=lower)
    if labels is not None:
        # Keep the model's own score on stored rows; apply_judgements only adds missed
        # judged-same pairs (their weights are unknown: stored as the prior alone).
        effective = apply_judgements(pairs, labels)
        pairs = pl.concat(
            [pairs, effective.join(pairs, on=["left_id", "right_id"], how="anti")],
            how="diagonal_relaxed",
        )
    return [{**row, "family": family} for row in pairs.iter_rows(named=True)]


def _identifier_rows(scope: Scope) -> list[dict[str, Any]]:
    from usalama.analysis.resolve import identifier_pairs

    frame = scope.frames[Family.IDENTIFIER]
    if frame.height < 2:
        return []
    pairs = identifier_pairs(frame)
    return [{**row, "family": Family.IDENTIFIER} for row in pairs.iter_rows(named=True)]
