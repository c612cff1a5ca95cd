"""An ``INSERT ... RETURNING id`` for a new model instance, without the ORM's statement building.

Every public report inserts one row; building that statement through ``Model.save`` cost more
CPU than the database spent running it (docs/benchmarks.md, issue 22). The values still go
through each field's own ``pre_save`` and ``get_db_prep_save`` (defaults, ``auto_now``,
encryption at rest, date adaptation), so the row stored is the one ``save()`` would store.
Only for models without save() overrides or signal receivers that matter (intake's reports).

One shortcut: a field of a plain Django class (``CharField``, ``TextField``, ``BooleanField``,
``FloatField``, the integer fields, a foreign key to an integer id; not a subclass, which may
convert) whose value already has exactly that Python type, or is None, is passed as it is,
and so is None for a date field: for such values those fields' ``get_db_prep_save`` returns
them unchanged (checked once per field on this database: PostgreSQL's backend wraps
integers, so there they take the field's path), and calling it for each of a report's
thirty columns was a tenth of a report's CPU.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models
from django.db.models.fields import Field

# Field class -> the Python type its get_db_prep_save passes through unchanged.
_PASS_THROUGH: dict[type[Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.FloatField: float,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    # dates: only None passes (a datetime is adapted for the database)
    models.DateTimeField: type(None),
    models.DateField: type(None),
}


# A sample of each type, to check that this database's backend leaves such values as they
# are (PostgreSQL's wraps integers in psycopg's Int2/4/8: those go through the field).
_SAMPLES: dict[type, Any] = {str: "x", bool: True, float: 1.5, int: 7, type(None): None}


def _pass_through(field: Field[Any, Any]) -> type | None:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None  # pre_save sets the time
    if type(field) in (models.ForeignKey, models.OneToOneField):
        # the referenced key's own rule (an int for an id)
        plain = _PASS_THROUGH.get(type(field.target_field))  # type: ignore[attr-defined]
    else:
        plain = _PASS_THROUGH.get(type(field))
    if plain is None:
        return None
    sample = _SAMPLES[plain]
    unchanged = field.get_db_prep_save(sample, connection)
    return (
        plain if unchanged is sample or (type(unchanged) is plain and unchanged == sample) else None
    )


_UNSET: Any = object()  # a deferred field: not in the instance's __dict__
_Plan = tuple[str, tuple[tuple[Field[Any, Any], str, type | None], ...]]


@functools.cache
def _plan(model: type[models.Model]) -> _Plan:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608 - model metadata
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, tuple((f, f.attname, _pass_through(f)) for f in fields)


def insert_statement(instance: models.Model) -> tuple[str, list[Any]]:
    """The statement and parameters that insert ``instance`` (its primary key not yet set)."""
    sql, fields = _plan(type(instance))
    values = instance.__dict__
    params: list[Any] = []
    for field, attname, plain in fields:
        if plain is not None:
            value = values.get(attname, _UNSET)
            # exact type: a TextChoices member or a lazy string takes the field's own path
            if value is None or type(value) is plain:
                params.append(value)
                continue
        params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return sql, params


def mark_saved(instance: models.Model, pk: int) -> None:
    """Make ``instance`` what ``save()`` would have left: its id set, no longer being added."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
