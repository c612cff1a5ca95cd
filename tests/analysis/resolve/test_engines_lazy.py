"""Spark stays optional: nothing on the embedded paths imports pyspark (so no Java)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_embedded_paths_do_not_import_pyspark() -> None:
    code = (
        "import sys\n"
        "import usalama.analysis.resolve, usalama.analysis.resolve.engines\n"
        "import usalama.analysis.money, usalama.core.spark, usalama.commands.resolve\n"
        "from usalama.analysis.resolve.engines import backend_for\n"
        "backend_for('duckdb')\n"
        "print('pyspark' in sys.modules, 'py4j' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]


def test_spark_options_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from usalama.core.errors import InvalidInput
    from usalama.core.spark import SparkOptions, check_master

    monkeypatch.setenv("USALAMA_SPARK_MASTER", "spark://10.0.0.5:7077")
    monkeypatch.setenv("USALAMA_SPARK_SHUFFLE_PARTITIONS", "64")
    options = SparkOptions.from_env()
    assert (options.master, options.shuffle_partitions, options.is_local) == (
        "spark://10.0.0.5:7077",
        64,
        False,
    )
    assert SparkOptions.from_env("local[4]").master == "local[4]"  # the caller wins
    for good in ("local", "local[2]", "local[*]", "spark://host-1.example:7077"):
        assert check_master(good) == good
    for bad in ("yarn", "local[2]; rm -rf /", "spark://host", "http://host:7077"):
        with pytest.raises(InvalidInput):
            check_master(bad)
