"""Canonical form and hashing of audit events (pure functions, no database)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    """A byte string that is the same for the same event on any database and Python."""
    normalised = dict(fields)
    when = normalised["time"]
    if isinstance(when, datetime):
        normalised["time"] = when.isoformat(timespec="microseconds")
    return json.dumps(
        normalised, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


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
