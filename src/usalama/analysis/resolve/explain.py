"""Why the model thinks two records are (or are not) the same: a waterfall of weights."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from usalama.analysis.resolve.model import ResolutionModel, match_weight_to_probability
from usalama.core.errors import NotFound

_explain_counter = itertools.count()

# The prepared columns each comparison reads, shown beside its weight.
_VALUES_SHOWN: dict[str, tuple[str, ...]] = {
    "name": ("name_text", "name_canonical"),
    "date_of_birth": ("dob",),
    "email": ("email",),
    "address": ("address",),
}


@dataclass(frozen=True, slots=True)
class ComparisonStep:
    """One bar of the waterfall."""

    comparison: str
    level: int  # comparison vector value; -1 means one side is missing
    label: str  # the level's human label, e.g. "same name parts by sound"
    match_weight: float  # log2 Bayes factor: > 0 raised the score, < 0 lowered it
    left_value: str | None
    right_value: str | None


@dataclass(frozen=True, slots=True)
class PairExplanation:
    left_id: str
    right_id: str
    prior_match_weight: float  # where every pair starts, before any comparison
    steps: list[ComparisonStep]
    match_weight: float  # prior + sum of step weights
    match_probability: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "prior_match_weight": self.prior_match_weight,
            "match_weight": self.match_weight,
            "match_probability": self.match_probability,
            "steps": [
                {
                    "comparison": s.comparison,
                    "level": s.level,
                    "label": s.label,
                    "match_weight": s.match_weight,
                    "left_value": s.left_value,
                    "right_value": s.right_value,
                }
                for s in self.steps
            ],
        }


def _record(model: ResolutionModel, record_id: str, source: str | None) -> pl.DataFrame:
    condition = pl.col("record_id") == record_id
    if source is not None:
        condition &= pl.col("source") == source
    found = model.records.filter(condition)
    if found.height == 0:
        raise NotFound(f"record {record_id!r} is not in this resolution run")
    return found.head(1)


def _shown_value(record: pl.DataFrame, comparison: str) -> str | None:
    columns = _VALUES_SHOWN.get(comparison, (comparison,))
    values = [record.get_column(c)[0] for c in columns if c in record.columns]
    shown = [str(v) for v in values if v is not None]
    return " / ".join(dict.fromkeys(shown)) or None


def explain_pair(
    model: ResolutionModel,
    left_id: str,
    right_id: str,
    *,
    left_source: str | None = None,
    right_source: str | None = None,
) -> PairExplanation:
    """Score one pair (blocked or not) and break its match weight down by comparison."""
    linker = model.linker
    left = _record(model, left_id, left_source)
    right = _record(model, right_id, right_source)
    suffix = next(_explain_counter)
    left_table = linker.table_management.register_table(
        left.to_arrow(), f"usalama_explain_left_{suffix}", overwrite=True
    )
    right_table = linker.table_management.register_table(
        right.to_arrow(), f"usalama_explain_right_{suffix}", overwrite=True
    )
    scored = linker.inference.score_pair(left_table, right_table).as_record_list()[0]
    settings = linker._settings_obj
    prior = settings._probability_two_random_records_match
    prior_weight = math.log2(prior / (1.0 - prior))
    steps: list[ComparisonStep] = []
    for comparison in settings.comparisons:
        name = comparison.output_column_name
        level = int(scored[f"gamma_{name}"])
        label = next(
            (
                cl.label_for_charts
                for cl in comparison.comparison_levels
                if cl.comparison_vector_value == level
            ),
            str(level),
        )
        weight = float(scored[f"mw_{name}"])
        if comparison._has_tf_adjustments:
            # fold in how common the agreeing value is, as the pair's score does
            weight += float(scored.get(comparison._mw_tf_adj_column_name) or 0.0)
        steps.append(
            ComparisonStep(
                name, level, label, weight, _shown_value(left, name), _shown_value(right, name)
            )
        )
    total = prior_weight + sum(step.match_weight for step in steps)
    return PairExplanation(
        left_id=left_id,
        right_id=right_id,
        prior_match_weight=prior_weight,
        steps=steps,
        match_weight=total,
        match_probability=match_weight_to_probability(total),
    )
