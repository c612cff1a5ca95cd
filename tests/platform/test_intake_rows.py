"""intake.rows: the insert's parameters equal what each field's own methods give, for any value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usalama.intake import rows
from usalama.intake.models import Channel, Priority, Report, Status

pytestmark = pytest.mark.django_db

_TEXT = st.text(max_size=30)
# Exact types, subclasses (TextChoices members), the wrong type (an int for a float or a
# bool), None: the shortcut may only take the exact types and None.
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "category": st.one_of(_TEXT, st.just("stealing")),
    "description": _TEXT,
    "county": _TEXT,
    "lat": st.one_of(st.none(), st.floats(-90, 90), st.integers(-90, 90)),
    "lon": st.one_of(st.none(), st.floats(-180, 180)),
    "status": st.one_of(st.sampled_from(list(Status)), st.sampled_from([s.value for s in Status])),
    "priority": st.sampled_from(list(Priority)),
    "channel": st.one_of(st.sampled_from(list(Channel)), st.just("api")),
    "category_confirmed": st.one_of(st.booleans(), st.sampled_from([0, 1])),
    "verified_source": st.booleans(),
    "contact_phone": st.one_of(st.just(""), st.just("+254722333444")),
    "contact_name": _TEXT,
    "incident_number": st.one_of(st.none(), st.integers(0, 2**40)),
    "occurred_at": st.one_of(st.none(), st.just(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))),
    "converted_at": st.one_of(st.none(), st.just(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))),
    "agency_id": st.one_of(st.integers(1, 2**31), st.just("7")),
    "assigned_agency_id": st.one_of(st.none(), st.integers(1, 9)),
}


def _full(report: Report) -> list[Any]:
    """Every parameter through its field's ``pre_save`` and ``get_db_prep_save``."""
    from django.db import connection

    _sql, plan = rows._plan(Report)
    return [f.get_db_prep_save(f.pre_save(report, True), connection) for f, _a, _k in plan]


def _comparable(params: list[Any]) -> list[Any]:
    # auto_now (updated_at) is "now" at each call; encrypted fields are sealed with a fresh
    # nonce each time: compare those by type only
    _sql, plan = rows._plan(Report)
    out = []
    for (field, _attname, _plain), value in zip(plan, params, strict=True):
        varying = getattr(field, "auto_now", False) or type(field).__name__.startswith("Encrypted")
        out.append(type(value) if varying else (type(value), value))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional=_VALUES))
def test_the_shortcut_gives_the_fields_own_parameters(values: dict[str, Any]) -> None:
    report = Report(reference="RPT-2026-000001", **{"agency_id": 1, **values})
    sql, fast = rows.insert_statement(report)
    assert sql.startswith('INSERT INTO "intake_report"')
    assert _comparable(fast) == _comparable(_full(report))


def test_a_value_of_another_type_is_converted_by_its_field() -> None:
    report = Report(reference="RPT-2026-000002", agency_id=1, status=Status.NEW, lat=1)
    _sql, params = rows.insert_statement(report)
    _sql, plan = rows._plan(Report)
    by_name = {field.name: value for (field, _a, _k), value in zip(plan, params, strict=True)}
    assert by_name["status"] == "new"
    assert type(by_name["lat"]) is float  # an int given for a FloatField
