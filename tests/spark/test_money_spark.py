"""The money engine on Spark gives the in-memory engine's answers, on real data.

AMLSim's fan-in and cycle samples (118,000 transfers each) go through every typology
detector from a Parquet table; the shared Bitcoin blocks through multi-input clustering.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.shared_data import SHARED_DATA
from usalama.analysis.money import (
    AMLSIM_COLUMNS,
    cluster_addresses,
    read_block_file,
    read_transfers_csv,
    scan_typologies,
)
from usalama.core.errors import InvalidInput

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.mark.parametrize("sample", ["fanin200", "cycle200"])
def test_typology_scan_on_spark_equals_in_memory(spark: Any, tmp_path: Path, sample: str) -> None:
    from usalama.analysis.money.spark import (
        read_transfers_parquet,
        scan_typologies_spark,
        write_transfers_parquet,
    )

    transfers = read_transfers_csv(
        SHARED_DATA / "money" / "amlsim" / sample / "transactions.csv", AMLSIM_COLUMNS
    )
    expected = scan_typologies(transfers)
    table = write_transfers_parquet(transfers, tmp_path / "transfers.parquet")
    accounts, evidence = scan_typologies_spark(read_transfers_parquet(spark, str(table))).collect()
    assert expected.accounts.height > 100  # the planted patterns are found at all
    assert accounts.select("account", "typologies").equals(
        expected.accounts.select("account", "typologies")
    )
    assert accounts["score"].to_list() == pytest.approx(expected.accounts["score"].to_list())
    assert evidence.equals(expected.evidence.cast(evidence.schema))  # type: ignore[arg-type]


def _chain_tables(spark: Any, path: Path) -> tuple[Any, Any, Any]:
    chain = read_block_file(path)
    return (
        chain,
        spark.createDataFrame(chain.inputs.select("txid", "address").to_arrow()),
        spark.createDataFrame(chain.outputs.select("txid", "address", "value").to_arrow()),
    )


@pytest.mark.parametrize("block_file", ["blocks1-256.bz2", "277647.dat.bz2"])
def test_address_clusters_on_spark_equal_in_memory(spark: Any, block_file: str) -> None:
    from usalama.analysis.money.spark import cluster_addresses_spark

    chain, inputs, outputs = _chain_tables(spark, SHARED_DATA / "money" / "bitcoin" / block_file)
    expected = cluster_addresses(chain.inputs, chain.outputs)
    found = pl.from_arrow(cluster_addresses_spark(inputs, outputs).toArrow())
    assert isinstance(found, pl.DataFrame)
    assert found.sort("cluster_id", "address").equals(expected)
    if block_file.startswith("277647"):
        # 115 transactions spend several inputs: some clusters must have formed
        assert expected["cluster_id"].n_unique() < expected.height


def test_long_chains_of_transactions_settle(spark: Any) -> None:
    """A chain a0-a1-…-a199 (each transaction spends two neighbours) is one cluster; a
    CoinJoin joins nobody. Pointer jumping gets there in a handful of rounds."""
    from usalama.analysis.money.spark import cluster_addresses_spark

    chain = [(f"t{i}", f"a{i:03d}") for i in range(199)]
    chain += [(f"t{i}", f"a{i + 1:03d}") for i in range(199)]
    coinjoin = [("cj", "x1"), ("cj", "x2"), ("cj", "x3")]
    inputs = pl.DataFrame(chain + coinjoin, schema=["txid", "address"], orient="row")
    outputs = pl.DataFrame(
        [("cj", "y1", 5), ("cj", "y2", 5), ("cj", "y3", 5), ("t0", "z", 7)],
        schema=["txid", "address", "value"],
        orient="row",
    )
    found = pl.from_arrow(
        cluster_addresses_spark(
            spark.createDataFrame(inputs.to_arrow()), spark.createDataFrame(outputs.to_arrow())
        ).toArrow()
    )
    assert isinstance(found, pl.DataFrame)
    clusters = dict(zip(found["address"], found["cluster_id"], strict=True))
    assert {clusters[f"a{i:03d}"] for i in range(200)} == {"a000"}
    assert clusters["x1"] == "x1" and clusters["x2"] == "x2"
    assert clusters["z"] == "z"
    assert len(clusters) == 200 + 3 + 3 + 1


def test_transfers_table_is_checked(spark: Any, tmp_path: Path) -> None:
    from usalama.analysis.money.spark import read_transfers_parquet

    pl.DataFrame({"source": ["a"], "target": ["b"]}).write_parquet(tmp_path / "short.parquet")
    with pytest.raises(InvalidInput, match="missing column"):
        read_transfers_parquet(spark, str(tmp_path / "short.parquet"))
    bad = pl.DataFrame(
        {
            "source": ["a", "b"],
            "target": ["b", "c"],
            "amount": [5.0, -1.0],
            "currency": ["KES", "KES"],
            "time": [0.0, 1.0],
            "channel": ["bank", "bank"],
            "reference": ["", ""],
        }
    )
    bad.write_parquet(tmp_path / "bad.parquet")
    with pytest.raises(InvalidInput, match="negative amount"):
        read_transfers_parquet(spark, str(tmp_path / "bad.parquet"))
    # without a transfer column, rows are numbered in file order
    good = bad.with_columns(pl.col("amount").abs())
    good.write_parquet(tmp_path / "good.parquet")
    read = read_transfers_parquet(spark, str(tmp_path / "good.parquet"))
    rows = sorted((r["transfer"], r["source"]) for r in read.collect())
    assert rows == [(0, "a"), (1, "b")]


def test_cli_cluster_and_typologies_on_spark(spark: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from usalama.commands.money import app

    runner = CliRunner()
    blocks = str(SHARED_DATA / "money" / "bitcoin" / "277647.dat.bz2")
    outputs = {}
    for engine in ("memory", "spark"):
        out = tmp_path / f"{engine}.csv"
        done = runner.invoke(
            app, ["cluster", "--blocks", blocks, "--out", str(out), "--engine", engine]
        )
        assert done.exit_code == 0, done.output
        outputs[engine] = pl.read_csv(out)
    assert outputs["spark"].equals(outputs["memory"])
    refused = runner.invoke(
        app,
        [
            "cluster",
            "--blocks",
            blocks,
            "--out",
            str(tmp_path / "x.csv"),
            "--engine",
            "spark",
            "--change",
        ],
    )
    assert refused.exit_code != 0
    # a Parquet transfers table goes to Spark as it is
    transfers = read_transfers_csv(
        SHARED_DATA / "money" / "amlsim" / "cycle200" / "transactions.csv", AMLSIM_COLUMNS
    )
    from usalama.analysis.money.spark import write_transfers_parquet

    table = write_transfers_parquet(transfers, tmp_path / "t.parquet")
    done = runner.invoke(
        app, ["typologies", "--transactions", str(table), "--engine", "spark", "--json"]
    )
    assert done.exit_code == 0, done.output
    flagged = json.loads(done.output)["accounts"]
    expected = scan_typologies(transfers).accounts
    assert [a["account"] for a in flagged] == expected["account"].to_list()
