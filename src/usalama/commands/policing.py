"""`usalama incidents`: import calls for service / incidents and report response times."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from usalama.commands.platform import setup_django
from usalama.core.errors import NotFound

app = typer.Typer(
    help="Incidents and calls for service: import files, report response times.",
    no_args_is_help=True,
)


def _user(username: str | None) -> object:
    if username is None:
        return None
    from usalama.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files; all or nothing.")],
    collection: Annotated[str, typer.Option("--collection", help="Collection key.")],
    mapping: Annotated[
        str, typer.Option("--mapping", help="seattle, portland, or a YAML/JSON mapping file.")
    ],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Agency code owning a new collection.")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Import as this user (their agency and rights).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Label of a new collection.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import incident files into a collection (idempotent: re-import updates in place)."""
    setup_django()
    from usalama.policing import services

    result = services.import_incidents(
        _user(as_user),
        [str(f) for f in files],
        collection,
        mapping,
        agency_code=agency,
        label=label,
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo(
        f"{result.collection}: {result.created} new, {result.updated} updated from "
        f"{result.rows_read} rows in {len(result.files)} file(s) (mapping {result.mapping}); "
        f"{result.skipped_no_time} without a time skipped, {result.no_coordinates} without "
        f"a location, {result.duplicates} repeated ids"
    )


@app.command("response-times")
def response_times_command(
    collection: Annotated[str, typer.Option("--collection", help="Collection key.")],
    standard: Annotated[
        list[str] | None,
        typer.Option("--standard", help="PRIORITY=MINUTES, e.g. P1=15; repeatable."),
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Report as this user (default: any owner view).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Median and 90th-percentile response times by priority, station, beat, hour, weekday."""
    setup_django()
    from usalama.policing import services
    from usalama.policing.response import parse_standards

    standards = parse_standards(standard or [])
    user = _user(as_user)
    if user is None:
        view = services.operator_response_times(collection, standards=standards)
    else:
        view = services.response_times(user, collection, standards=standards)
    report = view.report

    def rows(table: object) -> list[dict[str, object]]:
        return list(table.iter_rows(named=True))  # type: ignore[attr-defined]

    if as_json:
        payload = {
            "collection": view.collection.key,
            "calls": report.calls,
            "available": report.available,
            "intervals": rows(report.overall),
            "by": {dim: rows(table) for dim, table in report.by.items()},
            "standards": rows(report.standards),
        }
        typer.echo(json.dumps(payload, default=str))
        return

    def fmt(value: object) -> str:
        return "-" if value is None else f"{value:.1f}"

    typer.echo(f"{view.collection.key}: {report.calls} calls")
    typer.echo(f"{'interval':<10} {'measured':>8} {'median':>8} {'p90':>8}  (minutes)")
    for row in rows(report.overall):
        typer.echo(
            f"{row['interval']:<10} {row['measured']:>8} "
            f"{fmt(row['median']):>8} {fmt(row['p90']):>8}"
        )
    typer.echo("")
    typer.echo(f"{'priority':<10} {'calls':>6} {'measured':>8} {'median':>8} {'p90':>8}")
    for row in rows(report.by["priority"]):
        typer.echo(
            f"{row['priority'] or '-':<10} {row['calls']:>6} {row['measured']:>8} "
            f"{fmt(row['median']):>8} {fmt(row['p90']):>8}"
        )
    for row in rows(report.standards):
        share = "-" if row["share"] is None else f"{100 * float(str(row['share'])):.1f} %"
        typer.echo(
            f"standard P{row['priority']} <= {row['standard_minutes']:g} min: "
            f"{row['met']}/{row['measured']} = {share}"
        )


@app.command("forecast")
def forecast_command(
    collection: Annotated[str, typer.Option("--collection", help="Incident collection key.")],
    as_user: Annotated[str, typer.Option("--as", help="Forecast as this user (their rights).")],
    method: Annotated[str, typer.Option("--method", help="naive, kde, etas or best.")] = "best",
    cell: Annotated[float, typer.Option("--cell", help="Cell size.")] = 600.0,
    units: Annotated[str, typer.Option("--units", help="m or ft.")] = "ft",
    train: Annotated[float, typer.Option("--train-days", help="Training window (days).")] = 31.0,
    horizon: Annotated[float, typer.Option("--horizon-days", help="Forecast window.")] = 7.0,
    top: Annotated[int, typer.Option("--top", help="Cells to keep.")] = 50,
    as_of: Annotated[
        str,
        typer.Option(
            "--as-of",
            help="Forecast as made on this past day (YYYY-MM-DD), from the incidents before it "
            "only; the KPI job then scores it (forecast hit rate, PAI).",
        ),
    ] = "",
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Queue it for the background worker and print its id (see forecast-show).",
        ),
    ] = False,
) -> None:
    """Forecast the hotspots after a collection's last incident (stored; audited once)."""
    setup_django()
    import datetime as dt

    from usalama.core.errors import InvalidInput
    from usalama.policing import forecasts

    extra: dict[str, dt.date] = {}
    if as_of:
        try:
            extra["as_of"] = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput(f"--as-of: give a day as YYYY-MM-DD, not {as_of!r}") from None
    run = forecasts.start_forecast(
        _user(as_user), collection, method=method, cell_size=cell, units=units,
        train_days=train, horizon_days=horizon, top=top, **extra,
    )  # fmt: skip
    if background:
        typer.echo(f"forecast {run.pk} queued")
        return
    run = forecasts.run_forecast(run.pk)
    typer.echo(json.dumps({"id": run.pk, "status": run.status, "error": run.error,
                           "result": run.result}))  # fmt: skip


@app.command("forecast-show")
def forecast_show_command(
    run_id: Annotated[int, typer.Argument(help="The forecast's id.")],
    as_user: Annotated[str, typer.Option("--as", help="The user who queued it.")],
) -> None:
    """Print a stored forecast (status, and its cells and patrol plan once done) as JSON."""
    setup_django()
    from usalama.policing import forecasts

    run = forecasts.get_forecast(_user(as_user), run_id)
    typer.echo(json.dumps({"id": run.pk, "status": run.status, "attempts": run.attempts,
                           "error": run.error, "result": run.result}))  # fmt: skip
