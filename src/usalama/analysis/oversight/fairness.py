"""An Aequitas-style bias audit of a flagged list: per group, flag rate, precision, false-positive
and false-negative rates, and each one's disparity ratio to the largest group."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from usalama.core.errors import InvalidInput

GROUPINGS = ("race", "gender", "age_band")
METRICS = ("flag_rate", "precision", "fpr", "fnr")
# Groups smaller than this are reported but left out of the model's overall disparity.
MIN_GROUP_SIZE = 50
UNKNOWN = "unknown"


@dataclass(frozen=True)
class GroupRow:
    group: str
    officers: int
    flagged: int
    adverse: int
    true_positives: int
    metrics: dict[str, float | None]
    disparity: dict[str, float | None]  # metric / the largest group's metric


@dataclass(frozen=True)
class FairnessTable:
    grouping: str
    reference_group: str
    rows: list[GroupRow]

    def max_disparity(self, min_size: int = MIN_GROUP_SIZE) -> float:
        """The largest departure from parity (a ratio r counts as max(r, 1/r)) over the groups
        with at least ``min_size`` officers (and a known value) over the four metrics; 1.0 is
        parity."""
        worst = 1.0
        for row in self.rows:
            if row.officers < min_size or row.group == UNKNOWN:
                continue
            for value in row.disparity.values():
                if value is None:
                    continue
                if value == 0:
                    return math.inf
                worst = max(worst, value, 1 / value)
        return worst

    def as_dict(self) -> dict[str, object]:
        return {
            "grouping": self.grouping,
            "reference_group": self.reference_group,
            "max_disparity": _round(self.max_disparity()),
            "groups": [
                {
                    "group": r.group,
                    "officers": r.officers,
                    "flagged": r.flagged,
                    "adverse": r.adverse,
                    "true_positives": r.true_positives,
                    **{k: _round(v) for k, v in r.metrics.items()},
                    **{f"{k}_disparity": _round(v) for k, v in r.disparity.items()},
                }
                for r in self.rows
            ],
        }


def _round(value: float | None) -> float | None:
    if value is None or math.isinf(value):
        return value
    return round(value, 4)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def age_band(birth_year: int | None, as_of: dt.date) -> str:
    if birth_year is None:
        return "unknown"
    age = as_of.year - birth_year
    if age < 30:
        return "under 30"
    if age < 40:
        return "30-39"
    if age < 50:
        return "40-49"
    return "50 and over"


def flag_top(scores: pl.DataFrame, share: float) -> pl.DataFrame:
    """``officer_id, flagged``: the top ``share`` by score (ties by officer id, deterministic)."""
    if not 0 < share <= 1:
        raise InvalidInput(f"the flagged share must be in (0, 1], not {share}")
    k = math.ceil(share * scores.height)
    ranked = scores.sort(["score", "officer_id"], descending=[True, False]).with_row_index("rank")
    return ranked.select("officer_id", (pl.col("rank") < k).alias("flagged"))


def audit(
    flagged: pl.DataFrame,
    outcomes: pl.DataFrame,
    officers: pl.DataFrame,
    grouping: str,
    as_of: dt.date | None = None,
) -> FairnessTable:
    """``flagged``: officer_id, flagged (bool); ``outcomes``: officer_id, adverse (0/1);
    ``officers``: officer_id and the grouping column (birth_year for ``age_band``)."""
    if grouping not in GROUPINGS:
        raise InvalidInput(f"--group must be one of {', '.join(GROUPINGS)}, not {grouping!r}")
    if grouping == "age_band":
        when = as_of or dt.date.today()
        officers = officers.with_columns(
            pl.col("birth_year")
            .map_elements(lambda y: age_band(y, when), return_dtype=pl.String)
            .alias("age_band")
        )
    elif grouping not in officers.columns:
        raise InvalidInput(f"the officers file has no {grouping} column")
    frame = (
        flagged.join(outcomes.select("officer_id", "adverse"), on="officer_id", how="inner")
        .join(officers.select("officer_id", grouping), on="officer_id", how="left")
        .with_columns(pl.col(grouping).fill_null("unknown").replace("", "unknown").alias("group"))
    )
    if frame.is_empty():
        raise InvalidInput("no officer appears in both the scores and the outcomes")
    counts = (
        frame.group_by("group")
        .agg(
            pl.len().alias("n"),
            pl.col("flagged").sum().alias("flagged"),
            (pl.col("adverse") > 0).sum().alias("adverse"),
            (pl.col("flagged") & (pl.col("adverse") > 0)).sum().alias("tp"),
        )
        .sort(["n", "group"], descending=[True, False])
    )
    raw: list[tuple[str, int, int, int, int, dict[str, float | None]]] = []
    for row in counts.iter_rows(named=True):
        n, f, a, tp = int(row["n"]), int(row["flagged"]), int(row["adverse"]), int(row["tp"])
        metrics = {
            "flag_rate": _ratio(f, n),
            "precision": _ratio(tp, f),
            "fpr": _ratio(f - tp, n - a),
            "fnr": _ratio(a - tp, a),
        }
        raw.append((str(row["group"]), n, f, a, tp, metrics))
    reference = raw[0]
    rows = []
    for group, n, f, a, tp, metrics in raw:
        disparity: dict[str, float | None] = {}
        for metric in METRICS:
            mine, theirs = metrics[metric], reference[5][metric]
            if mine is None or theirs is None or theirs == 0:
                disparity[metric] = None
            else:
                disparity[metric] = mine / theirs
        rows.append(GroupRow(group, n, f, a, tp, metrics, disparity))
    return FairnessTable(grouping, reference[0], rows)
