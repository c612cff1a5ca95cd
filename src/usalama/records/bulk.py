"""Fast inserts of many rows given as ready tuples, in the order of the columns named.

Django's ``bulk_create`` compiles SQL for every value and builds a model instance per row;
an import writes millions of rows whose values are already checked, so the callers here build
plain tuples and hand them over in one call: ``COPY ... FROM STDIN`` on PostgreSQL (one stream,
no statement per row) and one prepared ``executemany`` on SQLite. Both run inside the
caller's transaction and fire triggers (the FTS index) and constraints like any insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection


def insert_tuples(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ``rows`` (values in the order of ``columns``) into ``table``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Names come from model metadata, never from input.
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, rows)


def in_clause(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``column`` is one of ``values``: a SQL fragment and its parameters, for either database.

    PostgreSQL takes the whole list as one array parameter; SQLite needs one placeholder per
    value (its limit, 32,766 since 3.32, is well above a chunk).
    """
    quoted = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"{quoted} = ANY(%s)", [list(values)]
    return f"{quoted} IN ({', '.join(['%s'] * len(values))})", list(values)


def commit_without_flush_wait() -> None:
    """PostgreSQL: the current transaction's COMMIT returns before its WAL reaches the disk.

    For import chunks only. A server crash can lose the last such commits (never half of
    one, and never one followed by an ordinary commit: the WAL is flushed in order), which an
    import survives by design: it is re-run and its statement keys make that idempotent; the
    job's own completion is an ordinary commit. Saves a disk flush per chunk.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class PlannerStatistics:
    """PostgreSQL's planner statistics of the tables a long write fills, kept roughly true.

    The planner estimates how many rows match ``collection_id = X`` from the statistics of
    the last ``ANALYZE``. A collection that did not exist then is estimated at a few hundred
    rows, so the per-chunk "already stored?" look-up scans every row of the collection
    through the index prefix instead of probing its entity ids: each chunk slower than the
    last, 0.2 s per chunk at 300,000 entities, quadratic over an import. PostgreSQL's
    autovacuum may be off, and when on it analyses once a minute at best.

    So the writer calls ``wrote`` after each chunk, and ``looked_up`` (the table that look-up
    reads) is analysed each time this run has doubled the rows it wrote, from ``FIRST`` on:
    8 runs for a million entities, each sampling a fixed 30,000 rows, with the estimate
    always within a factor two. ``finished`` analyses it and ``also`` once more at the end,
    so that the reads after the import are planned on what it wrote. Between chunks, never
    inside one: ``ANALYZE`` holds a lock that another import's ``ANALYZE`` waits for. SQLite
    plans these look-ups by rule and needs none of it.
    """

    FIRST = 20_000

    def __init__(self, looked_up: str, also: Sequence[str] = ()) -> None:
        self.looked_up = looked_up
        self.also = tuple(also)
        self.written = 0
        self.analysed_at = 0
        self.runs = 0

    def wrote(self, rows: int) -> None:
        self.written += rows
        if self.written >= max(self.FIRST, 2 * self.analysed_at):
            self._analyse([self.looked_up])

    def finished(self) -> None:
        if self.written < self.FIRST:
            return
        if self.analysed_at == self.written:  # the last chunk's run already covered it
            self._analyse(self.also)
        else:
            self._analyse([self.looked_up, *self.also])

    def _analyse(self, tables: Sequence[str]) -> None:
        if connection.vendor != "postgresql" or not tables:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Table names come from model metadata, never from input.
            cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")
        self.runs += 1
        self.analysed_at = self.written


# SQLite's default page cache is 2 MB. Statement ids are SHA-1 keys, so inserts land all over
# the primary-key B-tree (and the entity-id indexes); once those outgrow the cache, every
# insert reads pages back. 256 MiB keeps the hot pages of a multi-million-statement table
# in memory: at 200,000 entities it cut the statement inserts from 18.4 s to 10.5 s and
# the search rows from 11.0 s to 7.9 s. It is a cap, not a size: memory stays flat.
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_writes() -> Iterator[None]:
    """A large page cache on this connection while many rows are written (SQLite only)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")
