"""Filling a new column of a big table in batches, for migrations.

One ``UPDATE`` of a million rows holds their locks, and the writers waiting on them, until
it ends; batches by id range commit one at a time, so a table stays writable meanwhile.
"""

from __future__ import annotations

from django.db import migrations, transaction

BATCH = 20_000


def in_batches(schema_editor, *, table: str, assignment: str, batch: int = BATCH) -> None:
    """``UPDATE table SET assignment`` over every row, ``batch`` ids at a time, each batch its own
    transaction (the migration calling this is not atomic). ``table`` and ``assignment`` are
    the migration's own constants, never input."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, batch):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {assignment} WHERE t.id >= %s AND t.id < %s",  # noqa: S608
                [start, start + batch],
            )


class AddIndexWithoutBlocking(migrations.AddIndex):
    """``AddIndex`` built ``CONCURRENTLY`` on PostgreSQL, so writers go on while a big table is
    indexed (the migration must not be atomic); a plain ``CREATE INDEX`` elsewhere (SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **_concurrently(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **_concurrently(schema_editor))


def _concurrently(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
