"""`usalama justice`: justice-chain KPIs on an event log, and the platform's log exported."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from usalama.core.errors import InvalidInput

app = typer.Typer(
    help="Justice chain: KPIs (charge times, clearance, remand, 24-hour clock) on event logs.",
    no_args_is_help=True,
)


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@app.command("kpis")
def kpis_command(
    events: Annotated[
        Path, typer.Option("--events", help="CSV: case_id,accused_id,event,time,detail.")
    ],
    date_from: Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")],
    date_to: Annotated[
        str, typer.Option("--to", help="Day after the period (YYYY-MM-DD), excluded.")
    ],
    tz: Annotated[
        str, typer.Option("--tz", help="Time zone of the period's midnights.")
    ] = "Africa/Nairobi",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Compute the justice KPIs over [--from 00:00, --to 00:00) in --tz."""
    from usalama.analysis.justice import Period, compute_kpis_file

    period = Period.of(parse_day(date_from, "--from"), parse_day(date_to, "--to"), tz)
    figures = compute_kpis_file(events, period)
    if as_json:
        typer.echo(json.dumps(figures))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            for sub, number in value.items():
                typer.echo(f"{key}.{sub:<28} {_format(number)}")
        else:
            typer.echo(f"{key:<38} {_format(value)}")


@app.command("export-events")
def export_events_command(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Only the cases this user sees (default: every case)."),
    ] = None,
) -> None:
    """Write the platform's justice event log in the format `usalama justice kpis` reads."""
    from usalama.commands.platform import setup_django

    setup_django()
    from usalama.analysis.justice import iter_csv_lines
    from usalama.cases import services

    user = _user(as_user)
    events = services.event_log(user)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(iter_csv_lines(events))
    partial.replace(out)
    typer.echo(f"{len(events)} events written to {out}", err=True)


def _user(username: str | None) -> Any:
    if username is None:
        return None
    from usalama.accounts.models import User
    from usalama.core.errors import NotFound

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user
