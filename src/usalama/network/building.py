"""Turning the statements a user may see into a graph-engine ``Network`` (read-only helper).

Only :mod:`usalama.network.services` calls this module; it receives collection ids that the
access gate has already decided on and never widens them. Two kinds of edges:

* relationship entities (Directorship, Ownership, Family, ...): FtM's ``edge_source`` and
  ``edge_target`` properties, or :data:`EXTRA_EDGES` for schemata FtM gives no edge to;
  Payment, Call and Message are aggregated per pair (count, first/last date, all statements);
* shared identifiers: two entities stating the same normalised phone, ID number, KRA PIN,
  registration number, account number, email or wallet (``same_phone``, ``same_id``, ...).

Node ids are canonical ids (``Statement.canonical_id``), so resolved records are one node.
Every edge keeps the ids of the statements that make it (its provenance).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl
from django.db.models import Count, Max
from followthemoney import model

from usalama.analysis import graph
from usalama.core.text import normalise_identifier, normalise_phone
from usalama.records.canonical import canonical_version
from usalama.records.models import Collection, EntityRecord, Statement, scope_q

#: Schemata whose FtM definition has no edge but which are links all the same.
EXTRA_EDGES: dict[str, tuple[str, str]] = {
    "Call": ("caller", "receiver"),
    "Message": ("sender", "recipients"),
}
#: Relationship schemata merged per pair (many small events make one strong tie).
AGGREGATED = {"Payment", "Call", "Message"}
#: Properties whose shared value links two entities, and the relation it makes.
IDENTIFIER_RELATIONS: dict[str, str] = {
    "phone": "same_phone",
    "idNumber": "same_id",
    "passportNumber": "same_id",
    "taxNumber": "same_tax_number",
    "registrationNumber": "same_registration_number",
    "accountNumber": "same_account",
    "iban": "same_account",
    "email": "same_email",
    "publicKey": "same_wallet",
    "cryptoAddress": "same_wallet",
}
#: A value shared by more entities than this (a switchboard, a placeholder "0000") is noise;
#: it would add a clique of n² edges, so it is left out (and counted in ``skipped_values``).
MAX_SHARED_GROUP = 25
_DATE_PROPS = ("startDate", "date")
_END_PROPS = ("endDate",)
_LABEL_PROPS = ("role", "relationship", "amount")
_CACHE_SIZE = 8
_IN_CHUNK = 900  # SQLite allows 999 parameters per statement


def edge_endpoints() -> dict[str, tuple[str, str]]:
    """``schema -> (source property, target property)`` for every relationship schema."""
    ends = {
        name: (schema.edge_source, schema.edge_target)
        for name, schema in model.schemata.items()
        if schema.edge and schema.edge_source and schema.edge_target
    }
    ends.update(EXTRA_EDGES)
    return ends


@dataclass(frozen=True)
class NodeInfo:
    id: str
    schema: str
    caption: str
    entity_ids: tuple[str, ...]
    collection_ids: tuple[int, ...]


@dataclass
class GraphData:
    """A network plus what the engine does not keep about nodes (captions, schemata)."""

    network: graph.Network | None
    nodes: dict[str, NodeInfo]
    canonical: dict[str, str]
    skipped_values: int = 0
    built_at: datetime = field(default_factory=datetime.now)

    def node_id(self, entity_or_canonical: str) -> str | None:
        if entity_or_canonical in self.nodes:
            return entity_or_canonical
        return self.canonical.get(entity_or_canonical)


def _parse_date(value: str) -> datetime | None:
    text = value.strip()
    try:
        if len(text) > 10:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError:
        return None
    return None  # partial dates ("2006", "2006-07") say too little to place on a timeline


def _normalise(prop: str, value: str) -> str:
    if prop == "phone":
        return normalise_phone(value) or ""
    if prop == "email":
        return value.strip().lower()
    return normalise_identifier(value)


def _nodes(
    collection_ids: list[int], relationship_schemata: set[str], grants: tuple[int, ...] = ()
) -> GraphData:
    grouped: dict[str, dict[str, Any]] = {}
    canonical: dict[str, str] = {}
    rows = EntityRecord.objects.filter(scope_q(collection_ids, grants)).values_list(
        "entity_id", "canonical_id", "schema", "caption", "collection_id"
    )
    for entity_id, canonical_id, schema, caption, collection_id in rows.iterator(chunk_size=10_000):
        if schema in relationship_schemata:
            continue
        node = canonical_id or entity_id
        canonical[entity_id] = node
        info = grouped.setdefault(
            node, {"schema": schema, "caption": caption, "entities": set(), "collections": set()}
        )
        info["entities"].add(entity_id)
        info["collections"].add(collection_id)
        if entity_id == node:  # the canonical record names the node
            info["caption"], info["schema"] = caption, schema
    grouped, canonical = _hide_foreign_merges(collection_ids, grouped, canonical, grants)
    nodes = {
        node: NodeInfo(
            id=node,
            schema=info["schema"],
            caption=info["caption"],
            entity_ids=tuple(sorted(info["entities"])),
            collection_ids=tuple(sorted(info["collections"])),
        )
        for node, info in grouped.items()
    }
    return GraphData(network=None, nodes=nodes, canonical=canonical)


def _merged_with_hidden(
    collection_ids: list[int], candidates: list[str], grants: tuple[int, ...] = ()
) -> set[str]:
    """Canonical ids among ``candidates`` that also group a record outside these collections
    (and outside the entities granted one by one)."""
    hidden: set[str] = set()
    for start in range(0, len(candidates), _IN_CHUNK):
        chunk = candidates[start : start + _IN_CHUNK]
        outside = EntityRecord.objects.exclude(scope_q(collection_ids, grants))
        hidden.update(outside.filter(canonical_id__in=chunk).values_list("canonical_id", flat=True))
        hidden.update(outside.filter(entity_id__in=chunk).values_list("entity_id", flat=True))
    return hidden


def _alias(entity_ids: set[str]) -> str:
    """The node id of visible records whose merge also holds hidden ones: what their own
    merge would be called (one record: its own id), so it reveals nothing about the rest."""
    if len(entity_ids) == 1:
        return next(iter(entity_ids))
    joined = "\n".join(sorted(entity_ids))
    return "canon-" + hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()


def _hide_foreign_merges(
    collection_ids: list[int],
    grouped: dict[str, dict[str, Any]],
    canonical: dict[str, str],
    grants: tuple[int, ...] = (),
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Issue #20, finding 6: a canonical id that also groups records the user may not see
    (another agency's, a higher handling code's collection) would tell that such a record
    exists and was merged with a visible one. Such nodes get an id, member list and counts
    made of the visible records alone."""
    candidates = sorted(node for node, info in grouped.items() if info["entities"] != {node})
    hidden = _merged_with_hidden(collection_ids, candidates, grants)
    if not hidden:
        return grouped, canonical
    for node in sorted(hidden):
        info = grouped.pop(node)
        alias = _alias(info["entities"])
        grouped[alias] = info
        for entity_id in info["entities"]:
            canonical[entity_id] = alias
    return grouped, canonical


