"""Canonical form and hashing of audit events (pure functions, no database)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(fields: dict[str, Any]) -> bytes:
    """A byte string that is the same for the same event on any database and Python."""
    normalised = dict(fields)
    when = normalised["time"]
    if isinstance(when, datetime):
        normalised["time"] = when.isoformat(timespec="microseconds")
    return _dump(normalised).encode()


def canonical_parts(
    *,
    actor: str,
    actor_id: int | None,
    agency: str,
    action: str,
    object_type: str,
    query: str,
    details: dict[str, Any],
) -> tuple[str, str]:
    """``canonical`` cut where the database fills in the rest (PostgreSQL's append, in one
    statement): ``head + json(object_id) + mid + str(seq) + ',"time":' + json(time) + "}"``
    is the canonical form, keys in the same sorted order. A test holds the two equal."""
    head = _dump(
        {
            "action": action,
            "actor": actor,
            "actor_id": actor_id,
            "agency": agency,
            "details": details,
        }
    )
    mid = f',"object_type":{_dump(object_type)},"query":{_dump(query)},"seq":'
    return head[:-1] + ',"object_id":', mid


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields) + prev_hash.encode()).hexdigest()


def hashed_fields(
    *,
    seq: int,
    time: datetime,
    actor: str,
    actor_id: int | None,
    agency: str,
    action: str,
    object_type: str,
    object_id: str,
    query: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    """The fields the hash covers. ``seq`` (the row id) is included so rows can't be reordered."""
    return {
        "seq": seq,
        "time": time,
        "actor": actor,
        "actor_id": actor_id,
        "agency": agency,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "query": query,
        "details": details,
    }
