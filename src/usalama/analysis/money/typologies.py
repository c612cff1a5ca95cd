"""Laundering typologies over a transfer frame, each with its evidence (the triggering transfers).

``scan_typologies`` runs every detector and returns:

* ``accounts``: one row per flagged account — ``account``, ``typologies`` (sorted list), ``score``;
* ``evidence``: one row per (typology, account, transfer) — ``transfer`` is the row number in the
  input frame, so a caller can cut the evidence subgraph out of its own data.

Detectors here look at one account's own traffic (split payments, structuring, fan-in/out);
those following money across accounts live in ``typology_flows``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from usalama.analysis.money.transfers import validate_transfers
from usalama.analysis.money.typology_config import TypologyConfig
from usalama.analysis.money.typology_flows import (
    detect_cycles,
    detect_gather_scatter,
    detect_peel_chains,
    detect_rapid_pass_through,
    detect_scatter_gather,
)

EVIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "typology": pl.Utf8(),
    "account": pl.UInt32(),  # integer account id inside the scan, the account text outside
    "transfer": pl.Int64(),
}


@dataclass(frozen=True)
class TypologyReport:
    accounts: pl.DataFrame  # account, typologies, score — flagged accounts only, best first
    evidence: pl.DataFrame  # typology, account, transfer

    def evidence_for(self, account: str) -> pl.DataFrame:
        return self.evidence.filter(pl.col("account") == account)


def scan_typologies(
    transfers: pl.DataFrame, config: TypologyConfig | None = None
) -> TypologyReport:
    """Run every typology detector and score the flagged accounts."""
    config = config or TypologyConfig()
    validated = validate_transfers(transfers)
    # integer account ids make every join and group-by below several times faster than strings
    names = pl.concat([validated["source"], validated["target"]]).unique(maintain_order=True)
    accounts = pl.Enum(names)
    frame = validated.with_row_index("transfer").with_columns(
        pl.col("transfer").cast(pl.Int64),
        pl.col("source").cast(accounts).to_physical().cast(pl.UInt32),
        pl.col("target").cast(accounts).to_physical().cast(pl.UInt32),
    )
    split_groups = split_payment_groups(frame, config)
    parts = [
        evidence_of_groups(split_groups, "split_payments"),
        detect_structuring(frame, config),
        detect_fan(frame, config, "fan_in"),
        detect_fan(frame, config, "fan_out"),
        detect_structured_fan(frame, split_groups, config, "fan_in"),
        detect_structured_fan(frame, split_groups, config, "fan_out"),
        detect_cycles(frame, config),
        detect_scatter_gather(frame, config),
        detect_gather_scatter(frame, config),
        detect_rapid_pass_through(frame, config),
        detect_peel_chains(frame, config),
    ]
    evidence = pl.concat([part.select(list(EVIDENCE_SCHEMA)) for part in parts]).unique()
    # an Enum's physical id is the position of its category in ``names``
    evidence = evidence.with_columns(names.gather(evidence["account"]).alias("account"))
    return TypologyReport(
        accounts=score_accounts(evidence, config),
        evidence=evidence.sort(["account", "typology", "transfer"]),
    )


def score_accounts(evidence: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Combine an account's typologies as independent evidence: score = 1 - Π(1 - weight)."""
    if evidence.is_empty():
        return pl.DataFrame(
            schema={"account": pl.Utf8, "typologies": pl.List(pl.Utf8), "score": pl.Float64}
        )
    weights = pl.DataFrame(
        {"typology": list(config.weights), "weight": list(config.weights.values())}
    )
    per_account = (
        evidence.select("account", "typology")
        .unique()
        .join(weights, on="typology", how="left")
        .with_columns(pl.col("weight").fill_null(0.5))
        .group_by("account")
        .agg(
            pl.col("typology").sort().alias("typologies"),
            (1.0 - (1.0 - pl.col("weight")).product()).round(4).alias("score"),
        )
    )
    return per_account.sort(["score", "account"], descending=[True, False])


def time_bucket(window_seconds: float) -> pl.Expr:
    # fixed buckets keep every detector a group-by (linear), at the cost of
    # splitting a burst that straddles a bucket edge
    return (pl.col("time") / window_seconds).floor().cast(pl.Int64)


