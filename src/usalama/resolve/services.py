"""Use cases of entity resolution over the records: the only code here that writes or audits.

``run_resolution`` reads the Person statements a user may see into the engine's standard
frame, scores candidate pairs, merges pairs at or above ``upper`` (setting ``canonical_id``
on their statements and entity records) and queues pairs between ``lower`` and ``upper`` for
review. Analysts' judgements outrank the model on every later run: a "different" pair is
never put in one canonical entity, a "same" pair always is.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from usalama.audit.services import Actor, record
from usalama.core.errors import InvalidInput, NotFound
from usalama.records.models import Collection, EntityRecord, Statement
from usalama.resolve.models import (
    CandidatePair,
    Judgement,
    Merge,
    MergeMember,
    PairStatus,
    ResolutionRun,
    Verdict,
)

Progress = Callable[[str], None]

# FtM Person property → field of the engine's standard frame.
PROPERTY_FIELDS: dict[str, str] = {
    "name": "full_name",
    "firstName": "given_name",
    "middleName": "middle_name",
    "lastName": "surname",
    "birthDate": "date_of_birth",
    "idNumber": "national_id",
    "passportNumber": "passport",
    "taxNumber": "kra_pin",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "nationality": "nationality",
    "country": "nationality",
}
SCHEMAS = ("Person",)
RUN_STEPS = 6


@dataclass
class RunResult:
    run_id: int
    records: int = 0
    candidates: int = 0
    merged: int = 0
    merges: int = 0
    queued: int = 0
    collections: list[str] = field(default_factory=list)


def _actor(user: Any | None) -> Actor:
    return Actor(name="cli") if user is None else Actor.of(user)


def canonical_id_for(members: Iterable[str]) -> str:
    """Deterministic: the same records always get the same canonical id."""
    joined = "\n".join(sorted(members))
    return "canon-" + hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()


def _scope(user: Any | None, collection_keys: list[str] | None) -> list[Collection]:
    queryset = Collection.objects.all() if user is None else Collection.objects.visible_to(user)
    if collection_keys:
        found = list(queryset.filter(key__in=collection_keys))
        missing = sorted(set(collection_keys) - {c.key for c in found})
        if missing:
            raise NotFound(f"collection {missing[0]!r} not found")
        return found
    collections = list(queryset)
    if not collections:
        raise NotFound("no collections visible to resolve")
    return collections


# --- the frame --------------------------------------------------------------------------------


def records_frame(collections: list[Collection]) -> tuple[Any, dict[str, tuple[int, str]]]:
    """The standard frame of every Person in ``collections`` and entity → (collection, caption)."""
    import polars as pl

    keys = {c.id: c.key for c in collections}
    info: dict[str, tuple[int, str]] = {}
    for entity_id, collection_id, caption in (
        EntityRecord.objects.filter(collection_id__in=list(keys), schema__in=SCHEMAS)
        .order_by("collection_id")
        .values_list("entity_id", "collection_id", "caption")
        .iterator(chunk_size=10_000)
    ):
        info.setdefault(entity_id, (collection_id, caption))
    values: dict[str, dict[str, str]] = defaultdict(dict)
    rows = (
        Statement.objects.filter(
            collection_id__in=list(keys), schema__in=SCHEMAS, prop__in=list(PROPERTY_FIELDS)
        )
        .order_by("entity_id", "prop", "value")
        .values_list("entity_id", "prop", "value")
    )
    for entity_id, prop, value in rows.iterator(chunk_size=10_000):
        fields = values[entity_id]
        name = PROPERTY_FIELDS[prop]
        if prop == "country" and name in fields:
            continue  # nationality wins over country
        if prop == "nationality" or name not in fields:
            fields[name] = value
    columns = sorted(set(PROPERTY_FIELDS.values()))
    data: dict[str, list[str | None]] = {"record_id": [], "source": []}
    data.update({name: [] for name in columns})
    for entity_id, (collection_id, _caption) in info.items():
        fields = values.get(entity_id, {})
        data["record_id"].append(entity_id)
        data["source"].append(keys[collection_id])
        for name in columns:
            data[name].append(fields.get(name))
    return pl.DataFrame(data, schema=dict.fromkeys(data, pl.Utf8)), info


def _finite(value: Any) -> float:
    number = float(value) if value is not None else 0.0
    return number if math.isfinite(number) else 0.0


# --- clustering with judgements -----------------------------------------------------------------


class _Groups:
    """Union-find that refuses to join two records an analyst said are different."""

    def __init__(self, different: set[tuple[str, str]]) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.apart: dict[str, set[str]] = defaultdict(set)
        for left, right in different:
            self.apart[left].add(right)
            self.apart[right].add(left)

    def find(self, item: str) -> str:
        self.members.setdefault(item, {item})
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[item] = root
        return root

    def join(self, left: str, right: str) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        small, big = sorted((self.members[a], self.members[b]), key=len)
        if any(self.apart[x] & big for x in small):
            return False
        self.parent[b] = a
        self.members[a] |= self.members.pop(b)
        return True

    def groups(self) -> list[frozenset[str]]:
        return [frozenset(m) for m in self.members.values() if len(m) > 1]


# --- merges ------------------------------------------------------------------------------------


def _set_canonical(entity_ids: dict[str, int], canonical: dict[str, str]) -> None:
    by_collection: dict[tuple[int, str], list[str]] = defaultdict(list)
    for entity_id, collection_id in entity_ids.items():
        by_collection[(collection_id, canonical[entity_id])].append(entity_id)
    for (collection_id, value), ids in by_collection.items():
        Statement.objects.filter(collection_id=collection_id, entity_id__in=ids).update(
            canonical_id=value
        )
        EntityRecord.objects.filter(collection_id=collection_id, entity_id__in=ids).update(
            canonical_id=value
        )


def _create_merge(members: dict[str, int], actor: Actor, run: ResolutionRun | None) -> Merge:
    canonical = canonical_id_for(members)
    previous = dict(
        EntityRecord.objects.filter(entity_id__in=list(members)).values_list(
            "entity_id", "canonical_id"
        )
    )
    merge = Merge.objects.create(canonical_id=canonical, run=run, created_by=actor.name)
    MergeMember.objects.bulk_create(
        MergeMember(
            merge=merge,
            entity_id=entity_id,
            collection_id=collection_id,
            previous_canonical_id=previous.get(entity_id) or entity_id,
        )
        for entity_id, collection_id in members.items()
    )
    _set_canonical(members, dict.fromkeys(members, canonical))
    return merge


def _dissolve(merge: Merge, actor: Actor) -> list[str]:
    members = list(merge.members.all())
    _set_canonical(
        {m.entity_id: m.collection_id for m in members},
        {m.entity_id: m.previous_canonical_id for m in members},
    )
    merge.undone_at = timezone.now()
    merge.undone_by = actor.name
    merge.save(update_fields=["undone_at", "undone_by"])
    return [m.entity_id for m in members]


def _active_merges(entity_ids: Iterable[str]) -> dict[int, Merge]:
    ids = list(entity_ids)
    merges = Merge.objects.filter(undone_at__isnull=True, members__entity_id__in=ids).distinct()
    return {m.pk: m for m in merges.prefetch_related("members")}


# --- the run -----------------------------------------------------------------------------------


def run_resolution(
    user: Any | None,
    collection_keys: list[str] | None = None,
    upper: float = 0.95,
    lower: float = 0.6,
    *,
    progress: Progress | None = None,
) -> RunResult:
    """Score, merge and queue the Person records ``user`` may see (``None``: the operator)."""
    if not 0.0 < lower <= upper <= 1.0:
        raise InvalidInput("thresholds must satisfy 0 < lower <= upper <= 1")
    step = progress or (lambda _label: None)
    actor = _actor(user)
    step("reading records")
    collections = _scope(user, collection_keys)
    frame, info = records_frame(collections)
    run = ResolutionRun.objects.create(
        started_by=actor.name,
        collection_keys=sorted(c.key for c in collections),
        upper=upper,
        lower=lower,
        records=frame.height,
    )
    result = RunResult(run_id=run.pk, records=frame.height, collections=run.collection_keys)
    judged = _judged_pairs(info)
    pairs_rows: list[dict[str, Any]] = []
    if frame.height >= 2:
        pairs_rows = _score(frame, judged, lower, step)
    step("storing candidate pairs")
    with transaction.atomic():
        stored, scored = _store_pairs(pairs_rows, info, run)
        step("merging")
        merges_made, merged_pairs = _reconcile_merges(stored, judged, info, upper, actor, run)
        step("queueing for review")
        queued, merged = _update_statuses(stored, scored, merged_pairs, upper)
        result.candidates = len(scored)
        result.merged = merged
        result.merges = merges_made
        result.queued = queued
        run.candidates, run.merged, run.queued = result.candidates, result.merged, queued
        run.finished_at = timezone.now()
        run.save()
        record(
            actor,
            "resolve.run",
            object_type="resolution_run",
            object_id=run.pk,
            details={
                "collections": run.collection_keys,
                "records": result.records,
                "candidates": result.candidates,
                "merged_pairs": result.merged,
                "merges_created": merges_made,
                "queued": queued,
                "upper": upper,
                "lower": lower,
            },
        )
    return result


def _judged_pairs(info: dict[str, tuple[int, str]]) -> dict[tuple[str, str], str]:
    """Latest same/different verdict of every pair whose two records are in this run."""
    verdicts: dict[tuple[str, str], str] = {}
    rows = CandidatePair.objects.filter(verdict__in=[Verdict.SAME, Verdict.DIFFERENT]).values_list(
        "left_entity_id", "right_entity_id", "verdict"
    )
    for left, right, verdict in rows.iterator(chunk_size=10_000):
        if left in info and right in info:
            verdicts[(left, right)] = verdict
    return verdicts


def _score(
    frame: Any, judged: dict[tuple[str, str], str], lower: float, step: Progress
) -> list[dict[str, Any]]:
    import polars as pl

    from usalama.analysis.resolve import (
        apply_judgements,
        predict_pairs,
        prepare_records,
        train_model,
    )

    step("preparing names, dates, phones")
    prepared = prepare_records(frame)
    labels = None
    if judged:
        labels = pl.DataFrame(
            {
                "left_id": [k[0] for k in judged],
                "right_id": [k[1] for k in judged],
                "is_match": [v == Verdict.SAME for v in judged.values()],
            }
        )
    step("training the model and scoring pairs")
    model = train_model(prepared, labels if labels is not None and labels.height >= 10 else None)
    pairs = predict_pairs(model, threshold=lower)
    if labels is not None:
        # Keep the model's own score on stored rows; apply_judgements only adds missed
        # judged-same pairs (their weights are unknown: stored as the prior alone).
        effective = apply_judgements(pairs, labels)
        pairs = pl.concat(
            [pairs, effective.join(pairs, on=["left_id", "right_id"], how="anti")],
            how="diagonal_relaxed",
        )
    return list(pairs.iter_rows(named=True))


def _store_pairs(
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
    CandidatePair.objects.bulk_create(fresh, batch_size=1000)
    if changed:
        CandidatePair.objects.bulk_update(changed, STORED_FIELDS, batch_size=1000)
    # Pairs stored earlier but not scored above ``lower`` now stay, with their judgements.
    return {**existing, **scored}, set(scored)


STORED_FIELDS = [
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


def _reconcile_merges(
    pairs: dict[tuple[str, str], CandidatePair],
    judged: dict[tuple[str, str], str],
    info: dict[str, tuple[int, str]],
    upper: float,
    actor: Actor,
    run: ResolutionRun,
) -> tuple[int, set[tuple[str, str]]]:
    """Make the canonical ids match the wanted clusters; returns (merges made, merged pairs)."""
    groups = _Groups({k for k, v in judged.items() if v == Verdict.DIFFERENT})
    for key, verdict in judged.items():
        if verdict == Verdict.SAME:
            groups.join(*key)
    ranked = sorted(pairs.values(), key=lambda p: -p.probability)
    for pair in ranked:
        key = (pair.left_entity_id, pair.right_entity_id)
        if key in judged or pair.auto_merge_blocked or pair.probability < upper:
            continue
        groups.join(*key)
    wanted = {g for g in groups.groups() if all(e in info for e in g)}
    active = _active_merges(info)
    current: dict[frozenset[str], Merge] = {}
    for merge in active.values():
        members = frozenset(m.entity_id for m in merge.members.all())
        if not members <= set(info):
            continue  # made over collections outside this run: not ours to change
        if members in wanted:
            current[members] = merge
        else:
            _dissolve(merge, actor)
    made = 0
    for group in wanted - set(current):
        _create_merge({e: info[e][0] for e in group}, actor, run)
        made += 1
    together = {e: g for g in wanted for e in g}
    merged_pairs = {
        key for key in pairs if key[0] in together and together[key[0]] is together.get(key[1])
    }
    return made, merged_pairs


def _update_statuses(
    pairs: dict[tuple[str, str], CandidatePair],
    scored: set[tuple[str, str]],
    merged: set[tuple[str, str]],
    upper: float,
) -> tuple[int, int]:
    """Set each pair's status; returns (queued, merged) counts."""
    queued = merged_count = 0
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
    CandidatePair.objects.bulk_update(list(pairs.values()), ["status"], batch_size=1000)
    return queued, merged_count


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
    actor = _actor(user)
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
    active = _active_merges(both)
    if verdict == Verdict.DIFFERENT:
        split = [m for m in active.values() if both <= {x.entity_id for x in m.members.all()}]
        for merge in split:
            _dissolve(merge, actor)
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
            _dissolve(merge, actor)
        merge = _create_merge(members, actor, None)
        return {"merge": merge.pk, "canonical_id": merge.canonical_id}
    return {}


def undo_merge(user: Any, merge_id: int) -> Merge:
    """Give every member back its previous canonical id (audited). The pairs that caused the
    merge go back to the review queue and are not merged automatically again."""
    actor = _actor(user)
    queryset = Merge.objects.all() if user is None else Merge.objects.visible_to(user)
    with transaction.atomic():
        try:
            merge = queryset.select_for_update().get(pk=merge_id)
        except Merge.DoesNotExist as missing:
            raise NotFound("merge not found") from missing
        if merge.undone_at is not None:
            raise InvalidInput("this merge was already undone")
        members = _dissolve(merge, actor)
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
