"""Which edges an analysis may use: relation types, dates, weight and allowed sources.

Filters become one boolean mask over ``Network.edges`` computed by Polars, so filtering
millions of edges costs milliseconds; only the optional Python ``predicate`` runs per edge.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import numpy as np
import polars as pl

from usalama.analysis.graph.model import Network
from usalama.analysis.graph.records import Edge


def as_datetime(
    value: date | datetime | str | None, *, end_of_day: bool = False
) -> datetime | None:
    """Dates mean whole days: a window ending on 2020-01-31 includes that day's afternoon."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        value = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    if isinstance(value, datetime):
        # Stored dates are naive UTC; bring aware values onto the same clock.
        return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    return datetime.combine(value, time.max if end_of_day else time.min)


@dataclass(frozen=True)
class EdgeFilter:
    """Keep an edge only if it passes every condition that is set.

    * ``relations``: its relation/type is one of these.
    * ``start``/``end``: its [first_date, last_date] overlaps the window; undated edges
      pass only with ``include_undated`` (unknown timing is not evidence of being in it).
    * ``min_weight``: weight at least this.
    * ``allowed_tags``: it carries at least one of these tags (e.g. collections the caller
      may see) — the access-control hook for the platform.
    * ``predicate``: any further Python test on the :class:`Edge` (slow on big graphs).
    """

    relations: Collection[str] | None = None
    start: date | datetime | str | None = None
    end: date | datetime | str | None = None
    include_undated: bool = False
    min_weight: float | None = None
    allowed_tags: Collection[str] | None = None
    predicate: Callable[[Edge], bool] | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.relations is None
            and self.start is None
            and self.end is None
            and self.min_weight is None
            and self.allowed_tags is None
            and self.predicate is None
        )

    def expression(self) -> pl.Expr:
        keep = pl.lit(True)
        if self.relations is not None:
            keep &= pl.col("relation").is_in(sorted(self.relations)).fill_null(False)
        start = as_datetime(self.start)
        end = as_datetime(self.end, end_of_day=True)
        if start is not None or end is not None:
            in_window = pl.lit(True)
            if start is not None:
                in_window &= pl.col("last_date") >= start
            if end is not None:
                in_window &= pl.col("first_date") <= end
            undated = pl.col("first_date").is_null()
            keep &= pl.when(undated).then(self.include_undated).otherwise(in_window)
        if self.min_weight is not None:
            keep &= pl.col("weight") >= self.min_weight
        if self.allowed_tags is not None:
            allowed = sorted(self.allowed_tags)
            keep &= pl.col("tags").list.eval(pl.element().is_in(allowed)).list.any()
        return keep

    def mask(self, network: Network) -> np.ndarray:
        """Boolean array, one entry per edge of ``network``."""
        if self.is_empty:
            return np.ones(network.edge_count, dtype=bool)
        mask = network.edges.select(self.expression().fill_null(False)).to_series().to_numpy()
        mask = np.array(mask, dtype=bool)
        if self.predicate is not None:
            candidates = np.flatnonzero(mask)
            for edge_id, edge in zip(candidates, network.edge_records(candidates), strict=True):
                mask[edge_id] = bool(self.predicate(edge))
        return mask


def filter_network(
    network: Network, edge_filter: EdgeFilter | None, *, keep_all_nodes: bool = False
) -> Network:
    """The network restricted to edges passing the filter (the same object if no filter)."""
    if edge_filter is None or edge_filter.is_empty:
        return network
    return network.with_edge_mask(edge_filter.mask(network), keep_all_nodes=keep_all_nodes)
