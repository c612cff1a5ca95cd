"""The typology scan on Spark: ``typologies.scan_typologies``'s detectors and scoring.

Detectors that look at one account's own traffic are here; those that follow money across
accounts are in ``flows``. Each returns evidence rows ``typology, account, transfer``
(``transfer``: the row number in the input table), as the in-memory engine does.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as sf

from usalama.analysis.money.spark import flows
from usalama.analysis.money.typology_config import TypologyConfig


@dataclass(frozen=True)
class SparkTypologyReport:
    accounts: DataFrame  # account, typologies (sorted), score
    evidence: DataFrame  # typology, account, transfer

    def collect(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Both tables as Polars frames, ordered as the in-memory report's."""
        accounts = pl.from_arrow(self.accounts.toArrow())
        evidence = pl.from_arrow(self.evidence.toArrow())
        assert isinstance(accounts, pl.DataFrame) and isinstance(evidence, pl.DataFrame)
        return (
            accounts.sort(["score", "account"], descending=[True, False]),
            evidence.sort(["account", "typology", "transfer"]),
        )


def scan_typologies_spark(
    transfers: DataFrame, config: TypologyConfig | None = None
) -> SparkTypologyReport:
    """Every detector over ``transfers`` (see ``tables.read_transfers_parquet``)."""
    config = config or TypologyConfig()
    frame = transfers.select(
        "transfer", "source", "target", "amount", "currency", "time", "channel"
    ).persist()
    split_groups = split_payment_groups(frame, config).persist()
    parts = [
        evidence_of_groups(split_groups, "split_payments"),
        detect_structuring(frame, config),
        detect_fan(frame, config, "fan_in"),
        detect_fan(frame, config, "fan_out"),
        detect_structured_fan(frame, split_groups, config, "fan_in"),
        detect_structured_fan(frame, split_groups, config, "fan_out"),
        flows.detect_cycles(frame, config),
        flows.detect_scatter_gather(frame, config),
        flows.detect_gather_scatter(frame, config),
        flows.detect_rapid_pass_through(frame, config),
        flows.detect_peel_chains(frame, config),
    ]
    evidence = parts[0]
    for part in parts[1:]:
        evidence = evidence.unionByName(part)
    evidence = evidence.distinct().persist()
    return SparkTypologyReport(accounts=score_accounts(evidence, config), evidence=evidence)


def score_accounts(evidence: DataFrame, config: TypologyConfig) -> DataFrame:
    """score = 1 - Π(1 - weight) over an account's typologies, rounded as in memory."""

    spark = evidence.sparkSession
    weights = spark.createDataFrame(
        [(name, float(weight)) for name, weight in config.weights.items()],
        "typology string, weight double",
    )
    per_typology = (
        evidence.select("account", "typology")
        .distinct()
        .join(sf.broadcast(weights), "typology", "left")
        .withColumn("weight", sf.coalesce("weight", sf.lit(0.5)))
    )
    kept = sf.aggregate(
        sf.collect_list(1.0 - sf.col("weight")), sf.lit(1.0), lambda acc, x: acc * x
    )
    return per_typology.groupBy("account").agg(
        sf.array_sort(sf.collect_list("typology")).alias("typologies"),
        sf.round(1.0 - kept, 4).alias("score"),
    )


def time_bucket(window_seconds: float, column: str = "time") -> Column:

    return sf.floor(sf.col(column) / window_seconds).cast("long")


def evidence(typology: str, account: str | Column, transfer: str | Column) -> list[Column]:
    """The three evidence columns, named."""

    account_col = sf.col(account) if isinstance(account, str) else account
    transfer_col = sf.col(transfer) if isinstance(transfer, str) else transfer
    return [
        sf.lit(typology).alias("typology"),
        account_col.alias("account"),
        transfer_col.alias("transfer"),
    ]