def split_payment_groups(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Same payer, same payee, same window, several near-equal amounts: one payment cut up."""
    window = config.split_window.total_seconds()
    return (
        frame.filter(pl.col("amount") > 0)
        .with_columns(bucket=time_bucket(window))
        .group_by("source", "target", "bucket")
        .agg(
            pl.len().alias("parts"),
            (pl.col("amount").max() / pl.col("amount").min()).alias("spread"),
            pl.col("amount").min().alias("low"),
            pl.col("amount").max().alias("high"),
            pl.col("transfer"),
            pl.col("time").min().alias("time"),
        )
        .filter(
            (pl.col("parts") >= config.split_min_parts)
            & (pl.col("spread") <= config.similar_amount_ratio)
        )
    )


def evidence_of_groups(groups: pl.DataFrame, typology: str) -> pl.DataFrame:
    """Both ends of each group are involved; evidence is every transfer of the group."""
    exploded = groups.select("source", "target", "transfer").explode("transfer")
    return pl.concat(
        [
            exploded.select(
                pl.lit(typology).alias("typology"), pl.col("source").alias("account"), "transfer"
            ),
            exploded.select(
                pl.lit(typology).alias("typology"), pl.col("target").alias("account"), "transfer"
            ),
        ]
    )


def detect_structuring(frame: pl.DataFrame, config: TypologyConfig) -> pl.DataFrame:
    """Several transfers just under the reporting threshold of their currency, in one window."""
    if not config.reporting_thresholds:
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    thresholds = pl.DataFrame(
        {
            "currency": list(config.reporting_thresholds),
            "threshold": list(config.reporting_thresholds.values()),
        }
    )
    near = frame.join(thresholds, on="currency", how="inner").filter(
        (pl.col("amount") < pl.col("threshold"))
        & (pl.col("amount") >= pl.col("threshold") * (1.0 - config.structuring_margin))
    )
    if near.is_empty():
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    near = near.with_columns(bucket=time_bucket(config.structuring_window.total_seconds()))
    found = []
    for side in ("target", "source"):  # the depositor's account and the account paid into
        found.append(
            near.with_columns(pl.len().over(side, "bucket").alias("count"))
            .filter(pl.col("count") >= config.structuring_min_count)
            .select(
                pl.lit("structuring").alias("typology"), pl.col(side).alias("account"), "transfer"
            )
        )
    return pl.concat(found)


def detect_fan(frame: pl.DataFrame, config: TypologyConfig, typology: str) -> pl.DataFrame:
    """Many distinct counterparties in one short window, far above the account's usual rate.

    Comparing with the account's own median per active window keeps payment
    hubs (steadily busy) out, and catches a quiet account that suddenly collects.
    """
    hub, other = ("target", "source") if typology == "fan_in" else ("source", "target")
    windows = (
        frame.with_columns(bucket=time_bucket(config.fan_window.total_seconds()))
        .group_by(hub, "bucket")
        .agg(pl.col(other).n_unique().alias("counterparties"), pl.col("transfer"))
        .with_columns(pl.col("counterparties").median().over(hub).alias("usual"))
    )
    flagged = windows.filter(
        (pl.col("counterparties") >= config.fan_min_counterparties)
        & (pl.col("counterparties") >= config.fan_baseline_factor * pl.col("usual"))
    )
    return flagged.select(
        pl.lit(typology).alias("typology"), pl.col(hub).alias("account"), "transfer"
    ).explode("transfer")


def detect_structured_fan(
    frame: pl.DataFrame, split_groups: pl.DataFrame, config: TypologyConfig, typology: str
) -> pl.DataFrame:
    """Several counterparties paying one account in split payments (smurfs feeding a collector).

    Members are the collector, the smurfs, and any other counterparty that paid the
    collector an amount inside the smurfs' amount band in the same period (a smurf
    whose one transfer was not split is still a smurf).
    """
    hub, other = ("target", "source") if typology == "fan_in" else ("source", "target")
    window = config.structured_fan_window.total_seconds()
    if split_groups.is_empty():
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    widen = config.similar_amount_ratio**0.5
    collectors = (
        split_groups.with_columns(period=(pl.col("time") / window).floor().cast(pl.Int64))
        .group_by(hub, "period")
        .agg(
            pl.col(other).n_unique().alias("counterparties"),
            (pl.col("low").min() / widen).alias("band_low"),
            (pl.col("high").max() * widen).alias("band_high"),
        )
        .filter(pl.col("counterparties") >= config.structured_fan_min_counterparties)
        .drop("counterparties")
    )
    if collectors.is_empty():
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    in_band = (
        frame.with_columns(period=time_bucket(window))
        .join(collectors, on=[hub, "period"], how="inner")
        .filter(pl.col("amount").is_between(pl.col("band_low"), pl.col("band_high")))
    )
    return pl.concat(
        [
            in_band.select(
                pl.lit(typology).alias("typology"), pl.col(hub).alias("account"), "transfer"
            ),
            in_band.select(
                pl.lit(typology).alias("typology"), pl.col(other).alias("account"), "transfer"
            ),
        ]
    )
