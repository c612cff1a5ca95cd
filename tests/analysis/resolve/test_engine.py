"""The engine on small frames: preparation, training, pairs, clusters, explanations."""

from __future__ import annotations

import math

import polars as pl
import pytest

from tests.spark.febrl import febrl, standard
from usalama.analysis.resolve import (
    ResolutionModel,
    apply_judgements,
    cluster,
    explain_pair,
    one_to_one,
    predict_pairs,
    prepare_records,
    score_clusters,
    train_model,
)
from usalama.analysis.resolve.prepare import normalise_date, normalise_phone
from usalama.core.errors import InvalidInput, NotFound


@pytest.fixture(scope="module")
def febrl1() -> pl.DataFrame:
    return prepare_records(standard(febrl("febrl1")))


@pytest.fixture(scope="module")
def model(febrl1: pl.DataFrame) -> ResolutionModel:
    return train_model(febrl1)


@pytest.fixture(scope="module")
def pairs(model: ResolutionModel) -> pl.DataFrame:
    return predict_pairs(model, threshold=0.01)


def test_prepare_normalises_kenyan_records() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["a", "b"],
            "full_name": ["Sheikh Mohammed Abdi Hassan", None],
            "given_name": [None, "Wanjiru"],
            "surname": [None, "Kamau"],
            "date_of_birth": ["07/03/1985", "1990-12-01"],
            "phone": ["0712 345 678", "+254 (0) 733-000111"],
            "national_id": ["0012345678", " 2345-678 "],
            "email": ["Mo.Hassan@Example.com", ""],
        }
    )
    prepared = prepare_records(frame).to_dicts()
    first, second = prepared
    assert first["name_canonical"] == "abdi hassan mohamed"
    assert first["dob"] == "1985-03-07"  # day first, as written in East Africa
    assert first["phone"] == "+254712345678"
    assert first["national_id"] == "12345678"
    assert first["email_user"] == "mo.hassan"
    assert second["name_canonical"] == "kamau wanjiru"
    assert second["national_id"] == "2345678"
    assert second["email"] is None
    assert second["phone"] == "+254733000111"


def test_normalisers() -> None:
    assert normalise_date("19560409") == "1956-04-09"
    assert normalise_date("19561309") == "1956-13-09"  # impossible but kept for typo matching
    assert normalise_date("1956/4/9") == "1956-04-09"
    assert normalise_date("yesterday") is None
    assert normalise_phone("0712345678") == "+254712345678"
    assert normalise_phone("+256 772 123456") == "+256772123456"
    assert normalise_phone("0772123456", "UG") == "+256772123456"


def test_prepare_rejects_bad_ids() -> None:
    with pytest.raises(InvalidInput, match="record_id"):
        prepare_records(pl.DataFrame({"name": ["x"]}))
    with pytest.raises(InvalidInput, match="duplicate"):
        prepare_records(pl.DataFrame({"record_id": ["1", "1"], "full_name": ["a", "b"]}))


def test_pairs_carry_per_comparison_weights(model: ResolutionModel, pairs: pl.DataFrame) -> None:
    weights = [c for c in pairs.columns if c.startswith("weight_")]
    levels = [c for c in pairs.columns if c.startswith("level_")]
    assert {"weight_name", "weight_date_of_birth", "weight_national_id"} <= set(weights)
    assert len(levels) == len([w for w in weights if not w.endswith("_term_frequency")])
    prior = model.linker._settings_obj._probability_two_random_records_match
    prior_weight = math.log2(prior / (1 - prior))
    sample = pairs.head(50)
    summed = sample.select(pl.sum_horizontal(weights) + prior_weight).to_series()
    assert (summed - sample["match_weight"]).abs().max() < 1e-6  # type: ignore[operator]
    assert (pairs["left_id"] < pairs["right_id"]).all()
    assert pairs.select(pl.col(levels).min()).min_horizontal()[0] >= -1


def test_dedupe_accuracy_on_febrl1(febrl1: pl.DataFrame, pairs: pl.DataFrame) -> None:
    clusters = cluster(pairs, febrl1["record_id"], 0.9)
    assert clusters.height == febrl1.height
    truth = febrl1.select(
        "record_id", pl.col("record_id").str.extract(r"rec-(\d+)-").alias("cluster_id")
    )
    assert score_clusters(clusters, truth).f1 >= 0.99


def test_cluster_names_are_stable_and_include_singletons() -> None:
    pairs = pl.DataFrame(
        {
            "left_id": ["b", "c", "x"],
            "right_id": ["c", "d", "y"],
            "match_probability": [0.99, 0.95, 0.2],
        }
    )
    clusters = cluster(pairs, ["d", "c", "b", "x", "y"], 0.9)
    assert dict(clusters.iter_rows()) == {"d": "b", "c": "b", "b": "b", "x": "x", "y": "y"}


def test_one_to_one_keeps_best_link() -> None:
    pairs = pl.DataFrame(
        {
            "left_id": ["a", "a", "b", "c"],
            "right_id": ["1", "2", "1", "3"],
            "match_probability": [0.99, 0.95, 0.97, 0.5],
        }
    )
    kept = one_to_one(pairs, 0.9)
    assert sorted(kept.select("left_id", "right_id").iter_rows()) == [("a", "1")]


