"""API: the review queue, pairs with their weights, judgements, canonical entities, undo.

Every call goes through ``resolve.services`` (access gate + audit); a pair or merge the
caller may not see answers 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from usalama.resolve import services
from usalama.resolve.models import CandidatePair, PairStatus, ResolutionRun

router = Router(tags=["resolve"])


class RunIn(Schema):
    collections: list[str] = []
    upper: float = 0.95
    lower: float = 0.6


class JudgementIn(Schema):
    verdict: str
    note: str = ""


def _pair(pair: CandidatePair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "left_entity_id": pair.left_entity_id,
        "right_entity_id": pair.right_entity_id,
        "left_caption": pair.left_caption,
        "right_caption": pair.right_caption,
        "left_collection": pair.left_collection.key,
        "right_collection": pair.right_collection.key,
        "match_probability": pair.probability,
        "match_weight": pair.match_weight,
        "prior_weight": pair.prior_weight,
        "weights": pair.weights,
        "family": pair.family,
        "status": pair.status,
        "verdict": pair.verdict,
    }


def _run(run: ResolutionRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "phase": run.phase,
        "step": run.step,
        "steps": run.steps,
        "collections": run.collection_keys,
        "counts": run.counts,
        "records": run.records,
        "candidates": run.candidates,
        "merged": run.merged,
        "queued": run.queued,
        "message": run.message,
        "engine": run.engine,
        "spark_master": run.spark_master,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


@router.post("/resolve/runs")
def start_run(request: HttpRequest, body: RunIn) -> Any:
    """Queue a resolution run for the background worker; poll ``GET /resolve/runs/{id}``."""
    run = services.start_run(request.user, body.collections[:100] or None, body.upper, body.lower)
    return _run(run)


@router.get("/resolve/runs/{run_id}")
def get_run(request: HttpRequest, run_id: int) -> Any:
    return _run(services.get_run(request.user, run_id))


@router.get("/resolve/pairs")
def list_pairs(
    request: HttpRequest,
    status: str = Query(PairStatus.REVIEW, max_length=10),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    return [_pair(p) for p in services.review_queue(request.user, status=status, limit=limit)]


@router.get("/resolve/pairs/{pair_id}")
def get_pair(request: HttpRequest, pair_id: int) -> Any:
    return _pair(services.get_pair(request.user, pair_id))


@router.post("/resolve/pairs/{pair_id}/judgement")
def judge(request: HttpRequest, pair_id: int, body: JudgementIn) -> Any:
    judgement = services.judge_pair(request.user, pair_id, body.verdict, body.note)
    return {"pair": pair_id, "verdict": judgement.verdict, "at": judgement.created_at}


@router.get("/resolve/canonical/{canonical_id}")
def canonical(request: HttpRequest, canonical_id: str) -> Any:
    view = services.get_canonical(request.user, canonical_id)
    return {
        "canonical_id": view.canonical_id,
        "records": [
            {"entity_id": r.entity_id, "caption": r.caption, "collection": r.collection.key}
            for r in view.records
        ],
        "merges": [
            {"id": m.pk, "created_at": m.created_at, "undone_at": m.undone_at} for m in view.merges
        ],
    }


@router.post("/resolve/merges/{merge_id}/undo")
def undo(request: HttpRequest, merge_id: int) -> Any:
    merge = services.undo_merge(request.user, merge_id)
    return {"id": merge.pk, "undone_at": merge.undone_at}