def _relationship_rows(
    collection_ids: list[int],
    ends: dict[str, tuple[str, str]],
    data: GraphData,
    grants: tuple[int, ...] = (),
) -> list[dict[str, Any]]:
    wanted_props = {p for pair in ends.values() for p in pair}
    wanted_props.update(_DATE_PROPS, _END_PROPS, _LABEL_PROPS)
    by_entity: dict[str, dict[str, Any]] = {}
    statements = Statement.objects.filter(
        scope_q(collection_ids, grants), schema__in=list(ends), prop__in=sorted(wanted_props)
    ).values_list("id", "entity_id", "schema", "prop", "value", "collection_id")
    for stmt_id, entity_id, schema, prop, value, collection_id in statements.iterator(
        chunk_size=10_000
    ):
        rel = by_entity.setdefault(
            entity_id, {"schema": schema, "props": defaultdict(list), "stmts": [], "tags": set()}
        )
        rel["props"][prop].append(value)
        rel["stmts"].append(stmt_id)
        rel["tags"].add(str(collection_id))
    rows: list[dict[str, Any]] = []
    aggregated: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entity_id, rel in by_entity.items():
        schema = rel["schema"]
        source_prop, target_prop = ends[schema]
        props = rel["props"]
        dates = [d for p in _DATE_PROPS for v in props.get(p, []) if (d := _parse_date(v))]
        ends_ = [d for p in _END_PROPS for v in props.get(p, []) if (d := _parse_date(v))]
        first = min(dates) if dates else None
        last = max(ends_ + dates) if (ends_ or dates) else None
        label = next((props[p][0] for p in _LABEL_PROPS if props.get(p)), "")
        for source_entity, target_entity in itertools.product(
            props.get(source_prop, []), props.get(target_prop, [])
        ):
            source, target = data.node_id(source_entity), data.node_id(target_entity)
            # An endpoint outside what the user may see would leak that it exists: skip.
            if source is None or target is None or source == target:
                continue
            if schema in AGGREGATED:
                key = (*sorted((source, target)), schema)
                agg = aggregated.setdefault(
                    key,
                    {
                        "source": key[0],
                        "target": key[1],
                        "relation": schema,
                        "weight": 0.0,
                        "count": 0,
                        "first_date": None,
                        "last_date": None,
                        "provenance": [],
                        "tags": set(),
                        "edge_key": f"{schema}:{key[0]}:{key[1]}",
                        "label": "",
                    },
                )
                agg["weight"] += 1.0
                agg["count"] += 1
                if first is not None:
                    agg["first_date"] = min(filter(None, [agg["first_date"], first]))
                    agg["last_date"] = max(filter(None, [agg["last_date"], last]))
                agg["provenance"].extend(rel["stmts"])
                agg["tags"].update(rel["tags"])
                continue
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "relation": schema,
                    "weight": 1.0,
                    "count": 1,
                    "first_date": first,
                    "last_date": last,
                    "provenance": list(rel["stmts"]),
                    "tags": sorted(rel["tags"]),
                    "edge_key": entity_id,
                    "label": label,
                }
            )
    for agg in aggregated.values():
        agg["tags"] = sorted(agg["tags"])
        agg["label"] = f"×{agg['count']}"
        rows.append(agg)
    return rows


