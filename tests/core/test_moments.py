"""Times from outside: offsets past ±14:00 are bad input, aware times end up in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usalama.core.moments import to_utc


def test_an_offset_past_fourteen_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        to_utc(datetime(2026, 1, 1, tzinfo=timezone(-timedelta(hours=23, minutes=47))))


@settings(max_examples=50)
@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30)),
    minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_aware_times_keep_their_instant_in_utc(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    converted = to_utc(aware)
    assert converted.tzinfo == UTC and converted == aware
