"""Justice chain engine: the event log of cases from report to appeal, its KPIs and clocks.

No Django: the KPIs on DuckDB (a plain-Python reference beside them) over a CSV log
(``case_id,accused_id,event,time,detail``).
"""

from usalama.analysis.justice.clocks import (
    ClockBreach,
    RemandSpell,
    court_clock_breaches,
    open_remands,
)
from usalama.analysis.justice.events import (
    COLUMNS,
    DETAILS,
    EVENTS,
    Event,
    check_event,
    iter_csv_lines,
    parse_time,
    read_events,
    read_events_file,
)
from usalama.analysis.justice.kpis import (
    ATTRITION_KEYS,
    KPI_KEYS,
    Period,
    compute_kpis,
    compute_kpis_file,
    compute_kpis_series,
)
from usalama.analysis.justice.reference import compute_kpis_reference

__all__ = [
    "ATTRITION_KEYS",
    "COLUMNS",
    "DETAILS",
    "EVENTS",
    "KPI_KEYS",
    "ClockBreach",
    "Event",
    "Period",
    "RemandSpell",
    "check_event",
    "compute_kpis",
    "compute_kpis_file",
    "compute_kpis_reference",
    "compute_kpis_series",
    "court_clock_breaches",
    "iter_csv_lines",
    "open_remands",
    "parse_time",
    "read_events",
    "read_events_file",
]
