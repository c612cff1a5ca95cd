"""The early-intervention model: gradient boosting trained on earlier cut-offs, the threshold
rules it must beat, and the top factors behind each officer's score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from usalama.analysis.oversight.data import EisData, adverse_events
from usalama.analysis.oversight.features import (
    category_groups,
    feature_label,
    feature_names,
    features_at,
)
from usalama.core.errors import InvalidInput

MODEL_VERSION = "eis-hgb-1"
HORIZON_DAYS = 365
# The threshold rules departments use: rank by complaints in a window.
RULES = {"rule_12m": "alleg_1y", "rule_5y": "alleg_5y"}
TOP_FACTORS = 3
# One OpenMP thread: on a busy shared machine more threads spin-wait and run many times slower,
# and one thread gives the same scores everywhere.
THREADS = 1


@dataclass(frozen=True)
class ModelSettings:
    """Gradient-boosting settings and how many earlier cut-offs to learn from."""

    max_iter: int = 150
    learning_rate: float = 0.06
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 80
    l2_regularization: float = 1.0
    training_years: int = 6
    cutoffs_per_year: int = 1
    random_state: int = 0


@dataclass
class EisModel:
    """A trained model: the estimator, its feature order and where it was trained."""

    estimator: HistGradientBoostingClassifier
    features: list[str]
    groups: list[str]
    training_cutoffs: list[dt.date]
    training_rows: int
    positives: int
    version: str = MODEL_VERSION
    reference: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    officer_id: str
    score: float
    top_factors: list[tuple[str, float]]  # (feature name, value), strongest first


def training_cutoffs(as_of: dt.date, settings: ModelSettings, earliest: dt.date) -> list[dt.date]:
    """Cut-offs before ``as_of`` whose whole outcome year lies before it (no look-ahead)."""
    cutoffs = []
    step = 12 // settings.cutoffs_per_year
    for back in range(
        1, settings.training_years * settings.cutoffs_per_year + settings.cutoffs_per_year
    ):
        months = as_of.year * 12 + (as_of.month - 1) - back * step
        cutoff = dt.date(months // 12, months % 12 + 1, 1)
        if cutoff + dt.timedelta(days=HORIZON_DAYS) > as_of:
            continue
        if cutoff < earliest:
            break
        cutoffs.append(cutoff)
        if len(cutoffs) == settings.training_years * settings.cutoffs_per_year:
            break
    return sorted(cutoffs)


def labelled(
    data: EisData, cutoff: dt.date, groups: list[str], *, reconstruct: bool = True
) -> pl.DataFrame:
    """Features at ``cutoff`` and the label: an adverse event in the next year (as known)."""
    frame = features_at(data, cutoff, groups, reconstruct=reconstruct)
    events = adverse_events(data.complaints, cutoff, HORIZON_DAYS)
    return frame.join(events, on="officer_id", how="left").with_columns(
        (pl.col("adverse_events").fill_null(0) > 0).cast(pl.Int8).alias("adverse")
    )


def train(data: EisData, as_of: dt.date, settings: ModelSettings | None = None) -> EisModel:
    """Train on cut-offs before ``as_of`` using only rows dated before ``as_of``."""
    settings = settings or ModelSettings()
    past = data.complaints.filter(pl.col("complaint_date") < as_of)
    if past.is_empty():
        raise InvalidInput(f"no complaints before {as_of}: nothing to learn from")
    earliest = past["complaint_date"].min()
    assert isinstance(earliest, dt.date)
    # A cut-off needs a year of history behind it for the windows to mean something.
    cutoffs = training_cutoffs(as_of, settings, earliest + dt.timedelta(days=365))
    if not cutoffs:
        raise InvalidInput(f"the data before {as_of} does not cover a full training year")
    data = EisData(data.officers, past, data.force.filter(pl.col("date") < as_of), data.units)
    groups = category_groups(past)
    names = feature_names(groups)
    frames = [labelled(data, c, groups) for c in cutoffs]
    table = pl.concat(frames)
    x = table.select(names).to_numpy().astype(np.float64)
    y = table["adverse"].to_numpy()
    if y.sum() == 0:
        raise InvalidInput(f"no adverse events before {as_of}: nothing to learn from")
    estimator = HistGradientBoostingClassifier(
        max_iter=settings.max_iter,
        learning_rate=settings.learning_rate,
        max_leaf_nodes=settings.max_leaf_nodes,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
        random_state=settings.random_state,
    )
    with threadpool_limits(limits=THREADS):
        estimator.fit(x, y)
    reference = {name: float(np.median(x[:, i])) for i, name in enumerate(names)}
    return EisModel(estimator, names, groups, cutoffs, len(y), int(y.sum()), reference=reference)


def predict(model: EisModel, frame: pl.DataFrame) -> np.ndarray:
    x = frame.select(model.features).to_numpy().astype(np.float64)
    with threadpool_limits(limits=THREADS):
        return np.asarray(model.estimator.predict_proba(x)[:, 1], dtype=np.float64)


def explain(
    model: EisModel, frame: pl.DataFrame, scores: np.ndarray, top: int = TOP_FACTORS
) -> list[list[tuple[str, float]]]:
    """Per officer, the features that raise the score most over a typical officer's value.

    Occlusion: each feature in turn is set to the median officer's value; the drop in score is
    that feature's contribution. Only features that raise the score are named.
    """
    x = frame.select(model.features).to_numpy().astype(np.float64)
    deltas = np.zeros_like(x)
    with threadpool_limits(limits=THREADS):
        for i, name in enumerate(model.features):
            # Officers already at the reference value gain nothing from this feature.
            rows = np.flatnonzero(x[:, i] != model.reference[name])
            if rows.size == 0:
                continue
            changed = x[rows].copy()
            changed[:, i] = model.reference[name]
            deltas[rows, i] = scores[rows] - model.estimator.predict_proba(changed)[:, 1]
    order = np.argsort(-deltas, axis=1)[:, :top]
    factors: list[list[tuple[str, float]]] = []
    for row, columns in enumerate(order):
        factors.append(
            [(model.features[c], float(x[row, c])) for c in columns if deltas[row, c] > 1e-6]
        )
    return factors


def score(
    data: EisData,
    as_of: dt.date,
    settings: ModelSettings | None = None,
    *,
    model: EisModel | None = None,
    reconstruct: bool = False,
    with_factors: bool = True,
) -> tuple[EisModel, pl.DataFrame, list[Score]]:
    """Train (unless given a model) and score every officer active at ``as_of``.

    Returns the model, the feature frame and one ``Score`` per officer, highest first.
    """
    model = model or train(data, as_of, settings)
    frame = features_at(data, as_of, model.groups, reconstruct=reconstruct)
    scores = predict(model, frame)
    factors = explain(model, frame, scores) if with_factors else [[] for _ in scores]
    results = [
        Score(str(officer), float(s), f)
        for officer, s, f in zip(frame["officer_id"].to_list(), scores, factors, strict=True)
    ]
    results.sort(key=lambda item: (-item.score, item.officer_id))
    return model, frame, results


def format_factors(factors: list[tuple[str, float]]) -> str:
    """``alleg_1y=4; force_alleg_5y=6`` — stable, machine-readable names with their values."""
    return "; ".join(f"{name}={value:g}" for name, value in factors)


def describe_factors(factors: list[tuple[str, float]]) -> list[str]:
    """Human labels: ``allegations, last 12 months: 4``."""
    return [f"{feature_label(name)}: {value:g}" for name, value in factors]
