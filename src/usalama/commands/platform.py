"""Platform commands: migrate, serve, demo, createuser, token, audit."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the platform commands to the root CLI."""