def test_judgements_override_the_model(pairs: pl.DataFrame) -> None:
    best = pairs.row(0, named=True)
    judgements = pl.DataFrame(
        {
            "left_id": [best["right_id"], "rec-1-org"],
            "right_id": [best["left_id"], "rec-2-org"],
            "is_match": [False, True],
        }
    )
    judged = apply_judgements(pairs, judgements)
    keys = set(zip(judged["left_id"], judged["right_id"], strict=True))
    assert (best["left_id"], best["right_id"]) not in keys
    added = judged.filter((pl.col("left_id") == "rec-1-org") & (pl.col("right_id") == "rec-2-org"))
    assert added["match_probability"].to_list() == [1.0]


def test_explain_pair_is_a_waterfall(model: ResolutionModel, pairs: pl.DataFrame) -> None:
    best = pairs.row(0, named=True)
    why = explain_pair(model, best["left_id"], best["right_id"])
    assert why.match_probability == pytest.approx(best["match_probability"], abs=1e-6)
    total = why.prior_match_weight + sum(step.match_weight for step in why.steps)
    assert total == pytest.approx(why.match_weight)
    name_step = next(s for s in why.steps if s.comparison == "name")
    assert name_step.label and name_step.left_value
    assert why.as_dict()["steps"][0]["comparison"] == why.steps[0].comparison
    with pytest.raises(NotFound):
        explain_pair(model, "no-such-id", best["right_id"])


def test_training_is_deterministic(febrl1: pl.DataFrame, pairs: pl.DataFrame) -> None:
    subset = febrl1.head(400)
    first = predict_pairs(train_model(subset, seed=7), threshold=0.5)
    second = predict_pairs(train_model(subset, seed=7), threshold=0.5)
    assert first.select("left_id", "right_id").equals(second.select("left_id", "right_id"))
    assert (first["match_weight"] - second["match_weight"]).abs().max() < 1e-9  # type: ignore[operator]


def test_a_trained_model_scores_on_another_backend(
    febrl1: pl.DataFrame, model: ResolutionModel
) -> None:
    """What the Spark tests rely on: a model moved to a fresh backend scores as trained."""
    from usalama.analysis.resolve.model import duckdb_backend, model_on_backend

    moved = model_on_backend(model, duckdb_backend())
    assert moved.linker is not model.linker
    here, there = predict_pairs(model, threshold=0.5), predict_pairs(moved, threshold=0.5)
    assert there.select("left_id", "right_id").equals(here.select("left_id", "right_id"))
    assert (there["match_weight"] - here["match_weight"]).abs().max() < 1e-9  # type: ignore[operator]
    # a sample's model scores other records with the same fields
    on_half = model_on_backend(model, duckdb_backend(), records=febrl1.head(500))
    assert on_half.records.height == 500
    assert predict_pairs(on_half, threshold=0.5).height > 0
    with pytest.raises(InvalidInput, match="the model has"):
        model_on_backend(model, duckdb_backend(), records=febrl1.drop("postcode"))


def test_labels_are_used(febrl1: pl.DataFrame) -> None:
    truth = febrl1.select(
        "record_id", pl.col("record_id").str.extract(r"rec-(\d+)-").alias("entity")
    )
    same = truth.join(truth, on="entity", suffix="_r").filter(
        pl.col("record_id") < pl.col("record_id_r")
    )
    labels = same.head(40).select(
        pl.col("record_id").alias("left_id"),
        pl.col("record_id_r").alias("right_id"),
        pl.lit(True).alias("is_match"),
    )
    model = train_model(febrl1, labels=labels)
    assert model.judgements is not None and model.judgements.height == 40
    with pytest.raises(InvalidInput, match="unknown record_id"):
        train_model(
            febrl1, labels=pl.DataFrame({"left_id": ["zz"], "right_id": ["yy"], "is_match": [True]})
        )


def test_link_only_needs_two_sources(febrl1: pl.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="two sources"):
        train_model(febrl1, link_type="link_only")


def test_bulk_name_columns_match_the_name_rules() -> None:
    from usalama.analysis.resolve.names import name_features

    names = ["Sheikh Mohammed Abdi Hassan", "M. A. Hassan", "Kamau wa Njoroge", "Mzee", "Ali Ali"]
    frame = pl.DataFrame(
        {"record_id": [str(i) for i in range(len(names) + 1)], "full_name": [*names, None]}
    )
    prepared = prepare_records(frame).to_dicts()
    for row, text in zip(prepared, names, strict=False):
        features = name_features(text)
        assert row["name_canonical"] == features.canonical
        assert row["name_tokens"] == features.tokens
        assert row["name_phonetic"] == features.phonetic
        assert row["name_phonetic_key"] == features.phonetic_key
        assert row["name_initials"] == features.initials
    assert prepared[-1]["name_canonical"] is None and prepared[-1]["name_tokens"] is None
