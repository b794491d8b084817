"""The search index: FTS5 with the trigram tokenizer on SQLite (3.34+), pg_trgm's GIN
index on PostgreSQL. Where neither can be made, search reads the table (slower, same
answers)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE catalogue_bib_fts USING fts5("
    "search_text, content='catalogue_bib', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER catalogue_bib_ai AFTER INSERT ON catalogue_bib BEGIN "
    "INSERT INTO catalogue_bib_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalogue_bib_ad AFTER DELETE ON catalogue_bib BEGIN "
    "INSERT INTO catalogue_bib_fts(catalogue_bib_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER catalogue_bib_au AFTER UPDATE ON catalogue_bib BEGIN "
    "INSERT INTO catalogue_bib_fts(catalogue_bib_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalogue_bib_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO catalogue_bib_fts(catalogue_bib_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalogue_bib_ai",
    "DROP TRIGGER IF EXISTS catalogue_bib_ad",
    "DROP TRIGGER IF EXISTS catalogue_bib_au",
    "DROP TABLE IF EXISTS catalogue_bib_fts",
]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info < (3, 34):
            return  # no trigram tokenizer: search reads the table
        for statement in SQLITE:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                schema_editor.execute(
                    "CREATE INDEX catalogue_bib_search_trgm ON catalogue_bib "
                    "USING gin (search_text gin_trgm_ops)"
                )
        except DatabaseError:
            pass  # pg_trgm not installable by this role: search reads the table


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalogue_bib_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
