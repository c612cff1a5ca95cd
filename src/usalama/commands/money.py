"""`usalama money`: money and crypto tracing on files: typologies, taint, address clustering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from usalama.core.spreadsheets import defuse_frame

app = typer.Typer(
    help=(
        "Money and crypto tracing on transaction files: typologies, taint tracing, "
        "address clustering."
    ),
    no_args_is_help=True,
)

TRANSACTIONS = typer.Option(..., "--transactions", help="CSV of transfers, one a row.")
SOURCE_COL = typer.Option("source", "--source-col", help="Column of the paying account.")
TARGET_COL = typer.Option("target", "--target-col", help="Column of the receiving account.")
AMOUNT_COL = typer.Option("amount", "--amount-col", help="Column of the amount.")
TIME_COL = typer.Option(
    "time", "--time-col", help="Column of the time (ISO datetime or step number)."
)
CURRENCY_COL = typer.Option(None, "--currency-col", help="Column of the currency (optional).")
CHANNEL_COL = typer.Option(
    None, "--channel-col", help="Column of the channel: bank, mobile_money, crypto."
)
SECONDS_PER_STEP = typer.Option(
    86_400.0, "--seconds-per-step", help="Seconds in one step when the time column is a number."
)
JSON_OUT = typer.Option(False, "--json", help="Print JSON instead of a table.")
ENGINE = typer.Option(
    "memory",
    "--engine",
    help="memory (Polars, this process) or spark (the same rules on Apache Spark; needs Java).",
)
SPARK_MASTER = typer.Option(
    None,
    "--spark-master",
    help="With --engine spark: local[N] or spark://HOST:7077 "
    "(default: USALAMA_SPARK_MASTER, else local[2]).",
)
FROM_ACCOUNTS = typer.Option(..., "--from", help="Seed account (repeatable).")
HOLDERS = typer.Option(
    None, "--holders", help="CSV account,holder: accounts of one holder share their balance."
)
BLOCKS = typer.Option(
    ..., "--blocks", help="Block file: raw (bare or blk*.dat framed) or getblock JSON; .bz2 ok."
)
CLUSTERS_OUT = typer.Option(..., "--out", help="CSV to write: address,cluster_id.")
ADDRESSES = typer.Option(
    ..., "--addresses", help="Addresses to check: one a line, or a CSV with an 'address' column."
)
LISTS = typer.Option(
    ..., "--lists", help="Sanctions list file or directory (repeatable): .txt, FtM .json/.jsonl."
)


def _columns(
    source: str,
    target: str,
    amount: str,
    time: str,
    currency: str | None,
    channel: str | None,
    path: Path,
) -> Any:
    from usalama.analysis.money import AMLSIM_COLUMNS, TransferColumns

    chosen = TransferColumns(
        source=source, target=target, amount=amount, time=time, currency=currency, channel=channel
    )
    if chosen == TransferColumns(currency=currency, channel=channel):
        # defaults untouched: recognise AMLSim's header rather than failing on it
        try:
            header = path.open(encoding="utf-8").readline()
        except OSError:
            return chosen
        if "sourceNodeId" in header and "source" not in header.replace("sourceNodeId", ""):
            return AMLSIM_COLUMNS
    return chosen


def _spark(engine: str, spark_master: str | None) -> Any:
    """The Spark session for ``--engine spark``; ``None`` for the in-memory engine."""
    from usalama.core.errors import InvalidInput
    from usalama.core.spark import SparkOptions, check_master, spark_session

    if engine not in ("memory", "spark"):
        raise InvalidInput(f"--engine must be memory or spark, not {engine!r}")
    if engine == "memory":
        if spark_master is not None:
            raise InvalidInput("--spark-master needs --engine spark")
        return None
    options = SparkOptions.from_env(spark_master)
    check_master(options.master)
    return spark_session(options)


def _scan_on_spark(spark: Any, transactions: Path, frame: Any) -> Any:
    """Typologies on Spark: a Parquet table is read by Spark as it is; a CSV read here is
    handed over as a numbered Parquet file (row numbers stay the evidence ids)."""
    import tempfile

    from usalama.analysis.money.spark import (
        read_transfers_parquet,
        scan_typologies_spark,
        write_transfers_parquet,
    )
    from usalama.analysis.money.typologies import TypologyReport

    with tempfile.TemporaryDirectory() as work:
        table = str(transactions)
        if frame is not None:
            table = str(write_transfers_parquet(frame, Path(work) / "transfers.parquet"))
        accounts, evidence = scan_typologies_spark(read_transfers_parquet(spark, table)).collect()
    return TypologyReport(accounts=accounts, evidence=evidence)


def _print(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, indent=2, default=str))


@app.command("typologies")
def typologies(
    transactions: Path = TRANSACTIONS,
    source_col: str = SOURCE_COL,
    target_col: str = TARGET_COL,
    amount_col: str = AMOUNT_COL,
    time_col: str = TIME_COL,
    currency_col: str | None = CURRENCY_COL,
    channel_col: str | None = CHANNEL_COL,
    seconds_per_step: float = SECONDS_PER_STEP,
    evidence: bool = typer.Option(
        False, "--evidence", help="Include the triggering transfers (row numbers)."
    ),
    as_json: bool = JSON_OUT,
    engine: str = ENGINE,
    spark_master: str | None = SPARK_MASTER,
) -> None:
    """Flag accounts showing laundering typologies (fan-in, cycles, structuring, ...).

    With --engine spark, TRANSACTIONS may also be a Parquet transfers table (file or
    folder, standard columns), read by Spark without passing through this process."""
    import polars as pl

    from usalama.analysis.money import read_transfers_csv, scan_typologies

    spark = _spark(engine, spark_master)
    parquet = transactions.suffix == ".parquet" or transactions.is_dir()
    frame = None
    if not (spark is not None and parquet):
        columns = _columns(
            source_col, target_col, amount_col, time_col, currency_col, channel_col, transactions
        )
        frame = read_transfers_csv(transactions, columns, seconds_per_step=seconds_per_step)
    if spark is not None:
        report = _scan_on_spark(spark, transactions, frame)
    else:
        assert frame is not None  # read above whenever Spark is not used
        report = scan_typologies(frame)
    accounts = report.accounts.to_dicts()
    if evidence:
        grouped = report.evidence.group_by("account", "typology").agg(pl.col("transfer"))
        by_account: dict[str, dict[str, list[int]]] = {}
        for row in grouped.iter_rows(named=True):
            by_account.setdefault(row["account"], {})[row["typology"]] = sorted(row["transfer"])
        for account in accounts:
            account["evidence"] = by_account.get(account["account"], {})
    if as_json:
        _print({"accounts": accounts})
        return
    for account in accounts:
        typer.echo(
            f"{account['account']}\t{account['score']:.3f}\t{','.join(account['typologies'])}"
        )


@app.command("trace")
def trace(
    transactions: Path = TRANSACTIONS,
    from_accounts: list[str] = FROM_ACCOUNTS,
    direction: str = typer.Option("forward", "--direction", help="forward or backward."),
    model: str = typer.Option("poison", "--model", help="Taint model: poison, haircut or fifo."),
    hops: int = typer.Option(5, "--hops", help="Most transfers the taint may cross."),
    days: float | None = typer.Option(
        None, "--days", help="Only transfers within this many days of the start."
    ),
    min_amount: float = typer.Option(
        0.0, "--min-amount", help="Ignore transfers below this amount."
    ),
    min_taint: float = typer.Option(
        0.0, "--min-taint", help="Stop following taint below this amount."
    ),
    holders_file: Path | None = HOLDERS,
    source_col: str = SOURCE_COL,
    target_col: str = TARGET_COL,
    amount_col: str = AMOUNT_COL,
    time_col: str = TIME_COL,
    currency_col: str | None = CURRENCY_COL,
    channel_col: str | None = CHANNEL_COL,
    seconds_per_step: float = SECONDS_PER_STEP,
    as_json: bool = JSON_OUT,
) -> None:
    """Follow tainted money forward (where it went) or backward (where it came from)."""
    from datetime import timedelta

    from usalama.analysis.money import read_holders_csv, read_transfers_csv
    from usalama.analysis.money import trace as run_trace

    columns = _columns(
        source_col, target_col, amount_col, time_col, currency_col, channel_col, transactions
    )
    frame = read_transfers_csv(transactions, columns, seconds_per_step=seconds_per_step)
    result = run_trace(
        frame,
        from_accounts,
        direction=direction,  # type: ignore[arg-type]  # validated by the engine
        model=model,  # type: ignore[arg-type]
        hops=hops,
        time_limit=timedelta(days=days) if days is not None else None,
        min_amount=min_amount,
        min_taint=min_taint,
        holders=read_holders_csv(holders_file) if holders_file else None,
    )
    payload: dict[str, Any] = {
        "model": result.model,
        "direction": result.direction,
        "seeds": from_accounts,
        "accounts": result.accounts.to_dicts(),
        "edges": result.edges.to_dicts(),
        "hops": result.hops.to_dicts(),
    }
    if as_json:
        _print(payload)
        return
    for row in payload["accounts"]:
        typer.echo(f"{row['account']}\thop {row['first_hop']}\ttainted {row['tainted']:.2f}")


@app.command("cluster")
def cluster(
    blocks: Path = BLOCKS,
    block_format: str = typer.Option("raw", "--format", help="raw or json."),
    out: Path = CLUSTERS_OUT,
    change: bool = typer.Option(
        False, "--change/--no-change", help="Also apply the change-address heuristic."
    ),
    engine: str = ENGINE,
    spark_master: str | None = SPARK_MASTER,
) -> None:
    """Cluster Bitcoin addresses (multi-input heuristic, CoinJoin excluded)."""
    import polars as pl

    from usalama.analysis.money import cluster_addresses, read_block_file
    from usalama.core.errors import InvalidInput

    if block_format not in ("raw", "json"):
        raise InvalidInput(f"--format must be raw or json, not {block_format!r}")
    spark = _spark(engine, spark_master)
    if spark is not None and change:
        raise InvalidInput("--change is not available on Spark (it needs the outputs' order)")
    chain = read_block_file(blocks, block_format)  # type: ignore[arg-type]
    if spark is None:
        clusters = cluster_addresses(chain.inputs, chain.outputs, use_change=change)
    else:
        from usalama.analysis.money.spark import cluster_addresses_spark

        found = cluster_addresses_spark(
            spark.createDataFrame(chain.inputs.select("txid", "address").to_arrow()),
            spark.createDataFrame(chain.outputs.select("txid", "address", "value").to_arrow()),
        )
        table = pl.from_arrow(found.toArrow())
        assert isinstance(table, pl.DataFrame)
        clusters = table.sort("cluster_id", "address")
    try:
        defuse_frame(clusters).write_csv(out)
    except OSError as error:
        raise InvalidInput(f"{out}: cannot write ({error})") from error
    typer.echo(
        f"{len(chain.blocks)} blocks, {chain.transactions.height} transactions, "
        f"{clusters.height} addresses in {clusters['cluster_id'].n_unique()} clusters -> {out}",
        err=True,
    )


@app.command("screen")
def screen(
    addresses: Path = ADDRESSES,
    lists: list[Path] = LISTS,
    as_json: bool = JSON_OUT,
) -> None:
    """Screen addresses and accounts against sanctions lists (exact match after normalisation)."""
    from usalama.analysis.money import load_sanctions, read_address_file, screen_addresses

    sanctions = load_sanctions(lists)
    hits = screen_addresses(read_address_file(addresses), sanctions)
    if as_json:
        _print(
            {
                "checked": hits.checked,
                "list_entries": sanctions.height,
                "hits": hits.hits.to_dicts(),
            }
        )
        return
    for row in hits.hits.iter_rows(named=True):
        typer.echo(f"{row['address']}\t{row['list']}\t{row['entity'] or ''}")
