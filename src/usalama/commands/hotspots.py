"""`usalama hotspots`: Crime hotspots and forecasting on incident files: backtests of naive, KDE and ETAS forecasts."""

from __future__ import annotations

import typer

app = typer.Typer(help="Crime hotspots and forecasting on incident files: backtests of naive, KDE and ETAS forecasts.", no_args_is_help=True)
