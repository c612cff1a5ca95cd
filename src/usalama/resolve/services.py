"""Use cases of entity resolution for analysts: the review queue, judgements, undo, canonical
entities. Runs live in ``runs.py`` (re-exported here), merges in ``merging.py``.

Every read of a pair or canonical entity is audited; every write goes through here or
``runs.py``. Analysts' judgements take effect at once and outrank the model on every
later run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput, NotFound
from usalama.records.models import EntityRecord
from usalama.resolve.merging import active_merges, create_merge, dissolve
from usalama.resolve.models import CandidatePair, Judgement, Merge, PairStatus, Verdict
from usalama.resolve.runs import (
    RUN_STEPS,
    RunResult,
    actor_of,
    get_run,
    recent_runs,
    run_resolution,
    start_run,
)

__all__ = [
    "RUN_STEPS",
    "RunResult",
    "get_canonical",
    "get_pair",
    "get_run",
    "judge_pair",
    "recent_runs",
    "review_queue",
    "run_resolution",
    "start_run",
    "undo_merge",
]


# --- analysts: review, judge, undo ---------------------------------------------------------------


def review_queue(
    user: Any, *, status: str = PairStatus.REVIEW, limit: int = 200
) -> list[CandidatePair]:
    """Pairs the user may see, highest match probability first."""
    if status not in PairStatus.values:
        raise InvalidInput(f"unknown status {status!r}")
    pairs = list(
        CandidatePair.objects.visible_to(user)
        .filter(status=status)
        .select_related("left_collection__agency", "right_collection__agency")
        .order_by("-probability", "left_entity_id")[:limit]
    )
    return pairs


def get_pair(user: Any, pair_id: int) -> CandidatePair:
    """One pair as the user may see it; audited as a read of both records."""
    try:
        pair = (
            CandidatePair.objects.visible_to(user)
            .select_related("left_collection__agency", "right_collection__agency")
            .get(pk=pair_id)
        )
    except CandidatePair.DoesNotExist as missing:
        raise NotFound("pair not found") from missing
    record(
        user,
        "resolve.pair.read",
        object_type="candidate_pair",
        object_id=pair.pk,
        details={"left": pair.left_entity_id, "right": pair.right_entity_id},
    )
    return pair


def judgements_of(user: Any, pair: CandidatePair) -> list[Judgement]:
    return list(pair.judgements.all()[:50])


def judge_pair(user: Any, pair_id: int, verdict: str, note: str = "") -> Judgement:
    """Record an analyst's verdict (audited). It takes effect at once and on every later run:
    "same" merges the two records' canonical entities, "different" splits a merge holding both.
    """
    if verdict not in Verdict.values:
        raise InvalidInput("verdict must be same, different or unsure")
    if len(note) > 2000:
        raise InvalidInput("the note is longer than 2000 characters")
    actor = actor_of(user)
    with transaction.atomic():
        try:
            pair = CandidatePair.objects.visible_to(user).select_for_update().get(pk=pair_id)
        except CandidatePair.DoesNotExist as missing:
            raise NotFound("pair not found") from missing
        judgement = Judgement.objects.create(
            pair=pair, verdict=verdict, user=user, username=user.get_username(), note=note
        )
        pair.verdict = verdict
        pair.status = PairStatus.JUDGED
        pair.save(update_fields=["verdict", "status"])
        effect = _apply_verdict(pair, verdict, actor)
        record(
            actor,
            "resolve.judge",
            object_type="candidate_pair",
            object_id=pair.pk,
            details={
                "left": pair.left_entity_id,
                "right": pair.right_entity_id,
                "verdict": verdict,
                "note": note,
                **effect,
            },
        )
    return judgement


def _apply_verdict(pair: CandidatePair, verdict: str, actor: Actor) -> dict[str, Any]:
    both = {pair.left_entity_id, pair.right_entity_id}
    active = active_merges(both)
    if verdict == Verdict.DIFFERENT:
        split = [m for m in active.values() if both <= {x.entity_id for x in m.members.all()}]
        for merge in split:
            dissolve(merge, actor)
        return {"merges_undone": [m.pk for m in split]}
    if verdict == Verdict.SAME:
        members: dict[str, int] = {
            pair.left_entity_id: pair.left_collection_id,
            pair.right_entity_id: pair.right_collection_id,
        }
        for merge in active.values():
            members.update({m.entity_id: m.collection_id for m in merge.members.all()})
        if len(active) == 1:
            only = next(iter(active.values()))
            if {m.entity_id for m in only.members.all()} == set(members):
                return {"merge": only.pk}
        for merge in active.values():
            dissolve(merge, actor)
        merge = create_merge(members, actor, None)
        return {"merge": merge.pk, "canonical_id": merge.canonical_id}
    return {}


def undo_merge(user: Any, merge_id: int) -> Merge:
    """Give every member back its previous canonical id (audited). The pairs that caused the
    merge go back to the review queue and are not merged automatically again."""
    actor = actor_of(user)
    queryset = Merge.objects.all() if user is None else Merge.objects.visible_to(user)
    with transaction.atomic():
        try:
            merge = queryset.select_for_update().get(pk=merge_id)
        except Merge.DoesNotExist as missing:
            raise NotFound("merge not found") from missing
        if merge.undone_at is not None:
            raise InvalidInput("this merge was already undone")
        members = dissolve(merge, actor)
        inside = CandidatePair.objects.filter(
            left_entity_id__in=members, right_entity_id__in=members
        )
        inside.update(auto_merge_blocked=True)
        inside.filter(verdict="").update(status=PairStatus.REVIEW)
        record(
            actor,
            "resolve.merge.undo",
            object_type="merge",
            object_id=merge.pk,
            details={"canonical_id": merge.canonical_id, "members": sorted(members)},
        )
    return merge


@dataclass(frozen=True)
class CanonicalView:
    canonical_id: str
    records: list[EntityRecord]
    merges: list[Merge]


def get_canonical(user: Any, canonical_id: str) -> CanonicalView:
    """The source records the user may see under one canonical id (or one entity id)."""
    if len(canonical_id) > 200:
        raise NotFound("canonical entity not found")
    records = list(
        EntityRecord.objects.visible_to(user)
        .filter(Q(canonical_id=canonical_id) | Q(entity_id=canonical_id))
        .select_related("collection__agency")
        .order_by("collection__label", "entity_id")
    )
    if not records:
        raise NotFound("canonical entity not found")
    merges = list(
        Merge.objects.visible_to(user)
        .filter(canonical_id=canonical_id)
        .prefetch_related("members")
        .order_by("-created_at")
    )
    record(
        user,
        "resolve.canonical.read",
        object_type="entity",
        object_id=canonical_id,
        details={"records": len(records)},
    )
    return CanonicalView(canonical_id, records, merges)
