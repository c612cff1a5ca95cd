"""`usalama money`: Money and crypto tracing on transaction files: typologies, taint tracing, address clustering."""

from __future__ import annotations

import typer

app = typer.Typer(help="Money and crypto tracing on transaction files: typologies, taint tracing, address clustering.", no_args_is_help=True)
