"""Settings for the typology scan, kept apart from the detectors (as Splink keeps settings apart).

Windows are ``timedelta``; the transfer frame's ``time`` column is in seconds, so a
step-numbered simulator file read with one step = one day works with the same defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

# Large cash transactions must be reported above these amounts (per currency);
# structuring is splitting deposits to stay just under them.
DEFAULT_REPORTING_THRESHOLDS: dict[str, float] = {
    "USD": 10_000.0,
    "EUR": 10_000.0,
    "KES": 1_000_000.0,
    "UGX": 20_000_000.0,
    "TZS": 10_000_000.0,
}

# How much each typology says about an account on its own; the account score
# combines them as independent evidence: 1 - Π(1 - weight).
TYPOLOGY_WEIGHTS: dict[str, float] = {
    "split_payments": 0.6,
    "structuring": 0.7,
    "fan_in": 0.5,
    "fan_out": 0.5,
    "cycle": 0.7,
    "scatter_gather": 0.6,
    "gather_scatter": 0.5,
    "rapid_pass_through": 0.4,
    "peel_chain": 0.6,
}


@dataclass(frozen=True)
class TypologyConfig:
    # split payments: one payment cut into several near-equal transfers between
    # the same two accounts inside one window (smurfing)
    split_min_parts: int = 3
    split_window: timedelta = timedelta(days=1)
    similar_amount_ratio: float = 1.5  # largest / smallest amount still "similar"

    # structuring: deposits within `structuring_margin` below a reporting threshold
    reporting_thresholds: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_REPORTING_THRESHOLDS)
    )
    structuring_margin: float = 0.1
    structuring_min_count: int = 2
    structuring_window: timedelta = timedelta(days=7)

    # fan-in / fan-out: many counterparties in a short window, far above the
    # account's usual rate, or several counterparties each sending split payments
    fan_window: timedelta = timedelta(days=1)
    fan_min_counterparties: int = 10
    fan_baseline_factor: float = 3.0
    structured_fan_window: timedelta = timedelta(days=180)
    structured_fan_min_counterparties: int = 2

    # cycles: money returning to where it started along time-ordered transfers,
    # each hop keeping most of the amount
    cycle_max_length: int = 5
    cycle_window: timedelta = timedelta(days=30)
    cycle_min_kept: float = 0.7  # next hop amount ≥ this × previous hop amount
    cycle_max_degree: int = 200  # accounts busier than this are treated as hubs, not mules

    # scatter-gather / gather-scatter through intermediaries
    scatter_min_intermediaries: int = 3
    scatter_window: timedelta = timedelta(days=7)
    gather_scatter_min_each_side: int = 5
    intermediary_max_degree: int = 50

    # rapid pass-through: money in and (almost all of it) out again quickly
    pass_through_window: timedelta = timedelta(hours=6)
    pass_through_max_retention: float = 0.1
    pass_through_min_events: int = 3

    # peel chains (crypto): a chain of hops, each sending most onward and peeling a little off
    peel_min_hops: int = 3
    peel_max_share: float = 0.2  # the peeled-off part is at most this share of the hop
    peel_window: timedelta = timedelta(days=7)

    weights: dict[str, float] = field(default_factory=lambda: dict(TYPOLOGY_WEIGHTS))
