"""Edges as an analyst sees them, built once per edge and then shared by every query.

A query returns a few to a few thousand edges, each with names, relation, dates and
provenance. Gathering those rows from the Polars edge frame and converting them costs a
frame-wide gather per query plus about a microsecond per edge: about 90% of a shortest
path's time, and most of a large expansion's. So each edge's record is built once, the
first time any query needs it (or for all edges by :meth:`EdgeTable.fill`, which a
long-lived network calls at load), and kept in an object array indexed by edge id; a
query then gathers ready records. Records are immutable (tuples, a read-only mapping), so
sharing them between queries and threads is safe.

Building is columnar: each column is turned once into a form that is cheap to gather from
(numpy arrays for numbers and category codes, offsets into one flat object array for
provenance and tags), so records for many edges are made by a few gathers and one tuple
per edge.
"""

from __future__ import annotations

import gc
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import polars as pl

#: Columns every ``Network.edges`` frame has; any other column is a kept attribute (e.g. phase).
CORE_EDGE_COLUMNS = (
    "source",
    "target",
    "relation",
    "weight",
    "count",
    "first_date",
    "last_date",
    "provenance",
    "tags",
)

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many small acyclic objects.

    Thousands of edge records (each with lists and a dict) trigger full collections that
    walk every live object in the process: 5,000 records took ~70 ms with the collector on
    and ~10 ms with it paused. The records hold no reference cycles, so nothing is missed;
    collection resumes (if it was on) when the last concurrent user leaves.
    """
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


class Edge(NamedTuple):
    """One edge as an analyst sees it: who, what kind, when, how strong, and said by whom.

    A named tuple, immutable all the way down (provenance and tags are tuples, attributes a
    read-only mapping), because one record is shared by every query that returns the edge.
    """

    source: str
    target: str
    relation: str | None
    weight: float
    # Shadows tuple.count() on purpose: the field name is part of the public record.
    count: int  # type: ignore[assignment]
    first_date: str | None
    last_date: str | None
    provenance: tuple[str, ...]
    tags: tuple[str, ...]
    attributes: MappingProxyType[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "relation": self.relation,
            "weight": self.weight,
            "count": self.count,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "provenance": list(self.provenance),
            "tags": list(self.tags),
            # copy() of a read-only mapping is a plain dict, three times faster than dict().
            "attributes": self.attributes.copy(),
        }


_new_edge = partial(tuple.__new__, Edge)
_NO_ATTRIBUTES: MappingProxyType[str, Any] = MappingProxyType({})


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    # Dates loaded from "YYYY-MM-DD" come back as midnight; print them as plain dates.
    if value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date().isoformat()
    return value.isoformat()


def _objects(values: Sequence[Any]) -> np.ndarray:
    """An object array holding exactly these Python objects (tuples stay single items)."""
    return np.fromiter(values, dtype=object, count=len(values))


class Codes:
    """A text column as one small integer per row plus the distinct values (null included)."""

    def __init__(self, column: pl.Series) -> None:
        text = column.cast(pl.Utf8)
        values = text.drop_nulls().unique(maintain_order=True)
        self.values = _objects([*values.to_list(), None])
        self.codes = (
            text.cast(pl.Enum(values.to_list()))
            .to_physical()
            .fill_null(len(values))
            .to_numpy()
            .astype(np.int32, copy=False)
        )

    def gather(self, ids: np.ndarray) -> list[Any]:
        values: list[Any] = self.values[self.codes[ids]].tolist()
        return values


class Lists:
    """A list column as offsets into one flat column: row i is ``flat[offsets[i]:offsets[i+1]]``."""

    def __init__(self, column: pl.Series) -> None:
        lengths = column.list.len().fill_null(0).to_numpy().astype(np.int64, copy=False)
        self.offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])
        flat = pl.select(pl.lit(column).list.explode(keep_nulls=False, empty_as_null=False))
        self.flat = flat.to_series()

    def gather(self, ids: np.ndarray) -> list[tuple[Any, ...]]:
        starts = self.offsets[ids]
        lengths = self.offsets[ids + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return [() for _ in range(len(ids))]
        # Position k of the output is starts[i] + (k - first output slot of row i).
        ends = np.cumsum(lengths)
        positions = np.repeat(starts - (ends - lengths), lengths) + np.arange(total)
        values = tuple(self.flat[positions].to_list())
        bounds = [0, *ends.tolist()]
        return [values[a:b] for a, b in itertools.pairwise(bounds)]


class Dates:
    """A datetime column as numpy datetime64[us] (NaT for null), or skipped if all null."""

    def __init__(self, column: pl.Series) -> None:
        self.all_null = column.null_count() == len(column)
        dtype = column.dtype
        # numpy keeps no time zone: an aware column stays in Polars (slower, same values).
        self.aware = isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
        self.column = column
        self.values = (
            None if self.all_null or self.aware else column.cast(pl.Datetime("us")).to_numpy()
        )

    def gather(self, ids: np.ndarray) -> list[str | None]:
        if self.values is None:
            if self.all_null:
                return [None] * len(ids)
            return [_iso(value) for value in self.column[ids].to_list()]
        return [_iso(value) for value in self.values[ids].tolist()]


class EdgeColumnsBuilder:
    """Makes records for many edges at once from columns prepared for gathering."""

    def __init__(self, edges: pl.DataFrame, names: np.ndarray) -> None:
        self.names = names
        self.sources = edges["source"].to_numpy().astype(np.int64, copy=False)
        self.targets = edges["target"].to_numpy().astype(np.int64, copy=False)
        self.relation = Codes(edges["relation"])
        weights = edges["weight"].to_numpy().astype(np.float64, copy=False)
        self.weights = np.where(np.isfinite(weights), weights, 0.0)
        self.counts = edges["count"].to_numpy().astype(np.int64, copy=False)
        self.first_date = Dates(edges["first_date"])
        self.last_date = Dates(edges["last_date"])
        # Synthetic and bulk-loaded networks often have no provenance or tags at all.
        self.provenance = self._lists(edges["provenance"])
        self.tags = self._lists(edges["tags"])
        self.extra = {c: edges[c] for c in edges.columns if c not in CORE_EDGE_COLUMNS}

    @staticmethod
    def _lists(column: pl.Series) -> Lists | None:
        return Lists(column) if bool((column.list.len().fill_null(0) > 0).any()) else None

    @staticmethod
    def _gather_lists(column: Lists | None, ids: np.ndarray) -> list[tuple[Any, ...]]:
        return [() for _ in range(len(ids))] if column is None else column.gather(ids)

    def _attributes(self, ids: np.ndarray) -> list[MappingProxyType[str, Any]]:
        if not self.extra:
            return [_NO_ATTRIBUTES] * len(ids)
        keys = list(self.extra)
        # Indexing a Series with a numpy array is a direct gather (gather() goes through
        # Polars' expression engine, about 25 us more per call).
        columns = [self.extra[key][ids].to_list() for key in keys]
        return [
            MappingProxyType(dict(zip(keys, row, strict=True)))
            for row in zip(*columns, strict=True)
        ]

    def records(self, ids: np.ndarray) -> list[Edge]:
        count = len(ids)
        ends = self.names[np.concatenate([self.sources[ids], self.targets[ids]])].tolist()
        rows = zip(
            ends[:count],
            ends[count:],
            self.relation.gather(ids),
            self.weights[ids].tolist(),
            self.counts[ids].tolist(),
            self.first_date.gather(ids),
            self.last_date.gather(ids),
            self._gather_lists(self.provenance, ids),
            self._gather_lists(self.tags, ids),
            self._attributes(ids),
            strict=True,
        )
        return list(map(_new_edge, rows))


class EdgeTable:
    """Every edge's record, built on first use (or all at once by :meth:`fill`)."""

    #: Edges built per step of :meth:`fill`: bounds the temporary lists of one step.
    FILL_CHUNK = 1 << 16

    def __init__(self, edges: pl.DataFrame, names: np.ndarray) -> None:
        self._edges = edges
        self._names = names
        self._builder: EdgeColumnsBuilder | None = None
        self._lock = threading.Lock()
        self.cache = np.empty(edges.height, dtype=object)
        self.built = np.zeros(edges.height, dtype=bool)
        self.complete = False

    def _build(self, ids: np.ndarray) -> None:
        with self._lock:
            if self._builder is None:
                self._builder = EdgeColumnsBuilder(self._edges, self._names)
            builder = self._builder
        # Concurrent queries may build the same edge twice: the records are equal, and a
        # record is stored before it is marked built.
        self.cache[ids] = _objects(builder.records(ids))
        self.built[ids] = True

    def records(self, ids: np.ndarray) -> list[Edge]:
        if not self.complete:
            missing = ids[~self.built[ids]]
            if len(missing):
                self._build(np.unique(missing))
        found: list[Edge] = self.cache[ids].tolist()
        return found

    def fill(self) -> None:
        """Build every edge's record now (a long-lived network's first queries are then fast)."""
        if self.complete:
            return
        with gc_paused():  # millions of records: see gc_paused
            for start in range(0, len(self.built), self.FILL_CHUNK):
                chunk = np.arange(start, min(start + self.FILL_CHUNK, len(self.built)))
                missing = chunk[~self.built[chunk]]
                if len(missing):
                    self._build(missing)
        self.complete = True
        # Every record exists: the columns they were built from are no longer needed.
        with self._lock:
            self._builder = None
