"""Records are rewritten by every match (plot link, fingerprint, time, open flags): keep those writes on
their page and out of the indexes (PostgreSQL's HOT updates).

- record_match_state_idx (status, matched_at) served no query: the sweep's condition ORs
  `updated_at > matched_at`, which no index answers, and every match had to insert into it.
- fillfactor 80 leaves a fifth of each new page free for the rewritten row versions; PostgreSQL
  only; pages already written keep their fill until rewritten.
"""

from django.db import migrations

TABLE = "collection_collectedrecord"


def _fillfactor(value: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} {value}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0009_leaner_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="collectedrecord",
            name="record_match_state_idx",
        ),
        migrations.RunPython(_fillfactor("SET (fillfactor = 80)"), _fillfactor("RESET (fillfactor)")),
    ]
