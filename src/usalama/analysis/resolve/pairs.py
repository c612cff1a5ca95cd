"""Scored candidate pairs: prediction, analyst overrides, one-to-one links and clusters."""

from __future__ import annotations

import numpy as np
import polars as pl

from usalama.analysis.resolve.model import ResolutionModel, match_weight_to_probability

# Default acceptance threshold on match probability. Chosen on FEBRL and the synthetic
# cross-agency set: precision and recall are both flat between about 0.5 and 0.97, so
# the middle of that plateau is robust to a different prior.
DEFAULT_THRESHOLD = 0.9

PAIR_KEY_COLUMNS = ("left_id", "right_id", "left_source", "right_source")


def predict_pairs(model: ResolutionModel, threshold: float = 0.0) -> pl.DataFrame:
    """Score every blocked candidate pair at or above ``threshold`` match probability.

    Columns: ``left_id, right_id, left_source, right_source, match_probability,
    match_weight``, then per comparison ``weight_<name>`` (its log2 Bayes factor:
    positive raised the score, negative lowered it — the bars of a waterfall) and
    ``level_<name>`` (which comparison level the pair fell into; -1 = value missing).
    Comparisons with term-frequency adjustment (name) add ``weight_<name>_term_frequency``.
    ``match_weight`` = prior weight + the sum of all ``weight_*`` columns.
    """
    predictions = model.linker.inference.predict(
        threshold_match_probability=threshold if threshold > 0 else None, warning_mode="never"
    )
    select = [
        "cast(record_id_l as varchar) as left_id",
        "cast(record_id_r as varchar) as right_id",
        "source_l as left_source",
        "source_r as right_source",
        "match_probability",
        "match_weight",
    ]
    for name in model.comparison_names:
        # Splink's mw_ columns are log2 Bayes factors: additive, so a UI can stack them
        select.append(f"mw_{name} as weight_{name}")
    for comparison in model.linker._settings_obj.comparisons:
        if comparison._has_tf_adjustments:
            # how common the agreeing value is ("John Kamau" vs "Lemayian Sapit"): its own
            # bar, so the level's base weight still identifies the level
            select.append(
                f"coalesce({comparison._mw_tf_adj_column_name}, 0) "
                f"as weight_{comparison.output_column_name}_term_frequency"
            )
    # only our own column names are interpolated, never user data
    sql = f"select {', '.join(select)} from {{this}}"  # noqa: S608
    selected = predictions.query_sql(sql)
    pairs = pl.from_arrow(selected.as_pyarrow_table())  # type: ignore[no-untyped-call]
    selected.drop_table_from_database_and_remove_from_cache()
    predictions.drop_table_from_database_and_remove_from_cache()
    assert isinstance(pairs, pl.DataFrame)
    pairs = _attach_levels(model, pairs)
    dedupe = model.link_type == "dedupe_only"
    if dedupe:
        pairs = _order_pair(pairs)
    if model.judgements is not None:
        pairs = apply_judgements(pairs, model.judgements, ordered=dedupe)
    return pairs.sort("match_probability", "left_id", "right_id", descending=[True, False, False])


def _level_weights(model: ResolutionModel) -> dict[str, list[tuple[int, float]]]:
    """(level, weight) per comparison, from the trained parameters."""
    table: dict[str, list[tuple[int, float]]] = {}
    for comparison in model.linker._settings_obj.comparisons:
        table[comparison.output_column_name] = [
            (
                level.comparison_vector_value,
                0.0 if level.is_null_level else level._log2_bayes_factor,
            )
            for level in comparison.comparison_levels
        ]
    return table


def _attach_levels(model: ResolutionModel, pairs: pl.DataFrame) -> pl.DataFrame:
    """Recover each pair's comparison level from its weight.

    Splink only outputs levels (gamma columns) when it also keeps every compared value
    on every pair, which on national-scale runs costs gigabytes; each level has its own
    weight, so the weight identifies the level. Levels that share a weight are
    indistinguishable to the score anyway; the more specific one is reported.
    """
    columns = []
    for name, levels in _level_weights(model).items():
        expression = pl.lit(-1, dtype=pl.Int8)
        for level, weight in sorted(levels, key=lambda lw: lw[0]):
            # round: the weight went through SQL arithmetic and back
            matches = (pl.col(f"weight_{name}") - weight).abs() < 1e-6
            expression = pl.when(matches).then(pl.lit(level, dtype=pl.Int8)).otherwise(expression)
        columns.append(expression.alias(f"level_{name}"))
    return pairs.with_columns(columns)


