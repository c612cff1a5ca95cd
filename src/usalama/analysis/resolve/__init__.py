"""Entity resolution engine: who in these records is the same person (Splink underneath).

Typical use, on a standard frame (see ``schema.STANDARD_FIELDS``)::

    prepared = prepare_records(frame)
    model = train_model(prepared)                       # EM + u sampling, fixed seed
    pairs = predict_pairs(model, threshold=0.5)         # with per-comparison weights
    clusters = cluster(pairs, prepared["record_id"], threshold=DEFAULT_THRESHOLD)
    why = explain_pair(model, "A-1", "B-7")             # waterfall of match weights

Companies and organisations: ``prepare_records(frame, family="organization")`` and
``train_model(prepared, family="organization")`` (legal forms ignored, no initials).
Accounts and wallets link on exact identifiers: ``identifier_pairs(frame)``.

No Django here: frames in, frames and dataclasses out.
"""

from __future__ import annotations

from usalama.analysis.resolve.evaluate import PairwiseScore, score_clusters, score_pairs
from usalama.analysis.resolve.explain import ComparisonStep, PairExplanation, explain_pair
from usalama.analysis.resolve.identifiers import identifier_pairs
from usalama.analysis.resolve.model import LinkType, ResolutionModel, duckdb_backend, train_model
from usalama.analysis.resolve.org_names import org_canonical_name
from usalama.analysis.resolve.pairs import (
    DEFAULT_THRESHOLD,
    apply_judgements,
    cluster,
    one_to_one,
    predict_pairs,
)
from usalama.analysis.resolve.prepare import Family, prepare_records
from usalama.analysis.resolve.schema import STANDARD_FIELDS

__all__ = [
    "DEFAULT_THRESHOLD",
    "STANDARD_FIELDS",
    "ComparisonStep",
    "Family",
    "LinkType",
    "PairExplanation",
    "PairwiseScore",
    "ResolutionModel",
    "apply_judgements",
    "cluster",
    "duckdb_backend",
    "explain_pair",
    "identifier_pairs",
    "one_to_one",
    "org_canonical_name",
    "predict_pairs",
    "prepare_records",
    "score_clusters",
    "score_pairs",
    "train_model",
]
