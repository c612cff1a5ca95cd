"""Rolling backtests: at each cut-off, what was known is reconstructed, the model trained on
earlier cut-offs, and its top 1/2/5 % compared with the threshold rules' on next year's events."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from usalama.analysis.oversight.data import EisData, adverse_events, known_at
from usalama.analysis.oversight.features import features_at
from usalama.analysis.oversight.model import HORIZON_DAYS, RULES, ModelSettings, predict, train

DEFAULT_SHARES = (0.01, 0.02, 0.05)
METHODS = ("model", *RULES)


def caught_in_top(scores: np.ndarray, positives: np.ndarray, share: float) -> float:
    """Positives expected among the top ``share`` of officers by score.

    Ties at the boundary are shared out in proportion (the expected count under a random
    tie-break), so a rule of coarse counts is neither helped nor hurt by row order.
    """
    n = len(scores)
    k = math.ceil(share * n)
    if k == 0 or n == 0:
        return 0.0
    order = np.argsort(-scores, kind="stable")
    threshold = scores[order[k - 1]]
    above = scores > threshold
    tied = scores == threshold
    room = k - int(above.sum())
    tied_count = int(tied.sum())
    caught = float(positives[above].sum())
    if tied_count:
        caught += room * float(positives[tied].sum()) / tied_count
    return caught


@dataclass
class CutoffResult:
    cutoff: dt.date
    officers: int
    with_adverse_event: int
    caught: dict[str, dict[str, float]] = field(
        default_factory=dict
    )  # method -> share label -> caught
    flagged: dict[str, int] = field(default_factory=dict)  # share label -> k
    training_rows: int = 0


@dataclass
class BacktestResult:
    cutoffs: list[CutoffResult]
    shares: tuple[float, ...]

    def total(self, method: str, label: str) -> float:
        return sum(c.caught[method][label] for c in self.cutoffs)

    def ratio_to_best_rule(self, label: str) -> float:
        best = max(self.total(rule, label) for rule in RULES)
        return self.total("model", label) / best if best else math.inf

    def as_dict(self) -> dict[str, object]:
        labels = [share_label(s) for s in self.shares]
        return {
            "cutoffs": [
                {
                    "cutoff": c.cutoff.isoformat(),
                    "officers": c.officers,
                    "officers_with_adverse_event": c.with_adverse_event,
                    "training_rows": c.training_rows,
                    "flagged": c.flagged,
                    "caught": c.caught,
                }
                for c in self.cutoffs
            ],
            "total": {
                "officers_with_adverse_event": sum(c.with_adverse_event for c in self.cutoffs),
                "caught": {m: {lb: round(self.total(m, lb), 2) for lb in labels} for m in METHODS},
                "model_vs_best_rule": {lb: round(self.ratio_to_best_rule(lb), 3) for lb in labels},
            },
        }


def share_label(share: float) -> str:
    return f"{share * 100:g}%"


def outcomes_at(data: EisData, cutoff: dt.date) -> pl.DataFrame:
    """``officer_id, adverse`` for every officer active at ``cutoff``, from the final findings."""
    active = features_at(known_at(data, cutoff), cutoff, [], reconstruct=False).select("officer_id")
    events = adverse_events(data.complaints, cutoff, HORIZON_DAYS)
    return active.join(events, on="officer_id", how="left").select(
        "officer_id", (pl.col("adverse_events").fill_null(0) > 0).cast(pl.Int8).alias("adverse")
    )


def backtest(
    data: EisData,
    cutoffs: list[dt.date],
    shares: tuple[float, ...] = DEFAULT_SHARES,
    settings: ModelSettings | None = None,
    progress: Callable[[dt.date], None] | None = None,
) -> BacktestResult:
    results = []
    for cutoff in cutoffs:
        known = known_at(data, cutoff)
        model = train(known, cutoff, settings)
        frame = features_at(known, cutoff, model.groups, reconstruct=False)
        outcomes = frame.select("officer_id").join(
            outcomes_at(data, cutoff), on="officer_id", how="left"
        )
        positives = outcomes["adverse"].fill_null(0).to_numpy().astype(np.float64)
        rankings = {"model": predict(model, frame)}
        for rule, column in RULES.items():
            rankings[rule] = frame[column].to_numpy().astype(np.float64)
        result = CutoffResult(
            cutoff, frame.height, int(positives.sum()), training_rows=model.training_rows
        )
        for share in shares:
            label = share_label(share)
            result.flagged[label] = math.ceil(share * frame.height)
            for method, ranking in rankings.items():
                result.caught.setdefault(method, {})[label] = round(
                    caught_in_top(ranking, positives, share), 2
                )
        results.append(result)
        if progress is not None:
            progress(cutoff)
    return BacktestResult(results, shares)
