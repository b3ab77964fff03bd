"""Today's to-dos: what waits for the seller, counted for the home page and the menu's badges.

The foundation knows no other app (tests/test_architecture.py), so each app that owns a kind
of work registers a ``ToDoSource`` from its ``AppConfig.ready``: the rows come from that app's
selectors (the very queryset its list shows when filtered by ``url``), never a copy here.
All sources are counted in one query, once per request (the menu is on every page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from .models import SellerAccount
from .registry import Registry


@dataclass(frozen=True)
class ToDoSource:
    key: str
    label: str  # the home page's heading: "Returns awaiting authorisation"
    badge_label: str  # what a screen reader hears on the menu's badge: "3 awaiting"
    menu_url_name: str  # the menu entry that carries the badge
    rows: Callable[[SellerAccount], QuerySet]  # exactly the rows the filtered list shows
    since_field: str  # when a row arrived: the oldest one bounds the list's link
    url: Callable[[datetime | None], str]  # the list, filtered to ``rows``, from the oldest
    deadline_field: str | None = None  # a stored deadline column …
    deadline: Callable[[datetime], datetime] | None = None  # … or one computed from the oldest row
    position: int = 0  # where the home lists it (the apps load in any order)


@dataclass(frozen=True)
class ToDo:
    source: ToDoSource
    count: int
    oldest: datetime | None
    deadline: datetime | None

    @property
    def done(self) -> bool:
        return self.count == 0

    @property
    def url(self) -> str:
        return self.source.url(self.oldest)

    @property
    def time_left(self) -> timedelta | None:
        """How long until the oldest row's deadline (negative once it has passed)."""
        return self.deadline - timezone.now() if self.deadline else None

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline <= timezone.now()


_registry: Registry[ToDoSource] = Registry()
register = _registry.register  # from an app's ``ready``
sources = _registry.entries


def list_from_oldest(url_name: str, query: str) -> Callable[[datetime | None], str]:
    """A ``ToDoSource.url``: the list ``url_name`` filtered by ``query``, starting on the oldest
    waiting row's day (the lists show the last 30 days unless told otherwise)."""

    def url(oldest: datetime | None) -> str:
        from django.urls import reverse  # the URLconf imports the apps that register here

        since = f"&since={timezone.localdate(oldest):%Y-%m-%d}" if oldest else ""
        return f"{reverse(url_name)}?{query}{since}"

    return url


def _count(rows: QuerySet) -> Subquery:
    # The count as a scalar subquery (NULL when there are none): every row is the one
    # seller's, so grouping by seller makes a single group.
    return Subquery(rows.order_by().values("seller").annotate(v=Count("pk")).values("v"))


def _earliest(rows: QuerySet, field: str) -> Subquery:
    # MIN(field) written as the first non-null value in order: the same value (NULL when
    # there is none), but an index on (seller, field) answers it with one probe where a
    # grouped MIN reads every waiting row (the largest seller's 10,000 messages, per page).
    return Subquery(rows.filter(**{f"{field}__isnull": False}).order_by(field).values(field)[:1])


def for_seller(seller: SellerAccount) -> list[ToDo]:
    """Every registered to-do for ``seller``: counts, oldest rows and deadlines in one query."""
    registered = sources()
    if not registered:
        return []
    columns = {}
    for source in registered:
        rows = source.rows(seller)
        columns[f"{source.key}__count"] = _count(rows)
        columns[f"{source.key}__oldest"] = _earliest(rows, source.since_field)
        if source.deadline_field:
            columns[f"{source.key}__deadline"] = _earliest(rows, source.deadline_field)
    # No ORDER BY: the one row needs no sorting (the model orders by name).
    row = SellerAccount.objects.filter(pk=seller.pk).order_by().values(**columns).get()
    todos = []
    for source in registered:
        oldest = row[f"{source.key}__oldest"]
        deadline = row.get(f"{source.key}__deadline")
        if deadline is None and oldest is not None and source.deadline is not None:
            deadline = source.deadline(oldest)
        todos.append(ToDo(source, row[f"{source.key}__count"] or 0, oldest, deadline))
    return todos


def for_request(request: HttpRequest) -> list[ToDo]:
    """``for_seller`` of the request's seller, read once however many times the page asks."""
    seller = getattr(request, "seller", None)
    if seller is None:
        return []
    if not hasattr(request, "_seller_todos"):
        request._seller_todos = for_seller(seller)
    return request._seller_todos
