"""`usalama kpis`: compute the indicators of a month, place stations in wards, and print the
indicator catalogue (docs/kpis.md is written from it)."""

from __future__ import annotations

from typing import Annotated

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="Indicators (KPIs): compute months, place stations in wards, print the catalogue.",
    no_args_is_help=True,
)


@app.command("compute")
def compute_command(
    period: Annotated[
        list[str] | None,
        typer.Option("--period", help="Month YYYY-MM (repeatable). Default: this and last month."),
    ] = None,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule", help="Also book the hourly background job (the worker runs it)."
        ),
    ] = False,
) -> None:
    """Recompute every indicator of the month(s) into the KPI table, now."""
    setup_django()
    from usalama.kpis import compute
    from usalama.kpis import schedule as booking

    for month in period or compute.recent_periods():
        rows = compute.compute_period(month)
        typer.echo(f"{month}: {rows} values")
    if schedule:
        booked = booking.ensure_scheduled()
        typer.echo("background job booked" if booked else "background job already booked")


@app.command("station")
def station_command(
    name: Annotated[str, typer.Argument(help="The station as incidents name it.")],
    ward: Annotated[str, typer.Argument(help="IEBC ward code (kenya_wards.csv).")],
) -> None:
    """Place a police station in its ward (incidents then count for the ward and above)."""
    setup_django()
    from usalama.data import areas
    from usalama.kpis import services

    placed = services.map_station(name, ward)
    typer.echo(f"{placed.station} → {areas.ward_label(placed.ward_code)}")


@app.command("catalogue")
def catalogue_command() -> None:
    """Print the indicator catalogue as Markdown (the table in docs/kpis.md)."""
    setup_django()
    from usalama.kpis.catalogue import markdown

    typer.echo(markdown(), nl=False)
