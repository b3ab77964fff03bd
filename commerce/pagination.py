"""Paginators: numbered pages with a known count, and keyset pages for long lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from .policy import LATEST_FILTER_DATE


class CountedPaginator(Paginator):
    """A Paginator told its row count (from an aggregate the page already ran)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CURSOR = re.compile(r"(?P<micros>[0-9]{1,18})\.(?P<pk>[0-9]{1,18})")
# A cursor's moment lies in the years a list can be filtered by: the same bounds as its dates.
LATEST_CURSOR = datetime.combine(LATEST_FILTER_DATE + timedelta(days=1), time.min, tzinfo=UTC)
Position = tuple[datetime, int]


@dataclass
class KeysetPage:
    """One page of a list ordered newest first by ``(time, id)``, reached by a cursor.

    Every page costs the same however deep it is (no OFFSET): the next page starts where
    this one ended, through the same index the list is ordered by.
    """

    rows: list
    count: int
    newer: str | None  # cursor of the page before (newer rows), None on the first page
    older: str | None  # cursor of the page after (older rows), None on the last page

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """The row count up to ``cap`` and whether there are more: a bounded cost on any list."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def cursor_of(moment: datetime, pk: int) -> str:
    return f"{(moment - EPOCH) // MICROSECOND}.{pk}"


def parse_cursor(cursor: str) -> Position:
    """The (moment, id) a cursor names; ``ValueError`` for anything ``cursor_of`` did not write
    (the query string is the visitor's to edit) or a moment outside the filterable years."""
    found = CURSOR.fullmatch(cursor)
    if found is None:
        raise ValueError("not a cursor")
    micros = int(found["micros"])
    if micros >= (LATEST_CURSOR - EPOCH) // MICROSECOND:
        raise ValueError("the cursor's moment is out of range")
    return EPOCH + micros * MICROSECOND, int(found["pk"])


def keyset_page(
    queryset: QuerySet,
    *,
    per_page: int,
    count: int,
    before: Position | None = None,
    after: Position | None = None,
    time_field: str,
) -> KeysetPage:
    """``queryset`` ordered by ``-time_field, -id``; rows older than ``before`` or newer than
    ``after`` (positions read by ``parse_cursor``, through ``commerce.fields.CursorField``)."""
    position = after
    if position is not None:
        moment, pk = position
        newer_first = queryset.filter(
            Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "pk__gt": pk}),
            **{f"{time_field}__gte": moment},
        ).order_by(time_field, "pk")
        rows = list(newer_first[: per_page + 1])
        if not rows:  # everything newer went away (answered, say): offer the way back
            return KeysetPage(rows, count, newer=None, older=cursor_of(moment, pk + 1))
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return _page(rows, count, time_field, newer=more_newer, older=True)
    position = before
    if position is not None:
        moment, pk = position
        queryset = queryset.filter(
            Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}),
            **{f"{time_field}__lte": moment},
        )
    rows = list(queryset[: per_page + 1])
    if not rows and position is not None:
        moment, pk = position
        return KeysetPage(rows, count, newer=cursor_of(moment, max(pk - 1, 0)), older=None)
    return _page(rows[:per_page], count, time_field, newer=position is not None, older=len(rows) > per_page)


def _page(rows: list, count: int, time_field: str, *, newer: bool, older: bool) -> KeysetPage:
    if not rows:
        return KeysetPage(rows, count, None, None)
    first, last = rows[0], rows[-1]
    return KeysetPage(
        rows,
        count,
        newer=cursor_of(getattr(first, time_field), first.pk) if newer else None,
        older=cursor_of(getattr(last, time_field), last.pk) if older else None,
    )
