"""Fewer indexes and no per-row constraint checks on the two tables every import fills.

- ``collection_id`` loses its own index on both tables: it is the first column of
  ``(collection_id, entity_id)`` (an index on statements, the unique constraint on records).
- The foreign keys to collection and source lose their database constraint
  (docs/decisions/0007): Django still cascades and protects on delete.
- On PostgreSQL, Django's extra ``varchar_pattern_ops`` ("_like") indexes go (see below).

SQLite cannot drop a constraint in place: Django rebuilds ``records_entityrecord``, which
drops the triggers that keep its FTS5 index (0002); they are made again and the FTS index
rebuilt from the table, in both directions.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# PostgreSQL only: Django adds a second, varchar_pattern_ops index ("_like", for LIKE 'x%')
# to every indexed varchar column. Nothing filters these columns with LIKE/startswith, so each
# is one more B-tree written per row (the statement id's lands at random: SHA-1 keys).
LIKE_INDEXED = [
    ("records_statement", "id"),
    ("records_statement", "entity_id"),
    ("records_statement", "canonical_id"),
    ("records_entityrecord", "canonical_id"),
    ("records_entityrecord", "schema"),
]


def _like_index(schema_editor, table, column):
    return schema_editor._create_index_name(table, [column], suffix="_like")


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in LIKE_INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_like_index(schema_editor, table, column)}")


def create_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in LIKE_INDEXED:
        name = _like_index(schema_editor, table, column)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
        )


def restore_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    search_index = importlib.import_module("usalama.records.migrations.0002_search_index")
    for sql in search_index.SQLITE_FORWARD:
        if sql.startswith("CREATE TRIGGER"):
            name = sql.split()[2]
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
            schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO records_entity_fts(records_entity_fts) VALUES ('rebuild');")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_merge_0005_entity_grants_0005_worker_heartbeat"),
    ]

    operations = [
        # Backwards, this runs last: after the table is rebuilt with its constraint again.
        migrations.RunPython(migrations.RunPython.noop, restore_search_triggers),
        migrations.AlterField(
            model_name="entityrecord",
            name="collection",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="entities",
                to="records.collection",
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="collection",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="statements",
                to="records.collection",
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="source",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statements",
                to="records.source",
            ),
        ),
        migrations.RunPython(drop_like_indexes, create_like_indexes),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
