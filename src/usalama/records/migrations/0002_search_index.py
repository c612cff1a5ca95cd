"""Full-text search over EntityRecord.search_text: FTS5 on SQLite, a GIN tsvector on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE records_entity_fts USING fts5("
    "search_text, content='records_entityrecord', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2');",
    "CREATE TRIGGER records_entity_fts_insert AFTER INSERT ON records_entityrecord BEGIN "
    "INSERT INTO records_entity_fts(rowid, search_text) VALUES (new.id, new.search_text); END;",
    "CREATE TRIGGER records_entity_fts_delete AFTER DELETE ON records_entityrecord BEGIN "
    "INSERT INTO records_entity_fts(records_entity_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END;",
    "CREATE TRIGGER records_entity_fts_update AFTER UPDATE ON records_entityrecord BEGIN "
    "INSERT INTO records_entity_fts(records_entity_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO records_entity_fts(rowid, search_text) VALUES (new.id, new.search_text); END;",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS records_entity_fts_insert;",
    "DROP TRIGGER IF EXISTS records_entity_fts_delete;",
    "DROP TRIGGER IF EXISTS records_entity_fts_update;",
    "DROP TABLE IF EXISTS records_entity_fts;",
]
POSTGRES_FORWARD = [
    "CREATE INDEX records_entity_search_gin ON records_entityrecord "
    "USING GIN (to_tsvector('simple', search_text));",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS records_entity_search_gin;"]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = (
        POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
