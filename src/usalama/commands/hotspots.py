"""`usalama hotspots`: Crime hotspots and forecasting on incident files: backtests of naive, KDE and ETAS forecasts."""  # noqa: E501

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from usalama.core.errors import InvalidInput
from usalama.core.spreadsheets import defuse_frame

if TYPE_CHECKING:
    from usalama.analysis.hotspots import HotspotData

app = typer.Typer(
    help="Crime hotspots and forecasting on incident files: backtests of naive, KDE and ETAS forecasts.",  # noqa: E501
    no_args_is_help=True,
)

Incidents = Annotated[
    list[Path],
    typer.Option("--incidents", help="Incident file (CSV or XLSX); repeat to concatenate files."),
]
XCol = Annotated[str, typer.Option("--x-col", help="Column with x (longitude for lat/lon data).")]
YCol = Annotated[str, typer.Option("--y-col", help="Column with y (latitude for lat/lon data).")]
TimeCol = Annotated[str, typer.Option("--time-col", help="Column with the date or date-time.")]
HourCol = Annotated[
    str | None, typer.Option("--hour-col", help="Optional column with the hour of day (0-23).")
]
Crs = Annotated[str, typer.Option("--crs", help="CRS of the x/y columns, e.g. EPSG:2913.")]
CellSize = Annotated[float, typer.Option("--cell-size", help="Side of a square cell.")]
UnitsOpt = Annotated[str, typer.Option("--units", help="Unit of --cell-size: m or ft.")]
Where = Annotated[
    list[str] | None,
    typer.Option("--where", help="Keep rows where COLUMN=VALUE (trimmed); repeatable (AND)."),
]
TrainDays = Annotated[float, typer.Option("--train-days", help="Days of history to train on.")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _load(
    incidents: list[Path],
    x_col: str,
    y_col: str,
    time_col: str,
    hour_col: str | None,
    crs: str,
    cell_size: float,
    units: str,
    where: list[str] | None,
) -> HotspotData:
    from usalama.analysis.hotspots import load, parse_where

    if units not in ("m", "ft"):
        raise InvalidInput(f"--units must be m or ft, not {units!r}")
    _, data = load(
        [str(p) for p in incidents],
        x_col=x_col,
        y_col=y_col,
        time_col=time_col,
        hour_col=hour_col,
        where=parse_where(where or []),
        crs=crs,
        cell_size=cell_size,
        units="m" if units == "m" else "ft",
    )
    return data


def parse_coverages(text: str) -> list[tuple[str, float]]:
    """``0.01,.05`` -> [("0.01", 0.01), (".05", 0.05)]: labels kept exactly as written."""
    from usalama.analysis.hotspots import check_coverage

    parsed = []
    for label in (part.strip() for part in text.split(",")):
        try:
            value = float(label)
        except ValueError:
            raise InvalidInput(f"coverage {label!r} is not a number") from None
        parsed.append((label, check_coverage(value)))
    if not parsed:
        raise InvalidInput("give at least one coverage")
    return parsed


def _methods(text: str) -> list[str]:
    from usalama.analysis.hotspots import check_methods

    return check_methods([m.strip() for m in text.split(",") if m.strip()])


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _day(days: float) -> str:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(days=days)).isoformat(sep=" ")


def _origin(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--origin {text!r} is not a date (YYYY-MM-DD)") from None
    return (moment - dt.datetime(1970, 1, 1)).total_seconds() / 86_400


@app.command()
def backtest(
    incidents: Incidents,
    x_col: XCol,
    y_col: YCol,
    time_col: TimeCol,
    hour_col: HourCol = None,
    crs: Crs = "EPSG:4326",
    cell_size: CellSize = 250.0,
    units: UnitsOpt = "m",
    coverage: Annotated[
        str, typer.Option("--coverage", help="Comma-separated shares of study cells to flag.")
    ] = "0.01,0.05",
    train_days: TrainDays = 365.0,
    test_days: Annotated[float, typer.Option("--test-days", help="Days per test window.")] = 28.0,
    folds: Annotated[int, typer.Option("--folds", help="Number of rolling test windows.")] = 3,
    methods: Annotated[
        str, typer.Option("--methods", help="Comma-separated: naive, kde, etas, best.")
    ] = "naive,kde,etas",
    where: Where = None,
    as_json: JsonOut = False,
) -> None:
    """Rolling-origin backtest: hit rate, PAI and PEI per method and coverage."""
    from usalama.analysis.hotspots import backtest as run_backtest

    coverages = parse_coverages(coverage)
    chosen = _methods(methods)
    data = _load(incidents, x_col, y_col, time_col, hour_col, crs, cell_size, units, where)
    result = run_backtest(
        data,
        coverages=[value for _, value in coverages],
        train_days=train_days,
        test_days=test_days,
        folds=folds,
        methods=chosen,
    )
    table = {
        method: {
            label: {
                "hit_rate": _number(summary.hit_rate),
                "pai": _number(summary.pai),
                "pei": _number(summary.pei),
            }
            for (label, _), summary in zip(coverages, summaries, strict=True)
        }
        for method, summaries in result.methods.items()
    }
    report: dict[str, object] = {
        "study_cells": result.study_cells,
        "methods": table,
        "folds": len(result.origins),
        "test_windows_start": [_day(origin) for origin in result.origins],
        "train_days": train_days,
        "test_days": test_days,
    }
    if result.best_choices:
        report["best_chosen"] = result.best_choices
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    view = Table(
        title=f"Backtest: {len(result.origins)} fold(s), {train_days:g} train / "
        f"{test_days:g} test days, {result.study_cells} study cells"
    )
    for heading in ("method", "coverage", "hit rate", "PAI", "PEI"):
        view.add_column(heading, justify="left" if heading == "method" else "right")
    for method, by_coverage in table.items():
        for label, figures in by_coverage.items():
            view.add_row(
                method, label, *(f"{v:.3f}" if v is not None else "-" for v in figures.values())
            )
    Console().print(view)
    if result.best_choices:
        typer.echo(f"best chose, per fold: {', '.join(result.best_choices)}")


@app.command()
def forecast(
    incidents: Incidents,
    x_col: XCol,
    y_col: YCol,
    time_col: TimeCol,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write scored cells: .geojson, .json or .csv.")
    ] = None,
    hour_col: HourCol = None,
    crs: Crs = "EPSG:4326",
    cell_size: CellSize = 250.0,
    units: UnitsOpt = "m",
    method: Annotated[str, typer.Option("--method", help="naive, kde, etas or best.")] = "best",
    train_days: TrainDays = 365.0,
    horizon_days: Annotated[
        float, typer.Option("--horizon-days", help="Length of the forecast window in days.")
    ] = 7.0,
    origin: Annotated[
        str | None,
        typer.Option("--origin", help="Start of the forecast window (default: end of data)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Cells to print.")] = 10,
    where: Where = None,
    as_json: JsonOut = False,
) -> None:
    """Score every study cell for the next window; optionally write them as GeoJSON or CSV."""
    from usalama.analysis.hotspots import forecast as run_forecast
    from usalama.analysis.hotspots import write_cells

    if out is not None and out.suffix.lower() not in {".geojson", ".json", ".csv"}:
        raise InvalidInput(f"{out}: output must end in .geojson, .json or .csv")
    data = _load(incidents, x_col, y_col, time_col, hour_col, crs, cell_size, units, where)
    result = run_forecast(
        data,
        method=method.strip(),
        train_days=train_days,
        horizon_days=horizon_days,
        origin=_origin(origin),
    )
    if out is not None:
        write_cells(result.cells, out)
    shown = result.cells.head(top).drop("polygon")
    if as_json:
        summary = {
            "method": result.method,
            "window_start": _day(result.origin),
            "horizon_days": horizon_days,
            "study_cells": result.cells.height,
            "top": shown.to_dicts(),
            "out": str(out) if out else None,
        }
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_frame(shown, f"Forecast ({result.method}) from {_day(result.origin)}")


