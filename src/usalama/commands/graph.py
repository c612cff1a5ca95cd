"""`usalama graph`: Network analysis on edge lists: rank, communities, paths, expansion."""

from __future__ import annotations

import typer

app = typer.Typer(help="Network analysis on edge lists: rank, communities, paths, expansion.", no_args_is_help=True)
