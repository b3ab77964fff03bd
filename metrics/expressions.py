"""SQL expressions the figures use that Django has no portable form of: written for PostgreSQL
(production, the bench) and SQLite (``make run``), each the fast form of its database.

Django keeps a duration as an interval on PostgreSQL and as whole microseconds on SQLite;
each function here speaks to both through ``as_sqlite``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)


class Seconds(Func):
    """A duration expression as a number of seconds (a float)."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((%(expressions)s) / 1000000.0)", **extra_context)


class ExactInterval(Func):
    """``length`` as an interval of seconds only. A timedelta reaches PostgreSQL as "2 days …",
    and adding days to a timestamptz goes through the calendar of the session's time zone for
    every row: half of an aggregate's time over a large seller's 40,000 requests. Seconds are
    plain addition, and the same instant (the session's zone is UTC). Constant-folded."""

    template = "make_interval(secs => %(expressions)s)"
    output_field = DurationField()

    def __init__(self, length: timedelta) -> None:
        self.length = length
        super().__init__(Value(length.total_seconds()))

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(Value(self.length, output_field=DurationField()))


class WidthBucket(Func):
    """Which of the segments starting at ``bounds`` (sorted) ``field`` falls in: 1 for the
    first, 0 before it, ``len(bounds)`` from the last (PostgreSQL's ``width_bucket``)."""

    function = "width_bucket"
    output_field = IntegerField()

    def __init__(self, field: str, bounds: list[datetime]) -> None:
        self.column, self.bounds = field, bounds
        super().__init__(F(field), Value(bounds, ArrayField(DateTimeField())))

    def as_sqlite(self, compiler, connection, **extra_context):
        before = [When(**{f"{self.column}__lt": bound}, then=Value(n)) for n, bound in enumerate(self.bounds)]
        case = Case(*before, default=Value(len(self.bounds)), output_field=IntegerField())
        return compiler.compile(case.resolve_expression(compiler.query))
