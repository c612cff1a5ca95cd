"""The justice event log: one row per step of one accused's chain, read strictly.

The file has the columns ``case_id,accused_id,event,time,detail``; ``time`` is ISO 8601 with
an offset; ``accused_id`` is empty only for ``reported``. Anything outside the vocabulary
below is refused with the line and the value, so a figure is never computed from a log it
did not understand.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from usalama.core import spreadsheets
from usalama.core.errors import InvalidInput

COLUMNS = ("case_id", "accused_id", "event", "time", "detail")

# Every event the chain knows, and the details it accepts (an empty set: no detail).
DETAILS: dict[str, frozenset[str]] = {
    "reported": frozenset(),
    "arrested": frozenset(),
    "first_appearance": frozenset(),
    "remanded": frozenset(),
    "released_on_bail": frozenset(),
    "charge_decision": frozenset({"charge", "no_charge", "further_investigation", "diversion"}),
    "charged": frozenset(),
    "hearing": frozenset({"heard", "adjourned"}),
    "judgment": frozenset({"convicted", "acquitted", "withdrawn", "discharged"}),
    "sentenced": frozenset({"custodial", "non_custodial"}),
    "appeal_filed": frozenset(),
}
EVENTS = tuple(DETAILS)


@dataclass(frozen=True, order=True)
class Event:
    """One step. ``time`` is timezone-aware; ``accused_id`` is "" only for ``reported``."""

    time: datetime
    case_id: str
    accused_id: str
    event: str
    detail: str = ""

    def sort_key(self) -> tuple[datetime, str, str, str, str]:
        """Total order (time first) used everywhere, so row order never changes a figure."""
        return (self.time, self.case_id, self.accused_id, self.event, self.detail)

    @property
    def accused(self) -> tuple[str, str]:
        """An accused is a person within a case: the same id in two cases is two chains."""
        return (self.case_id, self.accused_id)


def check_event(
    case_id: str, accused_id: str, event: str, time: datetime, detail: str, where: str = ""
) -> Event:
    """Validate one step (the same rules for a file row and for an event built in code)."""
    prefix = f"{where}: " if where else ""
    if not case_id:
        raise InvalidInput(f"{prefix}case_id is empty")
    if event not in DETAILS:
        raise InvalidInput(f"{prefix}unknown event {event!r} (expected one of {', '.join(EVENTS)})")
    allowed = DETAILS[event]
    if allowed and detail not in allowed:
        raise InvalidInput(
            f"{prefix}detail {detail!r} is not valid for {event} "
            f"(expected one of {', '.join(sorted(allowed))})"
        )
    if not allowed and detail:
        raise InvalidInput(f"{prefix}detail {detail!r} is not valid for {event} (it takes none)")
    if not accused_id and event != "reported":
        raise InvalidInput(f"{prefix}accused_id is empty for {event} (only reported may omit it)")
    if time.tzinfo is None or time.utcoffset() is None:
        raise InvalidInput(f"{prefix}time {time.isoformat()!r} has no UTC offset")
    return Event(time=time, case_id=case_id, accused_id=accused_id, event=event, detail=detail)


def parse_time(text: str, where: str = "") -> datetime:
    prefix = f"{where}: " if where else ""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{prefix}time {text!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise InvalidInput(f"{prefix}time {text!r} has no UTC offset (e.g. +03:00 or Z)")
    return value


def read_events(rows: Iterable[str]) -> list[Event]:
    """Parse CSV text lines; the whole file or an error naming the first bad line."""
    reader = csv.reader(rows)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the event file is empty (expected a header line)") from None
    names = [name.strip().lstrip("\ufeff") for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise InvalidInput(f"line 1: missing column(s) {', '.join(missing)}")
    index = {column: names.index(column) for column in COLUMNS}
    events: list[Event] = []
    for row in reader:
        where = f"line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise InvalidInput(f"{where}: expected {len(names)} fields, found {len(row)}")
        cell = {column: row[position].strip() for column, position in index.items()}
        time = parse_time(cell["time"], where)
        events.append(
            check_event(
                cell["case_id"], cell["accused_id"], cell["event"], time, cell["detail"], where
            )
        )
    return events


def read_events_file(path: str | Path) -> list[Event]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return read_events(handle)
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text") from None


def iter_csv_lines(events: Iterable[Event]) -> Iterator[str]:
    """The log as CSV lines (header first), readable back by ``read_events``."""
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [event.case_id, event.accused_id, event.event, event.time.isoformat(), event.detail]
        )
        yield buffer.getvalue()
