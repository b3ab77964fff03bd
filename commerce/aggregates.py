"""Aggregates Django 5.2 has only for PostgreSQL, written for every database we run on."""

from __future__ import annotations

from django.db.models import Aggregate, CharField


class SpaceJoined(Aggregate):
    """A group's values as one text, joined by spaces and sorted (a report's cell of a return's
    ASINs, say): ``STRING_AGG`` on PostgreSQL, ``GROUP_CONCAT`` on SQLite, which `make run` uses
    (``django.contrib.postgres``'s ``StringAgg`` would fail there)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ' ' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's GROUP_CONCAT takes no ORDER BY before 3.44: the values come in the order read.
        return self.as_sql(
            compiler, connection, template="GROUP_CONCAT(%(expressions)s, ' ')", **extra_context
        )
