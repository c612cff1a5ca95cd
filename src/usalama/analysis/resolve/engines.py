"""Which SQL engine Splink runs on: DuckDB in this process, or Apache Spark.

The model (settings, comparisons, name rules, blocking) is the same on both: the
comparisons are built from Splink's level library, which writes each engine's dialect.
DuckDB is the embedded default; Spark (``local[N]`` or a ``spark://`` cluster) is for
registers too large for one machine's memory.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from splink.internals.database_api import DatabaseAPI

from usalama.analysis.resolve.model import duckdb_backend
from usalama.core.errors import InvalidInput
from usalama.core.spark import SparkOptions, spark_session

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = get_args(Engine)


def check_engine(name: str) -> Engine:
    if name == "duckdb":
        return "duckdb"
    if name == "spark":
        return "spark"
    raise InvalidInput(f"engine {name!r}: choose one of {', '.join(ENGINES)}")


def spark_backend(options: SparkOptions | None = None) -> DatabaseAPI[Any]:
    """Splink's Spark backend on the process's session (started if needed)."""
    from splink import SparkAPI

    session = spark_session(options)
    # Splink writes its big intermediate tables to Parquet under the checkpoint folder,
    # which cuts Spark's lineage; with no folder (a cluster without shared storage
    # configured) it keeps them cached instead
    has_checkpoints = session.sparkContext.getCheckpointDir() is not None
    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session,
        break_lineage_method="parquet" if has_checkpoints else "persist",
    )


def backend_for(
    engine: Engine,
    *,
    spark: SparkOptions | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> DatabaseAPI[Any]:
    """A fresh Splink backend for ``engine`` (``threads``/``memory_limit``: DuckDB only)."""
    if engine == "spark":
        return spark_backend(spark)
    return duckdb_backend(threads=threads, memory_limit=memory_limit)
