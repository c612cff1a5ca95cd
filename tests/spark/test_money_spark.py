"""The money engine on Spark gives the in-memory engine's answers, on real data.

Every typology detector runs once on Spark (each scan is some hundred small Spark jobs,
whatever the size of the table): over AMLSim's fan-in sample (118,000 transfers) and the
first 20,000 transfers of its cycle sample, side by side in one Parquet table, through
``usalama money typologies --engine spark``. The shared Bitcoin blocks go through
multi-input clustering.
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


def _amlsim(sample: str, prefix: str, rows: int | None = None) -> pl.DataFrame:
    path = SHARED_DATA / "money" / "amlsim" / sample / "transactions.csv"
    frame = read_transfers_csv(path, AMLSIM_COLUMNS)
    frame = frame if rows is None else frame.head(rows)
    # the samples number their accounts alike: a prefix keeps them apart
    return frame.with_columns(
        pl.concat_str(pl.lit(prefix), name).alias(name) for name in ("source", "target")
    )


@pytest.fixture(scope="module")
def transfers() -> pl.DataFrame:
    # fan-in carries fan-in/out, cycles, gather-scatter and pass-through; the cycle
    # sample's first days add scatter-gather
    return pl.concat([_amlsim("fanin200", "f"), _amlsim("cycle200", "c", 20_000)])


def _chain_tables(spark: Any, path: Path) -> tuple[Any, Any, Any]:
    chain = read_block_file(path)
    return (
        chain,
        spark.createDataFrame(chain.inputs.select("txid", "address").to_arrow()),
        spark.createDataFrame(chain.outputs.select("txid", "address", "value").to_arrow()),
    )


def test_address_clusters_on_spark_equal_in_memory(spark: Any) -> None:
    """The first 256 blocks (the CLI test below clusters a busier block file)."""
    from usalama.analysis.money.spark import cluster_addresses_spark

    blocks = SHARED_DATA / "money" / "bitcoin" / "blocks1-256.bz2"
    chain, inputs, outputs = _chain_tables(spark, blocks)
    expected = cluster_addresses(chain.inputs, chain.outputs)
    found = pl.from_arrow(cluster_addresses_spark(inputs, outputs).toArrow())
    assert isinstance(found, pl.DataFrame)
    assert found.sort("cluster_id", "address").equals(expected)


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


def test_cli_clusters_on_spark_as_in_memory(spark: Any, tmp_path: Path) -> None:
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
    # 115 transactions spend several inputs: some clusters must have formed
    assert outputs["memory"]["cluster_id"].n_unique() < outputs["memory"].height
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


def test_typology_scan_on_spark_equals_in_memory(
    spark: Any, tmp_path: Path, transfers: pl.DataFrame
) -> None:
    """Accounts, typologies, scores and every evidence row; the Parquet table goes to
    Spark as it is (``write_transfers_parquet`` numbers the rows, as in memory)."""
    from typer.testing import CliRunner

    from usalama.analysis.money.spark import write_transfers_parquet
    from usalama.commands.money import app

    expected = scan_typologies(transfers)
    # the planted patterns are found at all, by seven of the detectors
    assert expected.accounts.height > 500
    assert expected.evidence["typology"].n_unique() >= 7
    table = write_transfers_parquet(transfers, tmp_path / "transfers.parquet")
    args = ["typologies", "--transactions", str(table), "--engine", "spark"]
    done = CliRunner().invoke(app, [*args, "--json", "--evidence"])
    assert done.exit_code == 0, done.output
    flagged = json.loads(done.output)["accounts"]
    assert [a["account"] for a in flagged] == expected.accounts["account"].to_list()
    assert [a["typologies"] for a in flagged] == expected.accounts["typologies"].to_list()
    assert [a["score"] for a in flagged] == pytest.approx(expected.accounts["score"].to_list())
    found = pl.DataFrame(
        [
            (a["account"], typology, transfer)
            for a in flagged
            for typology, rows in a["evidence"].items()
            for transfer in rows
        ],
        schema=["account", "typology", "transfer"],
        orient="row",
    )
    evidence = expected.evidence.select("account", "typology", "transfer")
    assert found.sort(found.columns).equals(evidence.sort(evidence.columns).cast(found.schema))  # type: ignore[arg-type]