def _identifier_rows(
    collection_ids: list[int], data: GraphData, grants: tuple[int, ...] = ()
) -> tuple[list[dict[str, Any]], int]:
    groups: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    statements = Statement.objects.filter(
        scope_q(collection_ids, grants), prop__in=sorted(IDENTIFIER_RELATIONS)
    ).values_list("id", "entity_id", "prop", "value", "collection_id")
    for stmt_id, entity_id, prop, value, collection_id in statements.iterator(chunk_size=10_000):
        node = data.node_id(entity_id)
        normalised = _normalise(prop, value)
        if node is None or len(normalised) < 4:
            continue
        relation = IDENTIFIER_RELATIONS[prop]
        groups[(relation, normalised)][node].append((stmt_id, str(collection_id)))
    rows: list[dict[str, Any]] = []
    skipped = 0
    for (relation, value), members in groups.items():
        if len(members) < 2:
            continue
        if len(members) > MAX_SHARED_GROUP:
            skipped += 1
            continue
        digest = hashlib.sha256(f"{relation}:{value}".encode()).hexdigest()[:16]
        for a, b in itertools.combinations(sorted(members), 2):
            said = members[a] + members[b]
            rows.append(
                {
                    "source": a,
                    "target": b,
                    "relation": relation,
                    "weight": 1.0,
                    "count": 1,
                    "first_date": None,
                    "last_date": None,
                    "provenance": [s for s, _c in said],
                    "tags": sorted({c for _s, c in said}),
                    "edge_key": f"{relation}:{digest}:{a}:{b}",
                    "label": value,
                }
            )
    return rows, skipped


_SCHEMA: dict[str, Any] = {
    "source": pl.Utf8,
    "target": pl.Utf8,
    "relation": pl.Utf8,
    "weight": pl.Float64,
    "count": pl.Int64,
    "first_date": pl.Datetime("us"),
    "last_date": pl.Datetime("us"),
    "provenance": pl.List(pl.Utf8),
    "tags": pl.List(pl.Utf8),
    "edge_key": pl.Utf8,
    "label": pl.Utf8,
}


def load(collection_ids: Iterable[int], grant_ids: Iterable[int] = ()) -> GraphData:
    """Build the network of these collections and of the entities granted by these
    entity-selection grants (both already checked by the caller)."""
    ids = sorted({int(c) for c in collection_ids})
    grants = tuple(sorted({int(g) for g in grant_ids}))
    ends = edge_endpoints()
    data = _nodes(ids, set(ends), grants)
    rows = _relationship_rows(ids, ends, data, grants)
    shared, data.skipped_values = _identifier_rows(ids, data, grants)
    rows.extend(shared)
    if rows:
        frame = pl.DataFrame(rows, schema=_SCHEMA)
        # List columns and counts are set after loading: the CSV-oriented loader reads
        # provenance/tags as separated text and counts every row once.
        network = graph.network_from_frame(
            frame.drop("count", "provenance", "tags"),
            graph.EdgeColumns(
                weight="weight", relation="relation", date="first_date", end_date="last_date"
            ),
            origin="records",
        )
        edges = network.edges.with_columns(frame["count"], frame["provenance"], frame["tags"])
        data.network = graph.Network(network.graph, network.node_ids, edges, directed=False)
        # Lookups, CSR and compiled walks now, not in the first query; edge records are
        # built as queries touch them (a cached network may be large).
        data.network.prepare(records=False)
    return data


# --- in-process cache ----------------------------------------------------------------------

_cache: OrderedDict[tuple[Any, ...], GraphData] = OrderedDict()
_lock = threading.Lock()


def version_of(collection_ids: Iterable[int], grant_ids: Iterable[int] = ()) -> tuple[Any, ...]:
    """What the cached network depends on: the collections and entity grants, their latest
    statement and the latest canonical-id change."""
    ids = tuple(sorted({int(c) for c in collection_ids}))
    grants = tuple(sorted({int(g) for g in grant_ids}))
    stats = Statement.objects.filter(scope_q(ids, grants)).aggregate(
        latest=Max("last_seen"), total=Count("id")
    )
    records = EntityRecord.objects.filter(scope_q(ids, grants)).aggregate(latest=Max("last_seen"))
    # a merge or its undo changes nodes without touching a statement's last_seen, and may
    # happen in another process (the resolution worker)
    return (ids, stats["latest"], stats["total"], records["latest"], canonical_version(), grants)


def cached(collection_ids: Iterable[int], grant_ids: Iterable[int] = ()) -> GraphData:
    key = version_of(collection_ids, grant_ids)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = load(key[0], key[-1])
    with _lock:
        _cache[key] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def collections_by_id(collection_ids: Iterable[int]) -> dict[int, Collection]:
    return {
        c.id: c
        for c in Collection.objects.filter(id__in=list(collection_ids)).select_related("agency")
    }
