"""One row per seller and hour on every database: PostgreSQL has ``response_hour_once``, the
covering unique index the roll-up's upsert and reads use; Django creates a unique constraint
with INCLUDE columns on PostgreSQL only, so SQLite (``make run``) gets a plain unique index."""

from django.db import migrations

NAME = "response_hour_once_plain"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {NAME} ON metrics_responsehour (seller_id, hour)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_response_rollup")]

    operations = [migrations.RunPython(create, drop)]
