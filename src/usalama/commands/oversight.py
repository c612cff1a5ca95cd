"""`usalama oversight`: early intervention on plain files — score officers, backtest the model
against threshold rules, and audit a flagged list for fairness. A flag is an offer of support
and supervision, never a sanction."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput

app = typer.Typer(
    help="Oversight: early-intervention scores, backtests and fairness audits on plain files.",
    no_args_is_help=True,
)
eis = typer.Typer(
    help="Early intervention: score officers, backtest against threshold rules, audit fairness.",
    no_args_is_help=True,
)
app.add_typer(eis, name="eis")

Officers = Annotated[
    Path,
    typer.Option(
        "--officers", help="officer_id,birth_year,gender,race,appointed_date,resigned_date"
    ),
]
Complaints = Annotated[
    Path,
    typer.Option(
        "--complaints",
        help="Allegations: officer_id, complaint_date, category_code, use_of_force, finding, ...",
    ),
]
Force = Annotated[
    Path,
    typer.Option(
        "--force",
        help="Force reports: event_id,officer_id,date,firearm_used,taser_used,officer_injured",
    ),
]
Units = Annotated[
    Path, typer.Option("--units", help="Postings: officer_id,unit,start_date,end_date")
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InvalidInput(f"{option} must be a YYYY-MM-DD date, not {text!r}") from error


def parse_share(text: str) -> float:
    """``5%`` or ``0.05`` -> 0.05."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError as error:
        raise InvalidInput(f"--top must be a share such as 5% or 0.05, not {text!r}") from error
    if not 0 < value <= 1:
        raise InvalidInput(f"--top must be above 0% and at most 100%, not {text!r}")
    return value


@eis.command("score")
def score_command(
    officers: Officers,
    complaints: Complaints,
    force: Force,
    units: Units,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Score officers active at this date (YYYY-MM-DD).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Write officer_id,score,top_factors here (CSV).")
    ],
    reconstruct: Annotated[
        bool,
        typer.Option(
            "--reconstruct",
            help="Historical files: first drop what was not yet known at --as-of (later rows; "
            "findings closed after it, or undated and under 730 days old).",
        ),
    ] = False,
) -> None:
    """Train on earlier cut-offs and score every officer active at --as-of.

    Findings count as the input gives them (blank the ones not yet known at the date), unless
    --reconstruct asks for the closing-date rule.
    """
    from rich.progress import Progress

    from usalama.analysis import oversight

    when = parse_date(as_of, "--as-of")
    with Progress(transient=True) as progress:
        task = progress.add_task("reading", total=3)
        data = oversight.load(officers, complaints, force, units)
        if reconstruct:
            data = oversight.known_at(data, when)
        progress.update(task, advance=1, description="training")
        model = oversight.train(data, when)
        progress.update(task, advance=1, description="scoring")
        _, _, scores = oversight.score(data, when, model=model)
        progress.update(task, advance=1)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = spreadsheets.writer(handle)
        writer.writerow(["officer_id", "score", "top_factors"])
        for item in scores:
            writer.writerow(
                [item.officer_id, f"{item.score:.6f}", oversight.format_factors(item.top_factors)]
            )
    typer.echo(
        f"scored {len(scores)} officers active at {when} with {model.version} "
        f"(trained on {model.training_rows} officer-dates from "
        f"{len(model.training_cutoffs)} cut-offs) -> {out}"
    )


@eis.command("backtest")
def backtest_command(
    officers: Officers,
    complaints: Complaints,
    force: Force,
    units: Units,
    cutoffs: Annotated[
        str,
        typer.Option(
            "--cutoffs", help="Comma-separated cut-off dates, e.g. 2009-01-01,2010-01-01."
        ),
    ],
    top: Annotated[
        str, typer.Option("--top", help="Comma-separated shares flagged, e.g. 1%,2%,5%.")
    ] = "1%,2%,5%",
    json_out: JsonOut = False,
) -> None:
    """At each cut-off, reconstruct what was known, train on earlier cut-offs and count next year's
    adverse events caught by the model's top shares and by both threshold rules'."""
    from rich.progress import Progress

    from usalama.analysis import oversight

    dates = [parse_date(part, "--cutoffs") for part in cutoffs.split(",") if part.strip()]
    if not dates:
        raise InvalidInput("--cutoffs needs at least one date")
    shares = tuple(parse_share(part) for part in top.split(",") if part.strip())
    data = oversight.load(officers, complaints, force, units)
    with Progress(transient=True) as progress:
        task = progress.add_task("backtest", total=len(dates))
        result = oversight.backtest(
            data, dates, shares, progress=lambda _: progress.update(task, advance=1)
        )
    report = result.as_dict()
    if json_out:
        typer.echo(json.dumps(report, indent=2))
        return
    _print_backtest(result)


