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

Group commit (``insert_in_group``): a public report without photos does not take the gate
alone. Threads that arrive while one of them holds it leave their prepared row with the holder,
which writes every waiting row and its audit event in its next transaction, one commit for all
(SQLite writes each changed page to the WAL once per commit, and the gate's lock, the
transaction and the chain's tip are paid once). A thread returns only when the commit that holds
its row has succeeded, so a report acknowledged is a report stored; if one row fails (a
duplicate reference), nothing of that batch was stored and each row is written again alone,
so only that one fails.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from usalama.audit.models import AuditEvent
from usalama.audit.services import PreparedInsert, insert_batch_and_record

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


def _gated_database() -> str | None:
    """The SQLite file the gate guards, or None where there is no gate."""
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        connection.vendor != "sqlite"
        or fcntl is None
        or connection.in_atomic_block  # already inside a transaction: queueing is moot
        or not name
        or name == ":memory:"
        or name.startswith("file:")
    ):
        return None
    return name


@contextlib.contextmanager
def _holding(name: str) -> Iterator[None]:
    with _THREAD_LOCK:
        fd = _lock_fd(name)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_gate() -> Iterator[None]:
    """Hold the submission gate for one write transaction (a no-op off SQLite)."""
    name = _gated_database()
    if name is None:
        yield
        return
    with _holding(name):
        yield


# --- group commit ------------------------------------------------------------------------------


@dataclass(eq=False)
class _Waiting:
    row: PreparedInsert
    result: tuple[int, AuditEvent] | None = None
    error: BaseException | None = None
    done: bool = False


_GROUP = threading.Condition()  # guards the three below
_PENDING: list[_Waiting] = []
_leading = False  # a thread of this process is writing a batch
BATCH_SIZES: list[int] = []  # the last batches' sizes (tests; bounded)


def insert_in_group(row: PreparedInsert) -> tuple[int, AuditEvent]:
    """Insert a prepared row and its audit event, committed with whatever other rows of
    this process are waiting at the gate (see the module's docstring); return (id, event)
    once that commit has succeeded. Off SQLite (or inside a transaction): alone."""
    global _leading
    name = _gated_database()
    if name is None:
        return insert_batch_and_record([row])[0]
    waiting = _Waiting(row)
    with _GROUP:
        _PENDING.append(waiting)
        while _leading and not waiting.done:
            _GROUP.wait()
        lead = not waiting.done  # nobody is writing: this thread writes the next batch
        if lead:
            _leading = True
    if lead:
        batch: list[_Waiting] = []
        try:
            with _holding(name):
                # taken once the gate is held: rows that came while another process held it
                # go in too
                with _GROUP:
                    batch = _PENDING[:]
                    _PENDING.clear()
                _write(batch)
        finally:
            with _GROUP:
                if not batch:  # the gate failed before the batch was taken: none is written
                    batch = _PENDING[:]
                    _PENDING.clear()
                for each in batch:
                    if each.result is None and each.error is None:  # the leader was interrupted
                        each.error = RuntimeError("the report was not stored; send it again")
                    each.done = True
                _leading = False
                del BATCH_SIZES[:-100]
                BATCH_SIZES.append(len(batch))
                _GROUP.notify_all()
    if waiting.error is not None:
        raise waiting.error
    assert waiting.result is not None
    return waiting.result


def _write(batch: list[_Waiting]) -> None:
    """One transaction for the batch; if it fails, each row alone (only a failing one fails)."""
    try:
        results = insert_batch_and_record([each.row for each in batch])
    except Exception as error:
        if len(batch) == 1:
            batch[0].error = error
            return
        for each in batch:
            try:
                each.result = insert_batch_and_record([each.row])[0]
            except Exception as alone:
                each.error = alone
        return
    for each, result in zip(batch, results, strict=True):
        each.result = result