def _order_pair(pairs: pl.DataFrame) -> pl.DataFrame:
    """Dedupe pairs come out in Splink's order; make ``left_id < right_id`` always hold."""
    swap = pl.col("left_id") > pl.col("right_id")
    return pairs.with_columns(
        left_id=pl.when(swap).then(pl.col("right_id")).otherwise(pl.col("left_id")),
        right_id=pl.when(swap).then(pl.col("left_id")).otherwise(pl.col("right_id")),
        left_source=pl.when(swap).then(pl.col("right_source")).otherwise(pl.col("left_source")),
        right_source=pl.when(swap).then(pl.col("left_source")).otherwise(pl.col("right_source")),
    )


def apply_judgements(
    pairs: pl.DataFrame, judgements: pl.DataFrame, *, ordered: bool = True
) -> pl.DataFrame:
    """Analysts outrank the model: judged-same pairs score 1, judged-different 0.

    Judged-same pairs the blocking missed are added, so a judgement always takes effect.
    ``ordered``: pairs are unordered (dedupe), so put each judgement's smaller id left.
    """
    left = pl.min_horizontal("left_id", "right_id") if ordered else pl.col("left_id")
    right = pl.max_horizontal("left_id", "right_id") if ordered else pl.col("right_id")
    ordered_judgements = judgements.select(
        left.alias("left_id"), right.alias("right_id"), pl.col("is_match").alias("judged_match")
    ).unique(["left_id", "right_id"], keep="last")
    merged = pairs.join(ordered_judgements, on=["left_id", "right_id"], how="full", coalesce=True)
    judged = pl.col("judged_match")
    return (
        merged.with_columns(
            match_probability=pl.when(judged.is_null())
            .then(pl.col("match_probability"))
            .otherwise(judged.cast(pl.Float64)),
            left_source=pl.col("left_source").fill_null(""),
            right_source=pl.col("right_source").fill_null(""),
        )
        .with_columns(
            match_weight=pl.when(judged.is_null())
            .then(pl.col("match_weight"))
            .when(judged)
            .then(pl.lit(float("inf")))
            .otherwise(pl.lit(float("-inf")))
        )
        .filter(pl.col("match_probability") > 0)
        .drop("judged_match")
    )


def one_to_one(pairs: pl.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """Keep each record in at most one accepted pair, best scores first (greedy).

    For linking two registers that are each free of duplicates, a left record has at most
    one true partner on the right; greedy best-first assignment removes the weaker of two
    competing links, which is where most false links between near-twins come from.
    """
    accepted = pairs.filter(pl.col("match_probability") >= threshold).sort(
        "match_probability", "left_id", "right_id", descending=[True, False, False]
    )
    used_left: set[str] = set()
    used_right: set[str] = set()
    keep: list[bool] = []
    for left, right in zip(accepted["left_id"], accepted["right_id"], strict=True):
        ok = left not in used_left and right not in used_right
        keep.append(ok)
        if ok:
            used_left.add(left)
            used_right.add(right)
    return accepted.filter(pl.Series(keep, dtype=pl.Boolean))


def cluster(
    pairs: pl.DataFrame, ids: pl.Series | list[str], threshold: float = DEFAULT_THRESHOLD
) -> pl.DataFrame:
    """Connected components over pairs at or above ``threshold``.

    Returns ``record_id, cluster_id`` for every id in ``ids`` (singletons included);
    a cluster is named after its smallest record id, so reruns give stable names.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    id_series = pl.Series("record_id", ids, dtype=pl.String).unique(maintain_order=True)
    index = pl.DataFrame(
        {"record_id": id_series, "node": np.arange(id_series.len(), dtype=np.int64)}
    )
    edges = pairs.filter(pl.col("match_probability") >= threshold).select("left_id", "right_id")
    edges = edges.join(index.rename({"record_id": "left_id", "node": "a"}), on="left_id").join(
        index.rename({"record_id": "right_id", "node": "b"}), on="right_id"
    )
    size = id_series.len()
    graph = coo_matrix(
        (np.ones(edges.height, dtype=np.int8), (edges["a"].to_numpy(), edges["b"].to_numpy())),
        shape=(size, size),
    )
    _, labels = connected_components(graph, directed=False)
    clustered = index.with_columns(component=pl.Series(labels))
    names = clustered.group_by("component").agg(pl.col("record_id").min().alias("cluster_id"))
    return clustered.join(names, on="component").sort("node").select("record_id", "cluster_id")


__all__ = [
    "DEFAULT_THRESHOLD",
    "apply_judgements",
    "cluster",
    "match_weight_to_probability",
    "one_to_one",
    "predict_pairs",
]
