"""Times that arrive from outside (API bodies): an offset within what clocks use, held in UTC.

PostgreSQL refuses an offset past ±15:59 with a 500 and Python accepts ±23:59, so an offset
beyond ±14:00 (the widest in use, Kiribati) is refused as bad input, and an aware time is
converted to UTC before any database sees it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator

WIDEST_OFFSET = timedelta(hours=14)


def to_utc(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None:
        return value
    if abs(offset) > WIDEST_OFFSET:
        raise ValueError("a UTC offset must lie between -14:00 and +14:00")
    return value.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(to_utc)]
