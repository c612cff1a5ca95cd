"""`usalama resolve`: entity resolution: link or dedupe plain files, or resolve the database.

``link`` and ``dedupe`` work on CSV files and never touch Django. Heavy imports (Splink,
DuckDB, Polars) stay inside the command functions so ``usalama --help`` stays fast.
``run`` resolves people, companies and accounts in the database (the ``resolve`` app's
services), in the foreground or queued for the background worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.core.spreadsheets import defuse_frame

app = typer.Typer(
    help="Entity resolution: link or dedupe plain files, or run resolution over the database.",
    no_args_is_help=True,
)

ID_COLUMN = typer.Option(..., "--id-column", help="Column holding each row's unique id.")
COLUMNS = typer.Option(
    None,
    "--columns",
    help=(
        "Map fields to columns when names are not recognised: "
        "'given_name=fname,surname=lname,address=street+estate'. Fields: given_name, "
        "middle_name, surname, full_name, date_of_birth, national_id, passport, kra_pin, "
        "brs_number, phone, email, address, postcode, town, county, nationality."
    ),
)
THRESHOLD = typer.Option(
    None,
    "--threshold",
    min=0.0,
    max=1.0,
    help="Accept pairs at or above this match probability (default 0.9).",
)
REGION = typer.Option("KE", "--region", help="Default country for phone numbers without a +prefix.")
SEED = typer.Option(42, "--seed", help="Seed for u-sampling; the same seed gives the same result.")

LEFT = typer.Option(..., "--left", help="First CSV file.")
RIGHT = typer.Option(..., "--right", help="Second CSV file.")
LINK_OUT = typer.Option(..., "--out", help="CSV to write: left_id,right_id,match_probability.")
DEDUPE_INPUT = typer.Option(..., "--input", help="CSV file to deduplicate.")
DEDUPE_OUT = typer.Option(..., "--out", help="CSV to write: id,cluster_id for every input row.")
ENGINE = typer.Option(
    "duckdb",
    "--engine",
    help="SQL engine Splink runs on: duckdb (in this process) or spark (needs Java).",
)
SPARK_MASTER = typer.Option(
    None,
    "--spark-master",
    help="With --engine spark: local[N] or spark://HOST:7077 "
    "(default: USALAMA_SPARK_MASTER, else local[2]).",
)
MANY_TO_MANY = typer.Option(
    False,
    "--many-to-many",
    help="Keep every accepted pair. By default each record links at most once (best first), "
    "which is right when neither file repeats a person.",
)


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A one-line rich progress display on stderr; ``step(label)`` advances it."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task("starting", total=total)
        first = [True]

        def step(label: str) -> None:
            if not first[0]:
                progress.advance(task)
            first[0] = False
            progress.update(task, description=label)

        yield step
        progress.update(task, completed=total, description="done")


def _engine_choice(engine: str, spark_master: str | None) -> Callable[[], Any]:
    """Check the engine options now; the returned call makes the Splink backend later, so
    bad input files are reported before Spark spends its start-up time."""
    from usalama.analysis.resolve.engines import backend_for, check_engine
    from usalama.core.errors import InvalidInput
    from usalama.core.spark import SparkOptions, check_master

    chosen = check_engine(engine)
    if spark_master is not None and chosen != "spark":
        raise InvalidInput("--spark-master needs --engine spark")
    options = SparkOptions.from_env(spark_master)
    if chosen == "spark":
        check_master(options.master)
    return lambda: backend_for(chosen, spark=options)


def _write_csv(frame: Any, out: Path) -> None:
    from usalama.core.errors import InvalidInput

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        defuse_frame(frame).write_csv(tmp)
        tmp.replace(out)  # never leave a half-written result behind
    except OSError as error:
        raise InvalidInput(f"{out}: cannot write ({error.strerror})") from None


@app.command("link")
def link(
    left: Path = LEFT,
    right: Path = RIGHT,
    id_column: str = ID_COLUMN,
    out: Path = LINK_OUT,
    columns: str | None = COLUMNS,
    threshold: float | None = THRESHOLD,
    many_to_many: bool = MANY_TO_MANY,
    region: str = REGION,
    seed: int = SEED,
    engine: str = ENGINE,
    spark_master: str | None = SPARK_MASTER,
) -> None:
    """Find the records in LEFT and RIGHT that describe the same person."""
    import polars as pl

    from usalama.analysis.resolve import (
        DEFAULT_THRESHOLD,
        one_to_one,
        predict_pairs,
        prepare_records,
        train_model,
    )
    from usalama.analysis.resolve.files import parse_column_overrides, read_standard_frame

    cutoff = DEFAULT_THRESHOLD if threshold is None else threshold
    overrides = parse_column_overrides(columns)
    make_backend = _engine_choice(engine, spark_master)
    with _progress(6) as step:
        step(f"reading {left.name}")
        left_frame = read_standard_frame(left, id_column, source="left", overrides=overrides)
        step(f"reading {right.name}")
        right_frame = read_standard_frame(right, id_column, source="right", overrides=overrides)
        step("preparing names, dates, phones")
        records = prepare_records(
            pl.concat([left_frame, right_frame], how="diagonal"), default_region=region
        )
        step("training the model (u sampling, EM)")
        model = train_model(records, backend=make_backend(), link_type="link_only", seed=seed)
        step("scoring candidate pairs")
        pairs = predict_pairs(model, threshold=min(cutoff, 0.5))
        accepted = pairs.filter(pl.col("match_probability") >= cutoff)
        if not many_to_many:
            accepted = one_to_one(accepted, cutoff)
        step(f"writing {out.name}")
        result = accepted.select("left_id", "right_id", "match_probability").sort(
            "left_id", "right_id"
        )
        _write_csv(result, out)
    typer.echo(
        f"{result.height} pairs accepted at match probability >= {cutoff:g}; wrote {out}", err=True
    )


@app.command("dedupe")
def dedupe(
    input_path: Path = DEDUPE_INPUT,
    id_column: str = ID_COLUMN,
    out: Path = DEDUPE_OUT,
    columns: str | None = COLUMNS,
    threshold: float | None = THRESHOLD,
    region: str = REGION,
    seed: int = SEED,
    engine: str = ENGINE,
    spark_master: str | None = SPARK_MASTER,
) -> None:
    """Group the rows of INPUT that describe the same person into clusters."""
    import polars as pl

    from usalama.analysis.resolve import (
        DEFAULT_THRESHOLD,
        cluster,
        predict_pairs,
        prepare_records,
        train_model,
    )
    from usalama.analysis.resolve.files import parse_column_overrides, read_standard_frame

    cutoff = DEFAULT_THRESHOLD if threshold is None else threshold
    overrides = parse_column_overrides(columns)
    make_backend = _engine_choice(engine, spark_master)
    with _progress(6) as step:
        step(f"reading {input_path.name}")
        frame = read_standard_frame(input_path, id_column, overrides=overrides)
        step("preparing names, dates, phones")
        records = prepare_records(frame, default_region=region)
        step("training the model (u sampling, EM)")
        model = train_model(records, backend=make_backend(), seed=seed)
        step("scoring candidate pairs")
        pairs = predict_pairs(model, threshold=min(cutoff, 0.5))
        step("clustering")
        clusters = cluster(pairs, records.get_column("record_id"), cutoff)
        step(f"writing {out.name}")
        result = clusters.select(pl.col("record_id").alias("id"), "cluster_id")
        _write_csv(result, out)
    groups = result.get_column("cluster_id").n_unique()
    typer.echo(
        f"{result.height} rows in {groups} clusters at match probability >= {cutoff:g}; "
        f"wrote {out}",
        err=True,
    )


@app.command("run")
def run(
    collections: Annotated[
        list[str] | None,
        typer.Option("--collections", help="Collection keys to resolve (repeat); default: all."),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Act as this user (their collections); default: the operator."),
    ] = None,
    upper: Annotated[
        float, typer.Option("--upper", min=0.0, max=1.0, help="Merge pairs at or above this.")
    ] = 0.95,
    lower: Annotated[
        float, typer.Option("--lower", min=0.0, max=1.0, help="Queue pairs at or above this.")
    ] = 0.6,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Queue the run for the background worker (usalama serve / db_worker) and "
            "print its id instead of running it here. Needs --as.",
        ),
    ] = False,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="duckdb or spark (default: USALAMA_RESOLVE_ENGINE, else duckdb); "
            "recorded on the run.",
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="With the spark engine: local[N] or spark://HOST:7077 "
            "(default: USALAMA_SPARK_MASTER, else local[2]).",
        ),
    ] = None,
) -> None:
    """Resolve people, companies and accounts in the database: merge sure pairs, queue the
    rest for review. Runs in the foreground with a progress bar unless --background."""
    from usalama.commands.platform import setup_django

    setup_django()
    from usalama.resolve import services

    user = None
    if as_user is not None:
        from usalama.accounts import services as accounts

        user = accounts.get_user(as_user)
    if background:
        if user is None:
            from usalama.core.errors import InvalidInput

            raise InvalidInput("--background needs --as USERNAME: runs belong to a user")
        queued = services.start_run(
            user, collections or None, upper, lower, engine=engine, spark_master=spark_master
        )
        typer.echo(
            f"resolution run {queued.pk} {queued.get_status_display().lower()}; "
            f"progress at /resolve/runs/{queued.pk}/"
        )
        return
    with _progress(services.RUN_STEPS) as step:
        result = services.run_resolution(
            user,
            collections or None,
            upper,
            lower,
            progress=step,
            engine=engine,
            spark_master=spark_master,
        )
    people = result.counts.get("person", {}).get("records", 0)
    orgs = result.counts.get("organization", {}).get("records", 0)
    accounts_n = result.counts.get("identifier", {}).get("records", 0)
    typer.echo(
        f"{result.records} records in {len(result.collections)} collections "
        f"({people} people, {orgs} companies/organisations, {accounts_n} accounts/wallets): "
        f"candidates {result.candidates}, merged {result.merged} "
        f"(new merges {result.merges}), queued {result.queued}"
    )
