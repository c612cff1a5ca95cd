"""Fast inserts of many rows: one prepared INSERT run with ``executemany``.

Django's ``bulk_create`` compiles SQL for every value and was most of an import's time; the
rows here are already validated model instances, so preparing each value once is enough.
Triggers (the FTS index, the audit guards) fire as for any insert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

_PLAIN = (models.CharField, models.TextField, models.SlugField, models.IntegerField)


def _prepare(field: models.Field[Any, Any], value: Any) -> Any:
    # Strings and integers go to both drivers as they are; everything else (datetimes with
    # time zones, JSON) goes through Django's own preparation for the connection.
    if value is None or (isinstance(field, _PLAIN) and not field.is_relation):
        return value
    return field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], objects: Sequence[Any], *, with_pk: bool = True) -> None:
    """INSERT the objects' concrete fields (the primary key only if ``with_pk``)."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
    rows = [[_prepare(f, getattr(obj, f.attname)) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