def split_payment_groups(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    window = config.split_window.total_seconds()
    return (
        frame.where(sf.col("amount") > 0)
        .withColumn("bucket", time_bucket(window))
        .groupBy("source", "target", "bucket")
        .agg(
            sf.count("*").alias("parts"),
            (sf.max("amount") / sf.min("amount")).alias("spread"),
            sf.min("amount").alias("low"),
            sf.max("amount").alias("high"),
            sf.collect_list("transfer").alias("transfers"),
            sf.min("time").alias("time"),
        )
        .where(
            (sf.col("parts") >= config.split_min_parts)
            & (sf.col("spread") <= config.similar_amount_ratio)
        )
    )


def evidence_of_groups(groups: DataFrame, typology: str) -> DataFrame:

    exploded = groups.select("source", "target", sf.explode("transfers").alias("transfer"))
    return exploded.select(*evidence(typology, "source", "transfer")).unionByName(
        exploded.select(*evidence(typology, "target", "transfer"))
    )


def detect_structuring(frame: DataFrame, config: TypologyConfig) -> DataFrame:

    if not config.reporting_thresholds:
        return flows.empty_evidence(frame.sparkSession)
    thresholds = frame.sparkSession.createDataFrame(
        [(c, float(t)) for c, t in config.reporting_thresholds.items()],
        "currency string, threshold double",
    )
    near = (
        frame.join(sf.broadcast(thresholds), "currency")
        .where(
            (sf.col("amount") < sf.col("threshold"))
            & (sf.col("amount") >= sf.col("threshold") * (1.0 - config.structuring_margin))
        )
        .withColumn("bucket", time_bucket(config.structuring_window.total_seconds()))
    )
    found = []
    for side in ("target", "source"):
        counted = near.withColumn("count", sf.count("*").over(Window.partitionBy(side, "bucket")))
        found.append(
            counted.where(sf.col("count") >= config.structuring_min_count).select(
                *evidence("structuring", side, "transfer")
            )
        )
    return found[0].unionByName(found[1])


def _hub_and_other(typology: str) -> tuple[str, str]:
    return ("target", "source") if typology == "fan_in" else ("source", "target")


def detect_fan(frame: DataFrame, config: TypologyConfig, typology: str) -> DataFrame:

    hub, other = _hub_and_other(typology)
    windows = (
        frame.withColumn("bucket", time_bucket(config.fan_window.total_seconds()))
        .groupBy(hub, "bucket")
        .agg(
            sf.countDistinct(other).alias("counterparties"),
            sf.collect_list("transfer").alias("transfers"),
        )
        # exact median (the mean of the two middle values), as Polars computes it
        .withColumn(
            "usual", sf.percentile(sf.col("counterparties"), 0.5).over(Window.partitionBy(hub))
        )
    )
    flagged = windows.where(
        (sf.col("counterparties") >= config.fan_min_counterparties)
        & (sf.col("counterparties") >= config.fan_baseline_factor * sf.col("usual"))
    )
    return flagged.select(*evidence(typology, hub, sf.explode("transfers")))


def detect_structured_fan(
    frame: DataFrame, split_groups: DataFrame, config: TypologyConfig, typology: str
) -> DataFrame:

    hub, other = _hub_and_other(typology)
    window = config.structured_fan_window.total_seconds()
    widen = config.similar_amount_ratio**0.5
    collectors = (
        split_groups.withColumn("period", time_bucket(window))
        .groupBy(hub, "period")
        .agg(
            sf.countDistinct(other).alias("counterparties"),
            (sf.min("low") / widen).alias("band_low"),
            (sf.max("high") * widen).alias("band_high"),
        )
        .where(sf.col("counterparties") >= config.structured_fan_min_counterparties)
        .drop("counterparties")
    )
    in_band = (
        frame.withColumn("period", time_bucket(window))
        .join(collectors, [hub, "period"])
        .where(sf.col("amount").between(sf.col("band_low"), sf.col("band_high")))
    )
    return in_band.select(*evidence(typology, hub, "transfer")).unionByName(
        in_band.select(*evidence(typology, other, "transfer"))
    )
