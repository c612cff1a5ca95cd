"""Early intervention for police oversight: officer features known at a date, a gradient-boosting
risk model trained on earlier cut-offs with per-officer top factors, the threshold rules it must
beat, rolling backtests and an Aequitas-style fairness audit.

A flag is an offer of support and supervision, never a sanction.

No Django here: frames, arrays and dataclasses in, frames and dataclasses out.
"""

from usalama.analysis.oversight.backtest import (
    DEFAULT_SHARES,
    METHODS,
    BacktestResult,
    CutoffResult,
    backtest,
    caught_in_top,
    outcomes_at,
    share_label,
)
from usalama.analysis.oversight.data import (
    EisData,
    active_officers,
    adverse_events,
    finding_known,
    known_at,
    load,
)
from usalama.analysis.oversight.fairness import (
    GROUPINGS,
    METRICS,
    FairnessTable,
    GroupRow,
    age_band,
    audit,
    flag_top,
)
from usalama.analysis.oversight.features import feature_label, feature_names, features_at
from usalama.analysis.oversight.model import (
    MODEL_VERSION,
    RULES,
    EisModel,
    ModelSettings,
    Score,
    describe_factors,
    format_factors,
    score,
    train,
)

__all__ = [
    "DEFAULT_SHARES",
    "GROUPINGS",
    "METHODS",
    "METRICS",
    "MODEL_VERSION",
    "RULES",
    "BacktestResult",
    "CutoffResult",
    "EisData",
    "EisModel",
    "FairnessTable",
    "GroupRow",
    "ModelSettings",
    "Score",
    "active_officers",
    "adverse_events",
    "age_band",
    "audit",
    "backtest",
    "caught_in_top",
    "describe_factors",
    "feature_label",
    "feature_names",
    "features_at",
    "finding_known",
    "flag_top",
    "format_factors",
    "known_at",
    "load",
    "outcomes_at",
    "score",
    "share_label",
    "train",
]