def _print_backtest(result: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from usalama.analysis.oversight import METHODS, BacktestResult, share_label

    assert isinstance(result, BacktestResult)
    labels = [share_label(s) for s in result.shares]
    table = Table(title="Officers with an adverse event in the next year, caught in the top share")
    table.add_column("cut-off")
    table.add_column("officers", justify="right")
    table.add_column("with event", justify="right")
    for method in METHODS:
        for label in labels:
            table.add_column(f"{method} {label}", justify="right")
    for c in result.cutoffs:
        table.add_row(
            c.cutoff.isoformat(),
            str(c.officers),
            str(c.with_adverse_event),
            *(f"{c.caught[m][lb]:g}" for m in METHODS for lb in labels),
        )
    table.add_row(
        "total",
        "",
        str(sum(c.with_adverse_event for c in result.cutoffs)),
        *(f"{result.total(m, lb):g}" for m in METHODS for lb in labels),
    )
    console = Console()
    console.print(table)
    for label in labels:
        console.print(f"model / better rule at {label}: {result.ratio_to_best_rule(label):.3f}")


@eis.command("outcomes")
def outcomes_command(
    officers: Officers,
    complaints: Complaints,
    force: Force,
    units: Units,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Officers active at this date (YYYY-MM-DD).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Write officer_id,adverse here (CSV).")],
) -> None:
    """Write whether each officer active at --as-of had an adverse event in the following year
    (the outcomes file that `eis fairness` reads)."""
    from usalama.analysis import oversight

    when = parse_date(as_of, "--as-of")
    data = oversight.load(officers, complaints, force, units)
    frame = oversight.outcomes_at(data, when)
    spreadsheets.defuse_frame(frame).write_csv(out)
    typer.echo(
        f"{frame.height} officers, {int(frame['adverse'].sum())} with an adverse event -> {out}"
    )


@eis.command("fairness")
def fairness_command(
    scores: Annotated[
        Path, typer.Option("--scores", help="officer_id,score[,top_factors] (from `eis score`).")
    ],
    officers: Officers,
    outcomes: Annotated[
        Path, typer.Option("--outcomes", help="officer_id,adverse (0/1) (from `eis outcomes`).")
    ],
    group: Annotated[str, typer.Option("--group", help="race, gender or age_band.")] = "race",
    top: Annotated[str, typer.Option("--top", help="Share flagged, e.g. 5%.")] = "5%",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the ages are taken at (age_band); default today."),
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """Aequitas-style audit of the top share: flag rate, precision, FPR and FNR per group, and
    each one's disparity ratio to the largest group."""
    import polars as pl

    from usalama.analysis import oversight
    from usalama.analysis.oversight.data import OFFICER_COLUMNS, _read, prepare_officers

    share = parse_share(top)
    when = parse_date(as_of, "--as-of") if as_of else None
    officer_frame = prepare_officers(_read(officers, OFFICER_COLUMNS, "officers"))
    score_frame = _read(scores, ("officer_id", "score"), "scores")
    outcome_frame = _read(outcomes, ("officer_id", "adverse"), "outcomes")
    try:
        score_frame = score_frame.with_columns(pl.col("score").cast(pl.Float64))
        outcome_frame = outcome_frame.with_columns(pl.col("adverse").cast(pl.Int64))
    except pl.exceptions.InvalidOperationError as error:
        raise InvalidInput("score must be a number and adverse 0 or 1") from error
    flagged = oversight.flag_top(score_frame, share)
    table = oversight.audit(flagged, outcome_frame, officer_frame, group, when)
    if json_out:
        typer.echo(json.dumps({"top": top, **table.as_dict()}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    view = Table(title=f"Fairness of the top {top} by {group} (reference: {table.reference_group})")
    for column in (
        "group",
        "officers",
        "flagged",
        "adverse",
        "flag rate",
        "precision",
        "FPR",
        "FNR",
        "flag rate ratio",
        "precision ratio",
        "FPR ratio",
        "FNR ratio",
    ):
        view.add_column(column, justify="left" if column == "group" else "right")

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    for row in table.rows:
        view.add_row(
            row.group,
            str(row.officers),
            str(row.flagged),
            str(row.adverse),
            *(fmt(row.metrics[m]) for m in oversight.METRICS),
            *(fmt(row.disparity[m]) for m in oversight.METRICS),
        )
    console = Console(width=max(Console().width, 150))
    console.print(view)
    console.print(
        f"largest disparity (groups of at least 50 officers): {table.max_disparity():.3f}"
    )


officers_app = typer.Typer(help="The officer registry (needs the database).", no_args_is_help=True)
app.add_typer(officers_app, name="officers")


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``service_number=PF No`` ... -> {field: column}."""
    mapping = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InvalidInput(f"--map takes FIELD=COLUMN, not {item!r}")
        mapping[field.strip()] = column.strip()
    return mapping


@officers_app.command("import")
def officers_import(
    agency: Annotated[
        str, typer.Option("--agency", help="Code of the officers' agency, e.g. NPS.")
    ],
    file: Annotated[Path, typer.Option("--file", help="CSV file of officers.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FIELD=COLUMN (fields: service_number, name, rank, gender, appointed_on, "
            "station, unit, posted_on); repeat. Unmapped fields use a column of the same name.",
        ),
    ] = None,
) -> None:
    """Import officers and their current postings; each officer becomes an FtM Person in the
    agency's officer collection, so that resolution links them to other records."""
    from usalama.commands.platform import setup_django

    setup_django()
    from usalama.accounts.models import Agency
    from usalama.audit.services import Actor
    from usalama.oversight import services
    from usalama.oversight.services import OFFICER_FIELDS

    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise InvalidInput(f"no agency with code {agency!r}")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {file}: {error.strerror}") from error
    header = data.decode("utf-8-sig", errors="replace").splitlines()[:1]
    columns = next(csv.reader(header), []) if header else []
    fields = {f: f for f in OFFICER_FIELDS if f in columns}
    fields.update(parse_mapping(mapping or []))
    result = services.import_officers(Actor(name="cli"), found, data, fields, source_name=file.name)
    typer.echo(
        f"{result.created} officers created, {result.updated} updated, "
        f"{result.postings} new postings in {found.code}"
    )


def parse_factors(text: str) -> list[dict[str, object]]:
    """``alleg_1y=4; force_alleg_5y=6`` -> [{"feature": "alleg_1y", "value": 4.0}, ...]."""
    factors: list[dict[str, object]] = []
    for part in (p.strip() for p in text.split(";")):
        name, sep, value = part.partition("=")
        if not part:
            continue
        try:
            factors.append({"feature": name.strip(), "value": float(value)})
        except ValueError as error:
            raise InvalidInput(f"top_factors must read name=number; ..., not {part!r}") from error
        if not sep:
            raise InvalidInput(f"top_factors must read name=number; ..., not {part!r}")
    return factors


@eis.command("publish")
def publish_command(
    agency: Annotated[
        str, typer.Option("--agency", help="Code of the officers' agency, e.g. NPS.")
    ],
    scores: Annotated[
        Path, typer.Option("--scores", help="officer_id,score,top_factors (eis score).")
    ],
    fairness: Annotated[
        list[Path],
        typer.Option("--fairness", help="A JSON table from `eis fairness --json`; repeat."),
    ],
    version: Annotated[str, typer.Option("--version", help="A name for this model version.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The date the scores were made at.")],
    top: Annotated[str, typer.Option("--top", help="Share of officers flagged, e.g. 5%.")] = "5%",
) -> None:
    """Load a scored list into the app as a model version with its fairness tables; the top
    share of officers found in the agency's registry (officer_id = service number) is flagged.
    A version over the disparity bound waits for a supervisor's sign-off."""
    import math

    from usalama.commands.platform import setup_django

    setup_django()
    from usalama.accounts.models import Agency
    from usalama.audit.services import Actor
    from usalama.oversight import services
    from usalama.oversight.models import Officer

    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise InvalidInput(f"no agency with code {agency!r}")
    when = parse_date(as_of, "--as-of")
    share = parse_share(top)
    try:
        with scores.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        tables = [json.loads(path.read_text(encoding="utf-8")) for path in fairness]
    except (OSError, json.JSONDecodeError) as error:
        raise InvalidInput(f"cannot read the scores or a fairness file: {error}") from error
    if not rows or "officer_id" not in rows[0] or "score" not in rows[0]:
        raise InvalidInput("the scores file needs officer_id and score columns")
    try:
        ranked = sorted(rows, key=lambda r: -float(r["score"]))
    except ValueError as error:
        raise InvalidInput("every score must be a number") from error
    disparities = [float(t.get("max_disparity") or math.inf) for t in tables if isinstance(t, dict)]
    if len(disparities) != len(tables):
        raise InvalidInput("each --fairness file must hold one table from `eis fairness --json`")
    top_rows = ranked[: math.ceil(share * len(ranked))]
    registry = {
        o.service_number: o
        for o in Officer.objects.filter(
            agency=found, service_number__in=[r["officer_id"] for r in top_rows]
        )
    }
    flags = [
        (registry[r["officer_id"]], float(r["score"]), parse_factors(r.get("top_factors") or ""))
        for r in top_rows
        if r["officer_id"] in registry
    ]
    actor = Actor(name="cli")
    model = services.publish_model(
        actor,
        found,
        version=version,
        as_of=when,
        metrics={"scored": len(rows), "flagged": len(top_rows), "in_registry": len(flags)},
        fairness=tables,
        max_disparity=max(disparities, default=1.0),
    )
    services.add_flags(actor, model, flags)
    state = "deployed" if model.deployed else "NOT deployed: needs a supervisor's sign-off"
    typer.echo(
        f"model {version}: {len(flags)} of {len(top_rows)} flagged officers are in {found.code}'s "
        f"registry; largest disparity {model.max_disparity:.2f} (bound {model.bound:.2f}) - {state}"
    )
