"""Keep account holders on canonical ids when entity resolution merges or splits people.

Accounts store their holder's canonical id at sync time (``ftm.read_collection``). When
``records.canonical`` later changes canonical ids, this receiver re-reads the holders of the
accounts concerned, so one person's accounts join up after a merge (and part again after
an undo) without a re-sync.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from usalama.money.models import Account
from usalama.records.canonical import canonical_ids_changed, canonical_ids_of
from usalama.records.models import Collection, Statement


def account_holders(collection: Collection) -> dict[str, str]:
    """Account entity id → holder entity id, from Ownership and CryptoWallet statements."""
    rows = Statement.objects.filter(
        collection=collection,
        schema__in=("Ownership", "CryptoWallet"),
        prop__in=("role", "asset", "owner", "holder"),
    ).values_list("entity_id", "schema", "prop", "value")
    props: dict[str, dict[str, str]] = {}
    for entity_id, schema, prop, value in rows.iterator(chunk_size=10_000):
        entry = props.setdefault(entity_id, {"schema": schema})
        entry.setdefault(prop, value)
    holders: dict[str, str] = {}
    for entity_id, entry in props.items():
        if entry["schema"] == "Ownership" and entry.get("role") == "account holder":
            if entry.get("asset") and entry.get("owner"):
                holders[entry["asset"]] = entry["owner"]
        elif entry["schema"] == "CryptoWallet" and entry.get("holder"):
            holders[entity_id] = entry["holder"]
    return holders


def refresh_holders(collection: Collection) -> int:
    """Set each account's holder to its holder's current canonical id; returns changes."""
    holders = account_holders(collection)
    canonical = canonical_ids_of(holders.values())
    changed = []
    for account in Account.objects.filter(collection=collection, entity_id__in=list(holders)):
        holder = holders[account.entity_id]
        wanted = canonical.get(holder, holder)[:200]
        if account.holder_entity_id != wanted:
            account.holder_entity_id = wanted
            changed.append(account)
    Account.objects.bulk_update(changed, ["holder_entity_id"], batch_size=1000)
    return len(changed)


@receiver(canonical_ids_changed)
def _on_canonical_change(sender: Any, changes: dict[str, tuple[str, str]], **_kwargs: Any) -> None:
    touched = set(changes) | {previous for previous, _new in changes.values()}
    ids = list(touched)
    collection_ids: set[int] = set()
    for start in range(0, len(ids), 2000):
        collection_ids.update(
            Account.objects.filter(holder_entity_id__in=ids[start : start + 2000])
            .values_list("collection_id", flat=True)
            .distinct()
        )
    for collection in Collection.objects.filter(id__in=collection_ids):
        refresh_holders(collection)
