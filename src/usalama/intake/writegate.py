"""A queue in front of SQLite's write lock for public submissions.

SQLite serialises writers; one that finds the database locked *sleeps* in its busy handler
(1, 2, 5, ... up to 100 ms between retries) instead of waking when the lock is free. Under
load (eight gunicorn threads in two processes posting reports) those sleeps made the slowest
requests wait hundreds of milliseconds while the lock sat idle. Public submissions therefore
queue on a blocking lock first: a thread lock within the process and an ``flock`` on a file
next to the database across processes; the kernel wakes the next waiter as soon as the holder
releases it, and the holder then finds SQLite free.

PostgreSQL needs none of this (row locks and the audit chain's advisory lock wait properly).
Writers that do not use the gate still work: the gate only shortens queueing, SQLite's own
lock (``BEGIN IMMEDIATE``) still guarantees correctness.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

from django.db import connection

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: fall back to SQLite's own waiting
    fcntl = None  # type: ignore[assignment]

_THREAD_LOCK = threading.Lock()
_FILES: dict[str, int] = {}


def _lock_fd(db_path: str) -> int:
    fd = _FILES.get(db_path)
    if fd is None:
        fd = os.open(db_path + ".intake-gate", os.O_RDWR | os.O_CREAT, 0o600)
        _FILES[db_path] = fd
    return fd


@contextlib.contextmanager
def write_gate() -> Iterator[None]:
    """Hold the submission gate for one write transaction (a no-op off SQLite)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        connection.vendor != "sqlite"
        or fcntl is None
        or connection.in_atomic_block  # already inside a transaction: queueing is moot
        or not name
        or name == ":memory:"
        or name.startswith("file:")
    ):
        yield
        return
    with _THREAD_LOCK:
        fd = _lock_fd(name)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
