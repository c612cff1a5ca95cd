"""The money engine on Apache Spark, for feeds too large for one machine.

Same answers as the in-memory engine (Polars/scipy), computed with Spark DataFrames:

* ``cluster_addresses_spark``: multi-input address clustering (CoinJoins excluded);
  connected components by label propagation with pointer jumping over DataFrame joins
  (no GraphFrames, nothing downloaded);
* ``scan_typologies_spark``: every typology detector of ``typologies``/``typology_flows``
  as Spark joins and group-bys over a transfers table (Parquet).

``pyspark`` is imported only here; callers get a session from ``usalama.core.spark``.
"""

from __future__ import annotations

from usalama.analysis.money.spark.clustering import cluster_addresses_spark
from usalama.analysis.money.spark.tables import (
    read_transfers_parquet,
    write_chain_parquet,
    write_transfers_parquet,
)
from usalama.analysis.money.spark.typologies import (
    SparkTypologyReport,
    scan_typologies_spark,
)

__all__ = [
    "SparkTypologyReport",
    "cluster_addresses_spark",
    "read_transfers_parquet",
    "scan_typologies_spark",
    "write_chain_parquet",
    "write_transfers_parquet",
]