@app.command()
def patrol(
    incidents: Incidents,
    x_col: XCol,
    y_col: YCol,
    time_col: TimeCol,
    hour_col: HourCol = None,
    crs: Crs = "EPSG:4326",
    cell_size: CellSize = 250.0,
    units: UnitsOpt = "m",
    method: Annotated[str, typer.Option("--method", help="naive, kde, etas or best.")] = "best",
    train_days: TrainDays = 365.0,
    horizon_days: Annotated[
        float, typer.Option("--horizon-days", help="Days the plan is for.")
    ] = 7.0,
    cells: Annotated[int, typer.Option("--cells", help="How many top cells to patrol.")] = 10,
    visit_minutes: Annotated[
        int, typer.Option("--visit-minutes", help="Minutes per visit (Koper: 12-16).")
    ] = 15,
    revisit_minutes: Annotated[
        int, typer.Option("--revisit-minutes", help="Minutes between visits to a cell.")
    ] = 120,
    shift_start: Annotated[
        str, typer.Option("--shift-start", help="Shift start, HH:MM.")
    ] = "08:00",
    shift_hours: Annotated[float, typer.Option("--shift-hours", help="Shift length.")] = 8.0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the plan as .csv or .json.")
    ] = None,
    where: Where = None,
    as_json: JsonOut = False,
) -> None:
    """Patrol plan: top cells with Koper-curve visit lengths, revisit interval and times."""
    from usalama.analysis.hotspots import PatrolSettings, patrol_plan
    from usalama.analysis.hotspots import forecast as run_forecast

    try:
        start = dt.time.fromisoformat(shift_start)
    except ValueError:
        raise InvalidInput(f"--shift-start {shift_start!r} is not a time (HH:MM)") from None
    settings = PatrolSettings(cells, visit_minutes, revisit_minutes, start, shift_hours)
    settings.check()
    if out is not None and out.suffix.lower() not in {".csv", ".json"}:
        raise InvalidInput(f"{out}: output must end in .csv or .json")
    data = _load(incidents, x_col, y_col, time_col, hour_col, crs, cell_size, units, where)
    result = run_forecast(
        data, method=method.strip(), train_days=train_days, horizon_days=horizon_days
    )
    plan = patrol_plan(result, settings)
    if out is not None:
        if out.suffix.lower() == ".json":
            out.write_text(json.dumps(plan.to_dicts(), indent=2), encoding="utf-8")
        else:
            defuse_frame(plan.with_columns(plan["visit_times"].list.join(" "))).write_csv(out)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "method": result.method,
                    "window_start": _day(result.origin),
                    "cells": plan.to_dicts(),
                },
                indent=2,
            )
        )
        return
    _print_frame(
        plan.with_columns(plan["visit_times"].list.join(" ")),
        f"Patrol plan ({result.method}) from {_day(result.origin)}",
    )


def _print_frame(frame: object, title: str) -> None:
    import polars as pl
    from rich.console import Console
    from rich.table import Table

    assert isinstance(frame, pl.DataFrame)
    view = Table(title=title)
    for column in frame.columns:
        view.add_column(column)
    # Coordinates need five decimals (about a metre); scores read better short.
    precision = [".5f" if c.endswith(("_lat", "_lon")) else ".4g" for c in frame.columns]
    for row in frame.iter_rows():
        view.add_row(
            *(
                format(v, fmt) if isinstance(v, float) else str(v)
                for v, fmt in zip(row, precision, strict=True)
            )
        )
    Console().print(view)
