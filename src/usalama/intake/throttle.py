"""Throttling whoever guesses tip codes and report references — never the code itself.

Before, failed guesses were counted per code *bucket* and globally, and a lock refused every
lookup, the right code included: 300 guesses from anywhere locked every tipster out. Now:

- **Per client.** A client is an opaque key: for the web and the API a keyed HMAC of the
  connection's address (the key is random per process and never written anywhere, the
  counters live in the cache, never in the database or a log); for SMS and USSD the phone's
  keyed HMAC. A client gets :data:`FREE_FAILURES` wrong codes free; each further one locks
  that client for :data:`BASE_LOCK` seconds, doubling up to :data:`MAX_LOCK`. A locked client
  is refused before any code is checked, and the refusal says exactly how long the lock
  still lasts (the same number the lock holds).
- **Globally, with back-off.** Failures everywhere are counted per window in the database;
  above :data:`GUARD_FAILURES` per window every client gets only one free failure, so a
  spread-out guesser meets locks sooner. There is no global lock: a client that has not been
  guessing — an honest holder on the web, the API, SMS or USSD — always gets in.
- **Successes are never counted** and never reset a count (a guesser holding one good code
  cannot launder its failures with it).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from usalama.intake.errors import RateLimited
from usalama.intake.models import CodeThrottle

FREE_FAILURES = 5
BASE_LOCK = 60  # seconds, doubled per further failure
MAX_LOCK = 3600
GUARD_WINDOW = timedelta(minutes=15)
GUARD_FAILURES = 300
GLOBAL_ROW = "*"
_STATE_SECONDS = 24 * 3600
_PROCESS_KEY = secrets.token_bytes(32)  # never stored: address keys die with the process


@dataclass(frozen=True)
class Client:
    """Who is looking a code up, as an opaque key (never an address or a number)."""

    key: str


def for_address(address: str) -> Client:
    mac = hmac.new(_PROCESS_KEY, address.encode(), hashlib.sha256).hexdigest()
    return Client("addr:" + mac[:32])


def for_phone_digest(digest: str) -> Client:
    return Client("phone:" + digest[:32])


def client_address(meta: Any) -> str:
    """The connection's address; behind the TLS proxy, the address the proxy saw (its last
    ``X-Forwarded-For`` hop), so that one guesser does not lock everybody behind the proxy."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(meta.get("REMOTE_ADDR", "") or "unknown")


def _cache_key(client: Client) -> str:
    return f"usalama.intake.throttle:{client.key}"


def minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def _refusal(seconds: float) -> RateLimited:
    error = RateLimited(f"too many wrong codes; try again in {minutes(seconds)} minutes")
    error.retry_after = max(1, math.ceil(seconds))
    return error


def check(client: Client) -> None:
    """Refuse a locked client (before any code is checked); say how long the lock lasts."""
    state = cache.get(_cache_key(client)) or {}
    locked_until = float(state.get("locked_until", 0))
    remaining = locked_until - time.time()
    if remaining > 0:
        raise _refusal(remaining)


def _guarded() -> bool:
    row = CodeThrottle.objects.filter(bucket=GLOBAL_ROW).first()
    return bool(
        row is not None
        and timezone.now() - row.window_start <= GUARD_WINDOW
        and row.failures >= GUARD_FAILURES
    )


def _count_globally() -> None:
    now = timezone.now()
    with transaction.atomic():
        row, _ = CodeThrottle.objects.select_for_update().get_or_create(bucket=GLOBAL_ROW)
        if now - row.window_start > GUARD_WINDOW:
            row.window_start, row.failures = now, 0
        row.failures += 1
        row.locked_until = None  # no global lock any more (rows from before may hold one)
        row.save()


def failed(client: Client) -> float:
    """Count a wrong code from this client; return the lock it now has (seconds, 0: none)."""
    _count_globally()
    free = 1 if _guarded() else FREE_FAILURES
    state = cache.get(_cache_key(client)) or {}
    failures = int(state.get("failures", 0)) + 1
    lock = 0.0
    if failures > free:
        lock = float(min(MAX_LOCK, BASE_LOCK * 2 ** (failures - free - 1)))
    cache.set(
        _cache_key(client),
        {"failures": failures, "locked_until": time.time() + lock if lock else 0},
        _STATE_SECONDS,
    )
    return lock


def forget(client: Client) -> None:
    """Drop a client's count (tests, and an operator clearing a mistaken lock)."""
    cache.delete(_cache_key(client))
