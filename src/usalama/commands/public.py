"""`usalama public`: publish a month's tables for the public portal, list and re-check them."""

from __future__ import annotations

from typing import Annotated

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="Public portal: publish a month's disclosure-checked tables, list and re-check them.",
    no_args_is_help=True,
)


@app.command("publish")
def publish(
    month: Annotated[
        str,
        typer.Option("--month", help="The month to publish, YYYY-MM (a complete month)."),
    ],
) -> None:
    """Build every table of a month (reports by place and category, response times, complaints,
    courts), run the disclosure check and store the checked tables; replaces an earlier run."""
    setup_django()
    from usalama.audit.services import Actor
    from usalama.public import services

    tables = services.publish_month(Actor(name="cli"), month)
    for table in tables:
        typer.echo(f"{table.kind:<11} {len(table.rows):>6} rows  {table.withheld:>5} withheld")
    typer.echo(f"published {month} (k = {services.threshold()})")


@app.command("schedule")
def schedule_command() -> None:
    """Book the hourly background job that publishes each newly completed month (the worker
    runs it; a month that fails the disclosure check is logged and audited, never served)."""
    setup_django()
    from usalama.public import schedule

    booked = schedule.ensure_scheduled()
    typer.echo("background job booked" if booked else "background job already booked")


@app.command("months")
def months() -> None:
    """List the months published, newest first."""
    setup_django()
    from usalama.public import services

    for month in services.months():
        typer.echo(month)


@app.command("verify")
def verify(
    month: Annotated[str, typer.Option("--month", help="A published month, YYYY-MM.")],
) -> None:
    """Run the LP auditor again on a stored month: exit 6 if any withheld cell is recoverable."""
    setup_django()
    from usalama.core.errors import IntegrityFailure
    from usalama.public import services

    failing = services.recheck(services.parse_month(month))
    if failing:
        raise IntegrityFailure(f"{len(failing)} cells of {month} fail the disclosure check")
    typer.echo(f"{month}: every withheld cell is protected")
