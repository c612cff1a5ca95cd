"""How good a hotspot forecast was: hit rate, PAI and PEI at a coverage.

All functions take one score and one observed count per *study cell* (the same order in
both). Flagging the top ``c`` share of cells rounds half up to a whole number of cells, at
least one; ties in score are broken by cell order, so a forecast always flags the same cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from usalama.core.errors import InvalidInput


@dataclass(frozen=True)
class Metrics:
    """Scores of one forecast at one coverage. ``pai`` and ``pei`` are NaN with no incidents."""

    flagged_cells: int
    study_cells: int
    incidents: int
    captured: int
    hit_rate: float
    pai: float
    pei: float


def check_coverage(coverage: float) -> float:
    if not (0.0 < coverage <= 1.0) or math.isnan(coverage):
        raise InvalidInput(f"coverage {coverage!r} must be in (0, 1]")
    return coverage


def flagged_cell_count(coverage: float, study_cells: int) -> int:
    """How many cells a coverage flags: ``coverage * study_cells`` rounded half up, min 1."""
    check_coverage(coverage)
    if study_cells <= 0:
        raise InvalidInput("the study area has no cells")
    # A small tolerance keeps 0.05 * 1000 (= 50.000000000000004 in floating point) at 50.
    wanted = math.floor(coverage * study_cells + 0.5 + 1e-9)
    return min(study_cells, max(1, wanted))


def top_cells(scores: NDArray[np.floating], count: int) -> NDArray[np.intp]:
    """Indices of the ``count`` highest scores; equal scores go to the lower index first."""
    order = np.lexsort((np.arange(scores.size), -np.asarray(scores, dtype=np.float64)))
    return order[:count]


def evaluate(
    scores: NDArray[np.floating], observed: NDArray[np.integer], coverage: float
) -> Metrics:
    """Hit rate n/N, PAI (n/N)/(a/A) and PEI n/n* of flagging the top ``coverage`` of cells."""
    scores = np.asarray(scores, dtype=np.float64)
    observed = np.asarray(observed)
    if scores.shape != observed.shape or scores.ndim != 1:
        raise InvalidInput("scores and observed counts must be 1-D and of the same length")
    study_cells = scores.size
    flagged = flagged_cell_count(coverage, study_cells)
    total = int(observed.sum())
    captured = int(observed[top_cells(scores, flagged)].sum())
    best_possible = int(np.sort(observed)[::-1][:flagged].sum())
    if total == 0:
        return Metrics(flagged, study_cells, 0, 0, math.nan, math.nan, math.nan)
    hit_rate = captured / total
    area_share = flagged / study_cells
    pei = captured / best_possible if best_possible > 0 else math.nan
    return Metrics(flagged, study_cells, total, captured, hit_rate, hit_rate / area_share, pei)
