"""Candidate pairs in the database: stored per run, with their weights and statuses.

A pair keeps its row (and its judgements) across runs; a later run only refreshes the
score, weights and status. Judged pairs never change status again.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from usalama.resolve.models import CandidatePair, Family, PairStatus, ResolutionRun, Verdict


def judged_pairs(info: dict[str, tuple[int, str]]) -> dict[tuple[str, str], str]:
    """Latest same/different verdict of every pair whose two records are in this run."""
    verdicts: dict[tuple[str, str], str] = {}
    rows = CandidatePair.objects.filter(verdict__in=[Verdict.SAME, Verdict.DIFFERENT]).values_list(
        "left_entity_id", "right_entity_id", "verdict"
    )
    for left, right, verdict in rows.iterator(chunk_size=10_000):
        if left in info and right in info:
            verdicts[(left, right)] = verdict
    return verdicts


def _finite(value: Any) -> float:
    number = float(value) if value is not None else 0.0
    return number if math.isfinite(number) else 0.0


def store_pairs(
    rows: list[dict[str, Any]], info: dict[str, tuple[int, str]], run: ResolutionRun
) -> tuple[dict[tuple[str, str], CandidatePair], set[tuple[str, str]]]:
    now = timezone.now()
    existing: dict[tuple[str, str], CandidatePair] = {}
    ids = list(info)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for pair in CandidatePair.objects.filter(left_entity_id__in=chunk):
            if pair.right_entity_id in info:
                existing[(pair.left_entity_id, pair.right_entity_id)] = pair
    fresh: list[CandidatePair] = []
    changed: list[CandidatePair] = []
    scored: dict[tuple[str, str], CandidatePair] = {}
    for row in rows:
        left, right = sorted((str(row["left_id"]), str(row["right_id"])))
        if left not in info or right not in info:
            continue
        weights = {
            name.removeprefix("weight_"): _finite(value)
            for name, value in row.items()
            if name.startswith("weight_")
        }
        levels = {
            name.removeprefix("level_"): int(value)
            for name, value in row.items()
            if name.startswith("level_") and value is not None
        }
        total = row.get("match_weight")
        match_weight = _finite(total) if total is not None and math.isfinite(total) else 0.0
        prior = match_weight - sum(weights.values()) if weights else match_weight
        values = {
            "family": row.get("family") or Family.PERSON,
            "left_collection_id": info[left][0],
            "right_collection_id": info[right][0],
            "left_caption": info[left][1][:500],
            "right_caption": info[right][1][:500],
            "probability": min(max(_finite(row.get("match_probability")), 0.0), 1.0),
            "match_weight": match_weight,
            "prior_weight": prior,
            "weights": weights,
            "levels": levels,
            "run": run,
            "scored_at": now,
        }
        known = existing.get((left, right))
        if known is None:
            pair = CandidatePair(
                left_entity_id=left, right_entity_id=right, status=PairStatus.REVIEW, **values
            )
            fresh.append(pair)
        else:
            pair = known
            for name, value in values.items():
                setattr(pair, name, value)
            changed.append(pair)
        scored[(left, right)] = pair
    # New pairs wait below the queue until ``update_statuses`` places them, so that a run
    # stopped half-way shows nothing half-scored in the review queue.
    for pair in fresh:
        pair.status = PairStatus.BELOW
    for batch in _slices(fresh):
        with transaction.atomic():
            CandidatePair.objects.bulk_create(batch)
    for batch in _slices(changed):
        with transaction.atomic():
            CandidatePair.objects.bulk_update(batch, STORED_FIELDS)
    # Pairs stored earlier but not scored above ``lower`` now stay, with their judgements.
    return {**existing, **scored}, set(scored)


STORED_FIELDS = [
    "family",
    "left_collection",
    "right_collection",
    "left_caption",
    "right_caption",
    "probability",
    "match_weight",
    "prior_weight",
    "weights",
    "levels",
    "run",
    "scored_at",
]


def update_statuses(
    pairs: dict[tuple[str, str], CandidatePair],
    scored: set[tuple[str, str]],
    merged: set[tuple[str, str]],
    upper: float,
) -> tuple[int, int]:
    """Set each pair's status; returns (queued, merged) counts."""
    queued = merged_count = 0
    before = {pair.pk: pair.status for pair in pairs.values()}
    for key, pair in pairs.items():
        if pair.verdict:
            status = PairStatus.JUDGED
        elif key in merged and pair.probability >= upper:
            status = PairStatus.MERGED
            merged_count += 1
        elif key in scored:
            status = PairStatus.REVIEW
            queued += 1
        else:
            status = PairStatus.BELOW
        pair.status = status
    moved = [pair for pair in pairs.values() if pair.status != before.get(pair.pk)]
    for batch in _slices(moved):
        with transaction.atomic():
            CandidatePair.objects.bulk_update(batch, ["status"])
    return queued, merged_count


# Rows written per transaction. On SQLite a transaction holds the one write lock; a run that
# wrote all its pairs in one transaction held it for 20 s and more, and a login waiting
# behind it failed with "database is locked". Short slices let other writers in between.
WRITE_SLICE = 500


def _slices(items: list[CandidatePair]) -> list[list[CandidatePair]]:
    return [items[i : i + WRITE_SLICE] for i in range(0, len(items), WRITE_SLICE)]
