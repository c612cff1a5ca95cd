"""Crime hotspots and forecasting: grids, Gi*, naive / prospective-KDE / ETAS forecasts,
rolling-origin backtests (hit rate, PAI, PEI) and Koper-curve patrol plans.

Typical use (what ``usalama hotspots`` and the web app do)::

    from usalama.analysis import hotspots

    table, data = hotspots.load(["calls.xlsx"], x_col="x_coordinate", y_col="y_coordinate",
                                time_col="occ_date", crs="EPSG:2913", cell_size=600, units="ft")
    result = hotspots.backtest(data, coverages=[0.01, 0.05], train_days=31, test_days=7)
    plan = hotspots.patrol_plan(hotspots.forecast(data, train_days=31, horizon_days=7))

No Django here: frames, arrays and dataclasses in, frames and dataclasses out.
"""

from usalama.analysis.hotspots.backtest import (
    BEST,
    FORECASTERS,
    METHOD_NAMES,
    BacktestResult,
    Summary,
    backtest,
    check_methods,
    choose_best,
    fold_origins,
    forecast_grid,
)
from usalama.analysis.hotspots.etas import (
    EtasFit,
    EtasSettings,
    etas_forecast,
    expected_counts,
    find_pairs,
    fit_etas,
)
from usalama.analysis.hotspots.events import (
    HotspotData,
    days_since_epoch,
    from_plane_arrays,
    load,
    prepare,
)
from usalama.analysis.hotspots.forecast import Forecast, forecast, to_geojson, write_cells
from usalama.analysis.hotspots.grid import SquareGrid, h3_cell_ids
from usalama.analysis.hotspots.kde import (
    ProspectiveKdeParameters,
    gaussian_density,
    naive_forecast,
    prospective_kde_forecast,
)
from usalama.analysis.hotspots.metrics import (
    Metrics,
    check_coverage,
    evaluate,
    flagged_cell_count,
    top_cells,
)
from usalama.analysis.hotspots.patrol import PatrolSettings, patrol_plan
from usalama.analysis.hotspots.projection import Plane, parse_crs, plane_for, project, utm_crs_for
from usalama.analysis.hotspots.readers import IncidentTable, parse_where, read_incidents
from usalama.analysis.hotspots.scoring import hits_in_cells
from usalama.analysis.hotspots.simulate import SimulatedEvents, simulate_etas
from usalama.analysis.hotspots.spatial_stats import (
    cell_counts,
    getis_ord_cells,
    getis_ord_h3,
    h3_counts,
)

__all__ = [
    "BEST",
    "FORECASTERS",
    "METHOD_NAMES",
    "BacktestResult",
    "EtasFit",
    "EtasSettings",
    "Forecast",
    "HotspotData",
    "IncidentTable",
    "Metrics",
    "PatrolSettings",
    "Plane",
    "ProspectiveKdeParameters",
    "SimulatedEvents",
    "SquareGrid",
    "Summary",
    "backtest",
    "cell_counts",
    "check_coverage",
    "check_methods",
    "choose_best",
    "days_since_epoch",
    "etas_forecast",
    "evaluate",
    "expected_counts",
    "find_pairs",
    "fit_etas",
    "flagged_cell_count",
    "fold_origins",
    "forecast",
    "forecast_grid",
    "from_plane_arrays",
    "gaussian_density",
    "getis_ord_cells",
    "getis_ord_h3",
    "h3_cell_ids",
    "h3_counts",
    "hits_in_cells",
    "load",
    "naive_forecast",
    "parse_crs",
    "parse_where",
    "patrol_plan",
    "plane_for",
    "prepare",
    "project",
    "prospective_kde_forecast",
    "read_incidents",
    "simulate_etas",
    "to_geojson",
    "top_cells",
    "utm_crs_for",
    "write_cells",
]
