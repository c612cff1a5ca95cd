"""One way to get a Spark session, for the engines that can scale out (resolution, money).

Spark is optional at run time: ``pyspark`` is imported only when a session is asked for,
so the demo, the web app and every DuckDB/in-memory path run without Java. Nothing is
downloaded: the only extra jar is Splink's string-similarity UDF jar, which ships inside
the ``splink`` wheel (no ``--packages``, no Maven).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from usalama.core.errors import InvalidInput, UsalamaError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"


class SparkUnavailable(UsalamaError):
    """Spark was asked for but cannot start here (no pyspark, no Java, bad master)."""

    code = "spark_unavailable"
    http_status = 503
    exit_code = 5


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """How to reach Spark. ``master``: ``local[N]`` or ``spark://HOST:7077``.

    ``checkpoint_dir`` holds Splink's intermediate Parquet; on a cluster it must be a path
    every executor can reach (HDFS, S3A, or an NFS mount); in local mode a temporary
    folder is used when it is not given.
    """

    master: str = DEFAULT_MASTER
    driver_memory: str | None = None
    executor_memory: str | None = None
    shuffle_partitions: int | None = None
    checkpoint_dir: str | None = None

    @classmethod
    def from_env(cls, master: str | None = None) -> SparkOptions:
        """Options from ``USALAMA_SPARK_*`` variables; an explicit ``master`` wins."""
        partitions = os.environ.get("USALAMA_SPARK_SHUFFLE_PARTITIONS")
        return cls(
            master=master or os.environ.get("USALAMA_SPARK_MASTER") or DEFAULT_MASTER,
            driver_memory=os.environ.get("USALAMA_SPARK_DRIVER_MEMORY") or None,
            executor_memory=os.environ.get("USALAMA_SPARK_EXECUTOR_MEMORY") or None,
            shuffle_partitions=int(partitions) if partitions else None,
            checkpoint_dir=os.environ.get("USALAMA_SPARK_CHECKPOINT_DIR") or None,
        )

    @property
    def is_local(self) -> bool:
        return self.master.startswith("local")


def check_master(master: str) -> str:
    """Refuse anything but ``local``, ``local[N]``, ``local[*]`` or ``spark://host:port``."""
    import re

    if re.fullmatch(r"local(\[(\d+|\*)\])?|spark://[A-Za-z0-9.\-]+:\d{1,5}", master):
        return master
    raise InvalidInput(f"Spark master {master!r}: expected local[N] or spark://HOST:PORT")


def _local_cores(master: str) -> int:
    inside = master.partition("[")[2].rstrip("]")
    if inside.isdigit():
        return int(inside)
    return os.cpu_count() or 2


def spark_session(options: SparkOptions | None = None) -> SparkSession:
    """The process's Spark session, started on first use with usalama's settings.

    Spark keeps one session per process; asking again returns it (its master cannot
    change until it is stopped).
    """
    options = options or SparkOptions.from_env()
    check_master(options.master)
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkUnavailable(
            "Spark needs a Java runtime: install openjdk-17-jre-headless (make install does)"
        )
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as error:
        raise SparkUnavailable(f"Spark engine unavailable: {error}") from None
    # small local jobs drown in Spark's default 200 shuffle partitions
    partitions = options.shuffle_partitions or (
        4 * _local_cores(options.master) if options.is_local else 200
    )
    builder = (
        SparkSession.builder.master(options.master)
        .appName("usalama")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # Arrow moves frames between Python and the JVM without row-by-row pickling
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if options.driver_memory:
        builder = builder.config("spark.driver.memory", options.driver_memory)
    if options.executor_memory:
        builder = builder.config("spark.executor.memory", options.executor_memory)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # py4j and Java errors have no common base worth naming
        raise SparkUnavailable(f"Spark did not start at {options.master}: {error}") from None
    session.sparkContext.setLogLevel("ERROR")
    if session.sparkContext.getCheckpointDir() is None:
        directory = options.checkpoint_dir
        if directory is None and options.is_local:
            directory = tempfile.mkdtemp(prefix="usalama-spark-")
        if directory is not None:
            session.sparkContext.setCheckpointDir(directory)
    return session


def stop_spark_session() -> None:
    """Stop the process's session, if any (tests and benchmarks that switch masters)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
