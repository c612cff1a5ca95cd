"""Pairwise precision, recall and F1 against known truth (benchmarks, tests, tuning)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        return f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}"


def _normalise(pairs: pl.DataFrame, unordered: bool) -> pl.DataFrame:
    a, b = pairs.columns[:2]
    frame = pairs.select(pl.col(a).cast(pl.String).alias("a"), pl.col(b).cast(pl.String).alias("b"))
    if unordered:
        frame = frame.select(
            pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b")
        )
    return frame.filter(pl.col("a") != pl.col("b")).unique()


def score_pairs(
    found: pl.DataFrame, truth: pl.DataFrame, *, unordered: bool = True
) -> PairwiseScore:
    """Compare two pair lists (first two columns of each are the ids)."""
    found_n = _normalise(found, unordered)
    truth_n = _normalise(truth, unordered)
    tp = found_n.join(truth_n, on=["a", "b"], how="inner").height
    return PairwiseScore(tp, found_n.height - tp, truth_n.height - tp)


def cluster_pairs(
    clusters: pl.DataFrame, id_column: str = "record_id", cluster_column: str = "cluster_id"
) -> pl.DataFrame:
    """Every within-cluster pair (smaller id left); memory grows with cluster size squared."""
    members = clusters.select(
        pl.col(id_column).cast(pl.String).alias("id"), pl.col(cluster_column).alias("c")
    )
    multi = members.filter(pl.len().over("c") > 1)
    joined = multi.join(multi, on="c", suffix="_r").filter(pl.col("id") < pl.col("id_r"))
    return joined.select(pl.col("id").alias("left_id"), pl.col("id_r").alias("right_id"))


def score_clusters(found: pl.DataFrame, truth: pl.DataFrame) -> PairwiseScore:
    """Pairwise score of two clusterings, each ``record_id, cluster_id``."""
    return score_pairs(cluster_pairs(found), cluster_pairs(truth))
