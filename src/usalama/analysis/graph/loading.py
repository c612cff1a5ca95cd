"""Building networks from edge records: Polars frames, CSV files and plain integer arrays.

All work is vectorised in Polars; there is no Python loop per edge, so millions of edges
load in seconds. Bad input raises ``InvalidInput`` naming the file, line and column.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from usalama.analysis.graph.model import Network
from usalama.core.errors import InvalidInput, NotFound

_DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
)


@dataclass(frozen=True)
class EdgeColumns:
    """Which input columns hold what. ``None`` means "use the conventional name if present".

    ``provenance`` and ``tags`` cells may hold several values split by ``list_separator``.
    ``end_date`` lets an edge span a period; without it an edge lasts one instant (``date``).
    """

    source: str = "source"
    target: str = "target"
    weight: str | None = None
    relation: str | None = None
    date: str | None = None
    end_date: str | None = None
    provenance: str | None = None
    tags: str | None = None
    list_separator: str = "|"

    def resolved(self, available: Sequence[str], origin: str) -> EdgeColumns:
        """Fill unset optional columns from conventional names; reject named-but-missing ones."""
        for role, name in (
            ("source", self.source),
            ("target", self.target),
            ("weight", self.weight),
            ("relation", self.relation),
            ("date", self.date),
            ("end date", self.end_date),
            ("provenance", self.provenance),
            ("tags", self.tags),
        ):
            if name is not None and name not in available:
                raise InvalidInput(
                    f"{origin}: no {role} column {name!r} (columns: {', '.join(available)})"
                )

        def conventional(*names: str) -> str | None:
            return next((name for name in names if name in available), None)

        return replace(
            self,
            weight=self.weight or conventional("weight"),
            relation=self.relation or conventional("relation", "type"),
            date=self.date or conventional("date"),
            provenance=self.provenance or conventional("provenance"),
            tags=self.tags or conventional("tags"),
        )


@dataclass(frozen=True)
class ColumnCondition:
    """Keep rows whose ``column`` is (or, negated, is not) one of ``values``: ``phase=full``."""

    column: str
    values: tuple[str, ...]
    negate: bool = False

    @classmethod
    def parse(cls, text: str) -> ColumnCondition:
        """``col=a,b`` keeps rows where col is a or b; ``col!=a`` drops rows where col is a."""
        negate = "!=" in text
        column, sep, values = text.partition("!=" if negate else "=")
        if not sep or not column.strip():
            raise InvalidInput(
                f"cannot read condition {text!r}: write column=value or column!=value"
            )
        return cls(column.strip(), tuple(v.strip() for v in values.split(",")), negate)

    def expression(self) -> pl.Expr:
        keep = pl.col(self.column).cast(pl.Utf8).is_in(list(self.values))
        return ~keep if self.negate else keep


def _locate(bad: pl.Series, origin: str, column: str, lines: pl.Series | None) -> str:
    """ "file, line N, column 'c'" for the first bad row (or "row N" for in-memory frames)."""
    position = int(np.flatnonzero(bad.to_numpy())[0])
    where = f"line {lines[position]}" if lines is not None else f"row {position + 1}"
    return f"{origin}, {where}, column {column!r}"


def _blank_to_null(text: pl.Series) -> pl.Series:
    return pl.select(pl.when(text.str.len_chars() > 0).then(text)).to_series()


def _parse_dates(
    frame: pl.DataFrame, column: str, origin: str, lines: pl.Series | None
) -> pl.Series:
    raw = frame[column]
    if raw.dtype in (pl.Date, pl.Datetime):
        return raw.cast(pl.Datetime("us"))
    text = _blank_to_null(raw.cast(pl.Utf8).str.strip_chars())
    parsed = pl.select(
        pl.coalesce(
            *[text.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in _DATETIME_FORMATS],
            text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="us")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None),
            text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
        )
    ).to_series()
    bad = text.is_not_null() & parsed.is_null()
    if bad.any():
        value = text.filter(bad)[0]
        raise InvalidInput(
            f"{_locate(bad, origin, column, lines)}: {value!r} is not an ISO date or date-time"
        )
    return parsed


def _parse_weights(
    frame: pl.DataFrame, column: str, origin: str, lines: pl.Series | None
) -> pl.Series:
    raw = frame[column]
    if raw.dtype.is_numeric():
        weights = raw.cast(pl.Float64)
        bad = _constant(False, len(weights), pl.Boolean())
    else:
        text = _blank_to_null(raw.cast(pl.Utf8).str.strip_chars())
        weights = text.cast(pl.Float64, strict=False)
        bad = text.is_not_null() & weights.is_null()
    filled = weights.fill_null(1.0)
    problem = bad | ~filled.is_finite() | (filled < 0)
    if problem.any():
        value = raw.cast(pl.Utf8).filter(problem)[0]
        raise InvalidInput(
            f"{_locate(problem, origin, column, lines)}: weight {value!r} "
            "is not a non-negative number"
        )
    # A missing weight means "one link", the neutral value for counts and strengths.
    return filled


def _node_column(
    frame: pl.DataFrame, column: str, origin: str, lines: pl.Series | None
) -> pl.Series:
    values = frame[column].cast(pl.Utf8).str.strip_chars()
    blank = values.is_null() | (values.str.len_chars() == 0)
    if blank.any():
        raise InvalidInput(f"{_locate(blank, origin, column, lines)}: empty node id")
    return values


def _constant(value: object, length: int, dtype: pl.DataType) -> pl.Series:
    """A column of one repeated value, built by Polars (no Python list of ``length`` items)."""
    return pl.select(pl.repeat(pl.lit(value, dtype=dtype), length)).to_series()


def _empty_lists(length: int) -> pl.Series:
    return _constant([], length, pl.List(pl.Utf8))


def _list_column(frame: pl.DataFrame, column: str | None, separator: str) -> pl.Series:
    if column is None:
        return _empty_lists(frame.height)
    text = frame[column].cast(pl.Utf8).fill_null("")
    return text.str.split(separator).list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0)
    )


def network_from_frame(
    frame: pl.DataFrame,
    columns: EdgeColumns | None = None,
    *,
    directed: bool = False,
    aggregate: bool = False,
    origin: str = "edges",
    line_numbers: pl.Series | None = None,
) -> Network:
    """Build a :class:`Network` from edge records, one row per edge (or per statement).

    ``aggregate=True`` merges rows for the same pair and relation into one edge with a
    ``count``, summed ``weight``, first and last date and all provenance — how repeated
    payments or calls become one analysable link. Unused columns are kept as edge attributes.
    ``origin`` and ``line_numbers`` (the file line of each row) shape error messages; without
    a provenance column, rows read from a file get ``origin:line`` references.
    """
    cols = (columns or EdgeColumns()).resolved(frame.columns, origin)
    if frame.height == 0:
        raise InvalidInput(f"{origin}: no edge rows")
    sources = _node_column(frame, cols.source, origin, line_numbers)
    targets = _node_column(frame, cols.target, origin, line_numbers)
    weights = (
        _parse_weights(frame, cols.weight, origin, line_numbers)
        if cols.weight
        else _constant(1.0, frame.height, pl.Float64())
    )
    first = (
        _parse_dates(frame, cols.date, origin, line_numbers)
        if cols.date
        else _constant(None, frame.height, pl.Datetime("us"))
    )
    last = _parse_dates(frame, cols.end_date, origin, line_numbers) if cols.end_date else first
    if cols.provenance is not None:
        provenance = _list_column(frame, cols.provenance, cols.list_separator)
    elif line_numbers is not None:
        provenance = pl.select(
            pl.concat_list(pl.format(f"{origin}:{{}}", pl.lit(line_numbers)))
        ).to_series()
    else:
        provenance = _list_column(frame, None, cols.list_separator)
    relation = (
        frame[cols.relation].cast(pl.Utf8)
        if cols.relation
        else _constant(None, frame.height, pl.Utf8())
    )

    node_ids = pl.concat([sources, targets]).unique(maintain_order=True)
    # An Enum's physical codes are exactly the row numbers of node_ids: a vectorised lookup.
    node_type = pl.Enum(node_ids)
    used = {
        cols.source,
        cols.target,
        cols.weight,
        cols.relation,
        cols.date,
        cols.end_date,
        cols.provenance,
        cols.tags,
    }
    edges = pl.DataFrame(
        {
            "source": sources.cast(node_type).to_physical().cast(pl.Int64),
            "target": targets.cast(node_type).to_physical().cast(pl.Int64),
            "relation": relation,
            "weight": weights,
            "count": _constant(1, frame.height, pl.Int64()),
            "first_date": first,
            "last_date": last,
            "provenance": provenance,
            "tags": _list_column(frame, cols.tags, cols.list_separator),
        }
    ).with_columns(frame.select([c for c in frame.columns if c not in used]))
    if aggregate:
        edges = aggregate_edges(edges, directed=directed)
    return Network.from_indexed(node_ids, edges, directed=directed)


def aggregate_edges(edges: pl.DataFrame, *, directed: bool) -> pl.DataFrame:
    """One row per (pair, relation): count, total weight, first/last date, all provenance."""
    if not directed:
        # A-B and B-A are the same relationship when direction does not matter.
        edges = edges.with_columns(
            pl.min_horizontal("source", "target").alias("source"),
            pl.max_horizontal("source", "target").alias("target"),
        )
    return edges.group_by(["source", "target", "relation"], maintain_order=True).agg(
        pl.col("weight").sum(),
        pl.col("count").sum(),
        pl.col("first_date").min(),
        pl.col("last_date").max(),
        pl.col("provenance").list.explode(keep_nulls=False, empty_as_null=False),
        pl.col("tags")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique(maintain_order=True),
    )


def read_edges_frame(path: str | Path) -> pl.DataFrame:
    """Read a CSV of edges as text columns, refusing empty, binary and non-UTF-8 files."""
    file = Path(path)
    if not file.exists():
        raise NotFound(f"edges file not found: {file}")
    if not file.is_file():
        raise InvalidInput(f"{file}: not a regular file")
    data = file.read_bytes()
    if not data.strip():
        raise InvalidInput(f"{file}: file is empty")
    if b"\x00" in data[:65536]:
        raise InvalidInput(f"{file}: looks like a binary file, not a CSV text file")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"{file}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "re-save the file as UTF-8"
        ) from None
    try:
        # Everything as text: node ids stay exactly as written ("007" is not 7).
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
    except (pl.exceptions.PolarsError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidInput(f"{file}: cannot read as CSV: {reason}") from None
    return frame


def read_edges_csv(
    path: str | Path,
    columns: EdgeColumns | None = None,
    *,
    directed: bool = False,
    aggregate: bool = False,
    where: Sequence[ColumnCondition] = (),
) -> Network:
    """Load a network from a CSV edge list (header row required); ``where`` filters rows first."""
    file = Path(path)
    frame = read_edges_frame(file)
    if frame.height == 0:
        raise InvalidInput(f"{file}: has a header but no edge rows")
    line_numbers = pl.int_range(pl.len(), dtype=pl.Int64).alias("__line") + 2
    frame = frame.with_columns(line_numbers)
    for condition in where:
        if condition.column not in frame.columns:
            raise InvalidInput(f"{file}: no column {condition.column!r} to filter on")
        frame = frame.filter(condition.expression())
    if frame.height == 0:
        raise InvalidInput(f"{file}: no edge rows match the filter")
    # Filtering removes rows, so messages and provenance cite the kept original line numbers.
    lines = frame["__line"]
    return network_from_frame(
        frame.drop("__line"),
        columns,
        directed=directed,
        aggregate=aggregate,
        origin=file.name,
        line_numbers=lines,
    )


def network_from_arrays(
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    node_count: int | None = None,
    directed: bool = False,
) -> Network:
    """Fast path for synthetic or already-integer data: node ``i`` gets the id ``str(i)``."""
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    count = node_count if node_count is not None else int(max(sources.max(), targets.max())) + 1
    m = len(sources)
    edges = pl.DataFrame(
        {
            "source": sources,
            "target": targets,
            "relation": _constant(None, m, pl.Utf8()),
            "weight": np.ones(m) if weights is None else np.asarray(weights, dtype=np.float64),
            "count": np.ones(m, dtype=np.int64),
            "first_date": _constant(None, m, pl.Datetime("us")),
            "last_date": _constant(None, m, pl.Datetime("us")),
            "provenance": _empty_lists(m),
            "tags": _empty_lists(m),
        }
    )
    node_ids = pl.Series("node", np.arange(count)).cast(pl.Utf8)
    return Network.from_indexed(node_ids, edges, directed=directed)
