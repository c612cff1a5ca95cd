"""Justice KPIs over an event log, exactly as issue #14 defines them, computed on DuckDB.

The period is [from 00:00, to 00:00) in one time zone; "in the period" means the event's
time falls in it; "before to" means strictly before the period's end. An accused is a
(case, accused id) pair. Rates whose denominator is zero are ``None`` (JSON null), never 0.

The log becomes one DuckDB table (times as integer microseconds since the epoch, so every
offset compares exactly) and one SQL statement computes every figure. A CSV file is read by
DuckDB directly (``compute_kpis_file``) and checked in SQL against the same vocabulary as
``events.check_event``; if any row would not pass (or the file is not plain enough for the
fast reader), the strict Python reader reads it instead, so an error names its line and value
exactly as before. ``reference.compute_kpis_reference`` is the plain-Python oracle.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import polars as pl

from usalama.analysis.justice.events import DETAILS, Event, read_events_file
from usalama.core.errors import InvalidInput

DAY = 86400.0
COURT_CLOCK = timedelta(hours=24)  # Constitution of Kenya, Art. 49(1)(f)
BACKLOG_AGE = timedelta(days=365)
KPI_KEYS = (
    "arrests",
    "court_within_24h_rate",
    "charged",
    "median_days_report_to_charge",
    "judgments",
    "clearance_rate",
    "conviction_rate",
    "pending_at_end",
    "disposition_time_days",
    "backlog_share",
    "adjournment_rate",
    "median_remand_days",
    "unsentenced_detainee_share",
    "attrition",
)
ATTRITION_KEYS = ("cases_reported", "accused_arrested", "accused_charged", "accused_convicted")


@dataclass(frozen=True)
class Period:
    start: datetime  # in UTC
    end: datetime
    from_day: date | None = None  # as given, in ``tz``
    to_day: date | None = None
    tz: str = "UTC"

    @classmethod
    def of(cls, start: date, end: date, tz: str = "Africa/Nairobi") -> Period:
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown time zone {tz!r}") from None
        if end <= start:
            raise InvalidInput(f"--to ({end}) must be after --from ({start})")
        if start.year < 1900 or end.year > 9000:
            # far dates overflow once shifted to UTC, and no justice record is that old
            raise InvalidInput(f"the period {start} to {end} is outside the years 1900 to 9000")
        # midnights in the zone, held in UTC: comparisons with fixed offsets are cheaper
        return cls(
            datetime.combine(start, time(), zone).astimezone(UTC),
            datetime.combine(end, time(), zone).astimezone(UTC),
            start,
            end,
            tz,
        )

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / DAY


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_LOG_SCHEMA = {
    "case_id": pl.String,
    "accused_id": pl.String,
    "event": pl.String,
    "detail": pl.String,
    "us": pl.Int64,
}

# One statement over the table ``log(case_id, accused_id, event, detail, us)``; $start and
# $end are the period's bounds in microseconds. Each CTE is one definition of the issue.
KPI_SQL = """
WITH inside AS (SELECT * FROM log WHERE us >= $start AND us < $end),
reported AS (SELECT case_id, min(us) AS us FROM log WHERE event = 'reported' GROUP BY case_id),
-- every accused (any event with an accused id) and what happened to them before the end
accused AS (
  SELECT case_id, accused_id,
         min(us) FILTER (WHERE event = 'charged' AND us < $end) AS first_charge,
         count(*) FILTER (WHERE event = 'judgment' AND us < $end) AS judged,
         count(*) FILTER (WHERE event = 'judgment' AND detail = 'convicted' AND us < $end)
           AS convicted,
         count(*) FILTER (WHERE event = 'arrested' AND us < $end) AS arrested,
         max(us) FILTER (WHERE event = 'remanded' AND us < $end) AS last_remand,
         count(*) FILTER (WHERE event = 'sentenced' AND detail = 'custodial' AND us < $end)
           AS custodial
  FROM log WHERE accused_id <> '' GROUP BY case_id, accused_id
),
arrests AS (
  SELECT EXISTS (
           SELECT 1 FROM log f
           WHERE f.case_id = a.case_id AND f.accused_id = a.accused_id
             AND f.event = 'first_appearance' AND f.us >= a.us AND f.us - a.us <= $clock
         ) AS on_time
  FROM inside a WHERE a.event = 'arrested'
),
to_charge AS (
  SELECT CAST(c.us - r.us AS DOUBLE) / 1000000.0::DOUBLE / 86400.0::DOUBLE AS days
  FROM inside c JOIN reported r ON r.case_id = c.case_id WHERE c.event = 'charged'
),
remand AS (
  SELECT CAST(least(coalesce((
           SELECT min(x.us) FROM log x
           WHERE x.case_id = r.case_id AND x.accused_id = r.accused_id
             AND x.event IN ('released_on_bail', 'judgment') AND x.us > r.us
         ), $end), $end) - r.us AS DOUBLE) / 1000000.0::DOUBLE / 86400.0::DOUBLE AS days
  FROM inside r WHERE r.event = 'remanded'
),
pretrial AS (
  SELECT count(*) AS n FROM accused s
  WHERE s.last_remand IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM log x
    WHERE x.case_id = s.case_id AND x.accused_id = s.accused_id
      AND x.event IN ('released_on_bail', 'judgment') AND x.us > s.last_remand AND x.us < $end
  )
),
cohort AS (
  SELECT s.* FROM accused s JOIN reported r ON r.case_id = s.case_id
  WHERE r.us >= $start AND r.us < $end
),
ranked_charge AS (
  SELECT days, row_number() OVER (ORDER BY days) AS k, count(*) OVER () AS n FROM to_charge
),
ranked_remand AS (
  SELECT days, row_number() OVER (ORDER BY days) AS k, count(*) OVER () AS n FROM remand
)
SELECT
  (SELECT count(*) FROM arrests),
  (SELECT count(*) FILTER (WHERE on_time) FROM arrests),
  (SELECT count(*) FROM inside WHERE event = 'charged'),
  (SELECT (min(days) + max(days)) / 2 FROM ranked_charge WHERE k IN ((n + 1) // 2, (n + 2) // 2)),
  (SELECT count(*) FROM inside WHERE event = 'judgment'),
  (SELECT count(*) FROM inside WHERE event = 'judgment' AND detail = 'convicted'),
  (SELECT count(*) FROM accused WHERE first_charge IS NOT NULL AND judged = 0),
  (SELECT count(*) FROM accused
     WHERE first_charge IS NOT NULL AND judged = 0 AND $end - first_charge > $backlog),
  (SELECT count(*) FROM inside WHERE event = 'hearing'),
  (SELECT count(*) FROM inside WHERE event = 'hearing' AND detail = 'adjourned'),
  (SELECT (min(days) + max(days)) / 2 FROM ranked_remand WHERE k IN ((n + 1) // 2, (n + 2) // 2)),
  (SELECT n FROM pretrial),
  (SELECT count(*) FROM accused WHERE custodial > 0),
  (SELECT count(*) FROM reported WHERE us >= $start AND us < $end),
  (SELECT count(*) FILTER (WHERE arrested > 0) FROM cohort),
  (SELECT count(*) FILTER (WHERE first_charge IS NOT NULL) FROM cohort),
  (SELECT count(*) FILTER (WHERE convicted > 0) FROM cohort)
"""

# The CSV as DuckDB reads it, every cell as text ('' for an empty one).
_READ_SQL = """
CREATE TEMP TABLE raw AS
SELECT coalesce(case_id, '') AS case_id, coalesce(accused_id, '') AS accused_id,
       coalesce(event, '') AS event, coalesce("time", '') AS "time",
       coalesce(detail, '') AS detail
FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"',
              escape = '"', encoding = 'utf-8')
"""
# A row the fast reader does not take exactly as ``events.read_events`` would: surrounding
# whitespace (Python strips it), an unknown event or detail, a missing id, a time that is not
# a plain ISO 8601 date-time with an offset. Any one sends the file to the strict reader.
_TIME_PATTERN = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d"
    r"(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_DOUBTFUL_SQL = """
SELECT count(*) FROM raw
WHERE regexp_matches(case_id || chr(1) || accused_id || chr(1) || event || chr(1) || "time"
                     || chr(1) || detail, '(^|\\x01)\\s|\\s($|\\x01)')
   OR case_id = ''
   OR (accused_id = '' AND event <> 'reported')
   OR (event, detail) NOT IN (SELECT event, detail FROM allowed)
   OR NOT regexp_matches("time", $pattern)
   OR try_cast("time" AS TIMESTAMPTZ) IS NULL
"""


_DATABASE: list[duckdb.DuckDBPyConnection] = []  # one in-memory database per process
_OPENING = threading.Lock()


def _connection() -> duckdb.DuckDBPyConnection:
    """A fresh cursor (its own temp tables and views) on the process's in-memory database."""
    with _OPENING:
        if not _DATABASE:
            _DATABASE.append(duckdb.connect(":memory:"))
        cursor = _DATABASE[0].cursor()
    cursor.execute("SET TimeZone = 'UTC'")
    return cursor


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(connection: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    row = connection.execute(
        KPI_SQL,
        {
            "start": _micros(period.start),
            "end": _micros(period.end),
            "clock": COURT_CLOCK // MICROSECOND,
            "backlog": BACKLOG_AGE // MICROSECOND,
        },
    ).fetchone()
    assert row is not None
    (
        arrests,
        on_time,
        charged,
        median_to_charge,
        judgments,
        convicted,
        pending,
        old,
        hearings,
        adjourned,
        median_remand,
        pretrial,
        sentenced,
        cases_reported,
        accused_arrested,
        accused_charged,
        accused_convicted,
    ) = row
    return {
        "arrests": arrests,
        "court_within_24h_rate": _share(on_time, arrests),
        "charged": charged,
        "median_days_report_to_charge": (
            float(median_to_charge) if median_to_charge is not None else None
        ),
        "judgments": judgments,
        "clearance_rate": _share(judgments, charged),
        "conviction_rate": _share(convicted, judgments),
        "pending_at_end": pending,
        "disposition_time_days": (period.days * pending / judgments if judgments else None),
        "backlog_share": _share(old, pending),
        "adjournment_rate": _share(adjourned, hearings),
        "median_remand_days": float(median_remand) if median_remand is not None else None,
        "unsentenced_detainee_share": _share(pretrial, pretrial + sentenced),
        "attrition": {
            "cases_reported": cases_reported,
            "accused_arrested": accused_arrested,
            "accused_charged": accused_charged,
            "accused_convicted": accused_convicted,
        },
    }


def compute_kpis(events: Iterable[Event], period: Period) -> dict[str, Any]:
    """Every KPI of the issue, keyed exactly as the CLI's JSON."""
    return compute_kpis_series(events, [period])[0]


def compute_kpis_series(events: Iterable[Event], periods: list[Period]) -> list[dict[str, Any]]:
    """The KPIs of one log over several periods (e.g. months), the log loaded into DuckDB once."""
    log = list(events)
    frame = pl.DataFrame(
        {
            "case_id": [event.case_id for event in log],
            "accused_id": [event.accused_id for event in log],
            "event": [event.event for event in log],
            "detail": [event.detail for event in log],
            "us": [(event.time - EPOCH) // MICROSECOND for event in log],
        },
        schema=_LOG_SCHEMA,
    )
    with _connection() as connection:
        connection.register("log", frame)
        return [_figures(connection, period) for period in periods]


def _allowed_pairs() -> list[tuple[str, str]]:
    return [
        (event, detail)
        for event, details in DETAILS.items()
        for detail in (sorted(details) if details else [""])
    ]


def compute_kpis_file(path: str | Path, period: Period) -> dict[str, Any]:
    """The KPIs of a CSV log: DuckDB reads and checks it; the strict reader names any error."""
    with _connection() as connection:
        try:
            connection.execute(_READ_SQL, {"path": str(path)})
            connection.execute("CREATE TEMP TABLE allowed (event VARCHAR, detail VARCHAR)")
            connection.executemany("INSERT INTO allowed VALUES (?, ?)", _allowed_pairs())
            doubtful = connection.execute(_DOUBTFUL_SQL, {"pattern": _TIME_PATTERN}).fetchone()
            plain = doubtful is not None and doubtful[0] == 0
        except duckdb.Error:
            plain = False
        if plain:
            connection.execute(
                "CREATE TEMP TABLE log AS SELECT case_id, accused_id, event, detail,"
                ' epoch_us(CAST("time" AS TIMESTAMPTZ)) AS us FROM raw'
            )
            return _figures(connection, period)
    # not plain: the strict reader either refuses it (line and value) or reads it exactly
    return compute_kpis(read_events_file(path), period)
