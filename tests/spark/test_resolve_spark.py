"""The same Splink model on Spark (``local[2]``) and on DuckDB gives the same answers.

Training on Spark is many small jobs (one per u-sampling comparison, one per EM iteration),
each costing Spark about a second, so ``make test`` trains once on Spark (the CLI link
test, on a FEBRL4 slice) and compares the rest with one model: trained on DuckDB on FEBRL1
(dedupe, 1,000 records), then scored on both engines. Full agreement on FEBRL 1-4 and the
East-African generator, training on each engine, is ``benchmarks/spark_bench.py accuracy``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.spark.febrl import febrl, standard, truth_clusters
from usalama.analysis.resolve import (
    ResolutionModel,
    cluster,
    explain_pair,
    predict_pairs,
    prepare_records,
    train_model,
)
from usalama.analysis.resolve.engines import backend_for, check_engine, spark_backend
from usalama.analysis.resolve.evaluate import cluster_pairs, score_pairs
from usalama.analysis.resolve.model import model_on_backend
from usalama.core.errors import InvalidInput

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.fixture(scope="module")
def febrl1() -> pl.DataFrame:
    return prepare_records(standard(febrl("febrl1")))


@pytest.fixture(scope="module")
def models(spark: Any, febrl1: pl.DataFrame) -> dict[str, ResolutionModel]:
    trained = train_model(febrl1, backend=backend_for("duckdb"))
    return {"duckdb": trained, "spark": model_on_backend(trained, spark_backend())}


@pytest.fixture(scope="module")
def pairs(models: dict[str, ResolutionModel]) -> dict[str, pl.DataFrame]:
    return {engine: predict_pairs(model, threshold=0.5) for engine, model in models.items()}


def test_spark_backend_runs_splink_on_spark(models: dict[str, ResolutionModel]) -> None:
    assert type(models["spark"].linker._db_api).__name__ == "SparkAPI"
    assert type(models["duckdb"].linker._db_api).__name__ == "DuckDBAPI"


def test_febrl1_dedupe_agrees_with_duckdb(
    febrl1: pl.DataFrame, pairs: dict[str, pl.DataFrame]
) -> None:
    truth = cluster_pairs(truth_clusters(febrl1))
    clusters = {e: cluster(p, febrl1["record_id"], 0.9) for e, p in pairs.items()}
    scores = {e: score_pairs(cluster_pairs(c), truth) for e, c in clusters.items()}
    assert scores["spark"].f1 > 0.99
    assert abs(scores["spark"].f1 - scores["duckdb"].f1) <= 0.002
    # the same clusters, not just the same score
    assert clusters["spark"].sort("record_id").equals(clusters["duckdb"].sort("record_id"))


def test_spark_scores_every_pair_as_duckdb_does(pairs: dict[str, pl.DataFrame]) -> None:
    spark, duck = pairs["spark"], pairs["duckdb"]
    assert set(spark.columns) == set(duck.columns)
    joined = duck.join(spark, on=["left_id", "right_id"], how="full", coalesce=True)
    # the same candidate pairs above 0.5: blocking and scoring agree
    assert joined.filter(pl.col("match_probability_right").is_null()).height == 0
    assert joined.filter(pl.col("match_probability").is_null()).height == 0
    levels = [c for c in duck.columns if c.startswith("level_")]
    agree = pl.all_horizontal([pl.col(name) == pl.col(f"{name}_right") for name in levels])
    # one model, so a pair in the same levels gets the same weight on both engines
    same = joined.filter(agree)
    gap = (same["match_weight"] - same["match_weight_right"]).abs().max()
    assert gap is not None and gap < 1e-6, gap  # type: ignore[operator]
    # the string similarities are each engine's own (DuckDB's jaro_winkler, Splink's Scala
    # UDF on Spark); where they round differently a pair sits in a neighbouring name level
    assert same.height >= 0.99 * joined.height, (same.height, joined.height)
    accepted = joined["match_probability"] >= 0.9
    assert accepted.equals(joined["match_probability_right"] >= 0.9, check_names=False)


def test_explanations_work_on_spark(
    models: dict[str, ResolutionModel], pairs: dict[str, pl.DataFrame]
) -> None:
    best = pairs["spark"].row(0, named=True)
    why = explain_pair(models["spark"], best["left_id"], best["right_id"])
    assert why.match_probability == pytest.approx(best["match_probability"], abs=1e-6)
    assert {step.comparison for step in why.steps} >= {"name", "date_of_birth"}


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(InvalidInput, match="duckdb, spark"):
        check_engine("hadoop")


def test_cli_link_on_spark_matches_duckdb(spark: Any, tmp_path: Path) -> None:
    from usalama.commands.resolve import app

    left_raw, right_raw = febrl("febrl4")
    # the first 400 people of each register: rec-N-org on the left, rec-N-dup-0 on the right
    left = standard(left_raw)
    keep = left.with_columns(pl.col("record_id").str.extract(r"rec-(\d+)-").cast(pl.Int64))
    people = keep.sort("record_id").head(400)["record_id"]
    for raw, name in ((left_raw, "a.csv"), (right_raw, "b.csv")):
        frame = standard(raw).filter(
            pl.col("record_id").str.extract(r"rec-(\d+)-").cast(pl.Int64).is_in(people.implode())
        )
        frame.rename({"record_id": "rec_id"}).write_csv(tmp_path / name)
    found = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        args = ["link", "--left", str(tmp_path / "a.csv"), "--right", str(tmp_path / "b.csv")]
        args += ["--id-column", "rec_id", "--out", str(out), "--engine", engine]
        if engine == "spark":
            args += ["--spark-master", "local[2]"]
        app(args=args, standalone_mode=False)
        found[engine] = pl.read_csv(out).select("left_id", "right_id").sort("left_id")
    assert found["spark"].height >= 390
    assert found["spark"].equals(found["duckdb"])


def test_cli_refuses_a_master_without_the_spark_engine(tmp_path: Path) -> None:
    from usalama.commands.resolve import app

    with pytest.raises(InvalidInput, match="--engine spark"):
        app(
            args=[
                "dedupe",
                "--input",
                str(tmp_path / "none.csv"),
                "--id-column",
                "id",
                "--out",
                str(tmp_path / "out.csv"),
                "--spark-master",
                "local[2]",
            ],
            standalone_mode=False,
        )
    with pytest.raises(InvalidInput, match="Spark master"):
        app(
            args=[
                "dedupe",
                "--input",
                str(tmp_path / "none.csv"),
                "--id-column",
                "id",
                "--out",
                str(tmp_path / "out.csv"),
                "--engine",
                "spark",
                "--spark-master",
                "yarn; rm -rf /",
            ],
            standalone_mode=False,
        )
