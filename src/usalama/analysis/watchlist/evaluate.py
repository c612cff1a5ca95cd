"""Precision and recall of screening against a labelled test set, and the curve over thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from usalama.analysis.watchlist.screening import WatchlistIndex
from usalama.analysis.watchlist.subjects import Subject

CURVE_THRESHOLDS: tuple[float, ...] = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True, slots=True)
class Point:
    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def all_scores(records: Iterable[Subject], index: WatchlistIndex) -> list[tuple[str, str, float]]:
    return [(r.id, entry_id, score) for r in records for entry_id, score in index.scored(r)]


def point(
    scores: Sequence[tuple[str, str, float]], truth: frozenset[tuple[str, str]], threshold: float
) -> Point:
    predicted = {(r, e) for r, e, s in scores if s >= threshold}
    tp = len(predicted & truth)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Point(threshold, precision, recall, tp, fp, fn)


def curve(
    scores: Sequence[tuple[str, str, float]],
    truth: frozenset[tuple[str, str]],
    thresholds: Iterable[float] = CURVE_THRESHOLDS,
) -> list[Point]:
    return [point(scores, truth, t) for t in thresholds]
