"""Transfers and chain tables as Parquet, the form Spark reads at scale.

A transfer's evidence id is its row number in the input (as in the in-memory engine), so
the Parquet table carries it as a ``transfer`` column; a table written by another tool
without one is numbered in file order on reading.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

from usalama.analysis.money.bitcoin.chain import ChainData
from usalama.analysis.money.transfers import TRANSFER_SCHEMA, validate_transfers
from usalama.core.errors import InvalidInput


def write_transfers_parquet(frame: pl.DataFrame, path: str | Path) -> Path:
    """The standard transfer frame, numbered, as one Parquet file."""
    target = Path(path)
    validated = validate_transfers(frame)
    numbered = validated.with_row_index("transfer").with_columns(pl.col("transfer").cast(pl.Int64))
    numbered.write_parquet(target)
    return target


def write_chain_parquet(chain: ChainData, folder: str | Path) -> tuple[Path, Path]:
    """A parsed chain's inputs and outputs as ``inputs.parquet`` and ``outputs.parquet``."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    inputs, outputs = target / "inputs.parquet", target / "outputs.parquet"
    chain.inputs.write_parquet(inputs)
    chain.outputs.write_parquet(outputs)
    return inputs, outputs


def read_transfers_parquet(spark: SparkSession, path: str) -> DataFrame:
    """A transfers table (the columns of ``TRANSFER_SCHEMA``, plus ``transfer``) as a
    Spark DataFrame in the engine's types; missing or empty required values are refused."""
    table = spark.read.parquet(path)
    missing = [name for name in TRANSFER_SCHEMA if name not in table.columns]
    if missing:
        raise InvalidInput(f"{path}: missing column(s) {', '.join(missing)}")
    if "transfer" not in table.columns:
        table = _numbered(table)
    types = {"amount": DoubleType(), "time": DoubleType(), "transfer": LongType()}
    table = table.select(
        *[sf.col(name).cast(types.get(name, StringType())).alias(name) for name in types],
        *[
            sf.col(name).cast(StringType()).alias(name)
            for name in TRANSFER_SCHEMA
            if name not in types
        ],
    )
    problems = table.select(
        *[
            sf.sum(sf.col(name).isNull().cast("int")).alias(name)
            for name in ("source", "target", "amount", "time")
        ],
        sf.sum((sf.col("amount") < 0).cast("int")).alias("negative"),
    ).first()
    if problems is not None:
        for name in ("source", "target", "amount", "time"):
            if problems[name]:
                raise InvalidInput(f"{path}: column {name!r} has empty values")
        if problems["negative"]:
            raise InvalidInput(f"{path}: negative amount")
    return table.fillna("", subset=["currency", "channel", "reference"])


def _numbered(table: DataFrame) -> DataFrame:
    """Row numbers in file order (zipWithIndex numbers partitions in order)."""
    schema = StructType([*table.schema.fields, StructField("transfer", LongType(), False)])
    rows = table.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
    return table.sparkSession.createDataFrame(rows, schema)
