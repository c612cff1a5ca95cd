"""An ``INSERT ... RETURNING id`` for a new model instance, without the ORM's statement building.

Every public report inserts one row; building that statement through ``Model.save`` cost more
CPU than the database spent running it (docs/benchmarks.md, issue 22). The values still go
through each field's own ``pre_save`` and ``get_db_prep_save`` (defaults, ``auto_now``,
encryption at rest, date adaptation), so the row stored is the one ``save()`` would store.
Only for models without save() overrides or signal receivers that matter (intake's reports).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models
from django.db.models.fields import Field


@functools.cache
def _plan(model: type[models.Model]) -> tuple[str, tuple[Field[Any, Any], ...]]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608 - model metadata
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def insert_statement(instance: models.Model) -> tuple[str, list[Any]]:
    """The statement and parameters that insert ``instance`` (its primary key not yet set)."""
    sql, fields = _plan(type(instance))
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    return sql, params


def mark_saved(instance: models.Model, pk: int) -> None:
    """Make ``instance`` what ``save()`` would have left: its id set, no longer being added."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
