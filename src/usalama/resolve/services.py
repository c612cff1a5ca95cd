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
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.records.models import Collection, EntityRecord
from usalama.records.services import refuse_write
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
    record(
        user,
        "resolve.pairs.list",
        object_type="candidate_pair",
        query=status,
        details={"count": len(pairs), "pairs": [p.pk for p in pairs[:200]]},
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
    _check_pair_writable(user, pair_id)
    with transaction.atomic():
        try:
            pair = CandidatePair.objects.visible_to(user).select_for_update().get(pk=pair_id)
        except CandidatePair.DoesNotExist as missing:
            raise NotFound("pair not found") from missing
        writable = _writable_ids(user)
        if writable is not None and not {pair.left_collection_id, pair.right_collection_id} <= (
            writable
        ):
            raise PermissionDenied("only the owning agency may judge these records")
        judgement = Judgement.objects.create(
            pair=pair, verdict=verdict, user=user, username=user.get_username(), note=note
        )
        pair.verdict = verdict
        pair.status = PairStatus.JUDGED
        pair.save(update_fields=["verdict", "status"])
        effect = _apply_verdict(pair, verdict, actor, writable)
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


def _writable_ids(user: Any) -> set[int] | None:
    """Collections the user may change (``None``: the operator at the CLI, who may all)."""
    if user is None:
        return None
    return set(Collection.objects.writable_by(user).values_list("id", flat=True))


def _owner_of(collection_ids: set[int]) -> str:
    codes = Collection.objects.filter(id__in=collection_ids).values_list("agency__code", flat=True)
    return ",".join(sorted(set(codes)))


def _check_pair_writable(user: Any, pair_id: int) -> None:
    """Refuse (audited, before any write) a judgement the user's agency may not make: the pair
    is not visible (404), one of its records — or of the records already merged with them — is
    in a collection the agency does not own (403)."""
    if user is None:
        return
    pair = CandidatePair.objects.filter(pk=pair_id).first()
    visible = (
        pair is not None and CandidatePair.objects.visible_to(user).filter(pk=pair_id).exists()
    )
    if pair is None or not visible:
        owner = _owner_of({pair.left_collection_id, pair.right_collection_id}) if pair else ""
        refuse_write(
            user, "resolve.judge", "candidate_pair", pair_id, owner_agency=owner, visible=False
        )
        raise NotFound("pair not found")
    touched = {pair.left_collection_id, pair.right_collection_id}
    for merge in active_merges({pair.left_entity_id, pair.right_entity_id}).values():
        touched |= {m.collection_id for m in merge.members.all()}
    writable = _writable_ids(user) or set()
    if not touched <= writable:
        refuse_write(
            user,
            "resolve.judge",
            "candidate_pair",
            pair_id,
            owner_agency=_owner_of(touched - writable),
            visible=True,
        )
        raise PermissionDenied("only the owning agency may judge or merge these records")


def _apply_verdict(
    pair: CandidatePair, verdict: str, actor: Actor, writable: set[int] | None = None
) -> dict[str, Any]:
    both = {pair.left_entity_id, pair.right_entity_id}
    active = active_merges(both)
    if writable is not None:
        touched = {m.collection_id for merge in active.values() for m in merge.members.all()}
        if not touched <= writable:
            raise PermissionDenied("these records are merged with records you may not change")
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
    _check_merge_writable(user, merge_id)
    with transaction.atomic():
        try:
            merge = Merge.objects.select_for_update().get(pk=merge_id)
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


def _check_merge_writable(user: Any, merge_id: int) -> None:
    """Refuse (audited) an undo unless every member is in a collection the user may change."""
    if user is None:
        return
    merge = Merge.objects.filter(pk=merge_id).first()
    members = set(merge.members.values_list("collection_id", flat=True)) if merge else set()
    visible = merge is not None and Merge.objects.visible_to(user).filter(pk=merge_id).exists()
    writable = _writable_ids(user) or set()
    if merge is not None and visible and members <= writable:
        return
    refuse_write(
        user,
        "resolve.merge.undo",
        "merge",
        merge_id,
        owner_agency=_owner_of(members - writable),
        visible=visible,
    )
    if not visible:
        raise NotFound("merge not found")
    raise PermissionDenied("only the owning agency may undo this merge")


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
