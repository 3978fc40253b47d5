"""Trigram index on LandUser.name_folded so that owner-name search (typed without diacritics,
matched as a substring) stays fast at province size. PostgreSQL only; SQLite keeps the plain
btree index of the field."""

from django.db import migrations

INDEX = "landuser_name_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON landdata_landuser USING gin (name_folded gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0001_initial"),
        ("landdata", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
