"""Merges: giving records one canonical id, undoing that, and deciding which groups to form.

Canonical ids are written through ``records.canonical`` (which audits and tells the other
apps); the ``Merge`` rows here remember each member's previous id so a merge can be undone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from usalama.audit.services import Actor
from usalama.records.canonical import canonical_ids_of, set_canonical_ids
from usalama.resolve.models import CandidatePair, Merge, MergeMember, ResolutionRun, Verdict


def canonical_id_for(members: Iterable[str]) -> str:
    """Deterministic: the same records always get the same canonical id."""
    joined = "\n".join(sorted(members))
    return "canon-" + hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()


class Groups:
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


def create_merge(members: dict[str, int], actor: Actor, run: ResolutionRun | None) -> Merge:
    canonical = canonical_id_for(members)
    previous = canonical_ids_of(members)
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
    set_canonical_ids(members, dict.fromkeys(members, canonical), actor, reason="resolve.merge")
    return merge


def dissolve(merge: Merge, actor: Actor) -> list[str]:
    members = list(merge.members.all())
    set_canonical_ids(
        {m.entity_id: m.collection_id for m in members},
        {m.entity_id: m.previous_canonical_id for m in members},
        actor,
        reason="resolve.merge.undo",
    )
    merge.undone_at = timezone.now()
    merge.undone_by = actor.name
    merge.save(update_fields=["undone_at", "undone_by"])
    return [m.entity_id for m in members]


def active_merges(entity_ids: Iterable[str]) -> dict[int, Merge]:
    ids = list(entity_ids)
    merges = Merge.objects.filter(undone_at__isnull=True, members__entity_id__in=ids).distinct()
    return {m.pk: m for m in merges.prefetch_related("members")}


def reconcile_merges(
    pairs: dict[tuple[str, str], CandidatePair],
    judged: dict[tuple[str, str], str],
    info: dict[str, tuple[int, str]],
    upper: float,
    actor: Actor,
    run: ResolutionRun,
) -> tuple[int, set[tuple[str, str]]]:
    """Make the canonical ids match the wanted clusters; returns (merges made, merged pairs)."""
    groups = Groups({k for k, v in judged.items() if v == Verdict.DIFFERENT})
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
    active = active_merges(info)
    current: dict[frozenset[str], Merge] = {}
    for merge in active.values():
        members = frozenset(m.entity_id for m in merge.members.all())
        if not members <= set(info):
            continue  # made over collections outside this run: not ours to change
        if members in wanted:
            current[members] = merge
        else:
            dissolve(merge, actor)
    made = 0
    for group in wanted - set(current):
        create_merge({e: info[e][0] for e in group}, actor, run)
        made += 1
    together = {e: g for g in wanted for e in g}
    merged_pairs = {
        key for key in pairs if key[0] in together and together[key[0]] is together.get(key[1])
    }
    return made, merged_pairs
