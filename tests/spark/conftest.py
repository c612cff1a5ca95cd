"""One Spark session (``local[2]``) for every Spark test of a pytest process.

The tests in this folder carry the ``spark`` marker; ``make test-spark`` (the last step of
``make test``) runs them in one pytest process, so one JVM starts. It collects only this
folder, and ``make test-sqlite`` skips the marker: a Spark test belongs here. They also share the
xdist group "spark", so ``pytest -n 2 --dist loadgroup`` keeps them on one worker too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The tests' jobs are small and short: the JVM's quick compiler alone warms up sooner, and
# one GC thread leaves CI's second core to Spark's tasks. Test-only: the engine leaves the
# JVM's settings to whoever deploys it.
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from usalama.core.spark import SparkOptions, spark_session, stop_spark_session

    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_SUBMIT_ARGS", f'--driver-java-options "{JAVA_OPTIONS}" pyspark-shell')
        # the CLI tests ask for a session from the environment: the same settings, so that
        # asking does not raise the shuffle partitions of the session every test shares
        env.setenv("USALAMA_SPARK_SHUFFLE_PARTITIONS", "2")
        # two shuffle partitions: the test data are small, and each partition costs a task
        session = spark_session(
            SparkOptions(master="local[2]", shuffle_partitions=2, driver_memory="1g")
        )
        yield session
        stop_spark_session()
