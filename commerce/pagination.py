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
    """One page of a list ordered by ``(time, id)``, newest first (or oldest first), reached
    by a cursor.

    Every page costs the same however deep it is (no OFFSET): the next page starts where
    this one ended, through the same index the list is ordered by (read backwards for the
    other direction).
    """

    rows: list
    count: int
    newer: str | None  # cursor of the newer rows' page, None when there is none
    older: str | None  # cursor of the older rows' page, None when there is none
    oldest_first: bool = False  # then the page after this one holds the newer rows

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
    oldest_first: bool = False,
) -> KeysetPage:
    """``queryset`` ordered by ``-time_field, -id`` (``oldest_first``: ``time_field, id``);
    rows older than ``before`` or newer than ``after`` (positions read by ``parse_cursor``,
    through ``commerce.fields.CursorField``)."""
    newest = queryset.order_by(f"-{time_field}", "-pk")
    oldest = queryset.order_by(time_field, "pk")

    def older_than(position: Position) -> QuerySet:
        moment, pk = position
        return newest.filter(
            Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}),
            **{f"{time_field}__lte": moment},
        )

    def newer_than(position: Position) -> QuerySet:
        moment, pk = position
        return oldest.filter(
            Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "pk__gt": pk}),
            **{f"{time_field}__gte": moment},
        )

    # In the list's order: the rows ahead of a position (its next pages) and behind it.
    ahead, behind = (newer_than, older_than) if oldest_first else (older_than, newer_than)
    forward, backward = (after, before) if oldest_first else (before, after)
    page = _Pager(count, time_field, oldest_first)
    if backward is not None:
        rows = list(behind(backward)[: per_page + 1])
        if not rows:  # everything behind went away (answered, say): offer the way back
            return page.way_back(backward, towards_older=not oldest_first)
        return page.of(rows[:per_page][::-1], has_previous=len(rows) > per_page, has_next=True)
    rows = list(
        (ahead(forward) if forward is not None else (oldest if oldest_first else newest))[: per_page + 1]
    )
    if not rows and forward is not None:
        return page.way_back(forward, towards_older=oldest_first)
    return page.of(rows[:per_page], has_previous=forward is not None, has_next=len(rows) > per_page)


@dataclass
class _Pager:
    count: int
    time_field: str
    oldest_first: bool

    def of(self, rows: list, *, has_previous: bool, has_next: bool) -> KeysetPage:
        """The page of ``rows`` (in the list's order) with the links that have rows behind them."""
        if not rows:
            return KeysetPage(rows, self.count, None, None, self.oldest_first)
        first, last = rows[0], rows[-1]
        before = cursor_of(getattr(first, self.time_field), first.pk) if has_previous else None
        beyond = cursor_of(getattr(last, self.time_field), last.pk) if has_next else None
        newer, older = (beyond, before) if self.oldest_first else (before, beyond)
        return KeysetPage(rows, self.count, newer=newer, older=older, oldest_first=self.oldest_first)

    def way_back(self, position: Position, *, towards_older: bool) -> KeysetPage:
        """An empty page past ``position``: one link back, to the rows up to and including it."""
        moment, pk = position
        if towards_older:
            return KeysetPage([], self.count, None, cursor_of(moment, pk + 1), self.oldest_first)
        return KeysetPage([], self.count, cursor_of(moment, max(pk - 1, 0)), None, self.oldest_first)
