"""`usalama resolve`: link or dedupe plain files, or run resolution over the database."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Entity resolution: link or dedupe plain files, or run resolution over the database.",
    no_args_is_help=True,
)
