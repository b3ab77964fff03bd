"""Today's to-dos: what waits for the seller, counted for the home page and the menu's badges.

The foundation knows no other app (tests/test_architecture.py), so each app that owns a kind
of work registers a ``ToDoSource`` from its ``AppConfig.ready``: the rows come from that app's
selectors (the very queryset its list shows when filtered by ``url``), never a copy here.
All sources are counted in one query, once per request (the menu is on every page), and the
counts are cached under the generations of the sources' scopes (``commerce.generations``):
any committed write to a source's rows reads them afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from . import generations
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
    # The generation scope its rows belong to (the owning app's, ``generations.track``); a
    # source without one is counted on every request.
    scope: str = ""
    # When rows leave the list by time alone (no write), the moment its oldest row does.
    ages_out: Callable[[datetime], datetime] | None = None


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


# How long counts are kept at most (a write replaces them at once; this bounds a cache's size).
CACHE_SECONDS = 3600


def for_seller(seller: SellerAccount) -> list[ToDo]:
    """Every registered to-do for ``seller``: counts, oldest rows and deadlines in one query,
    or one cache read. Only the figures are cached: time left and overdue are worked out from
    the stored deadlines on each page."""
    registered = sources()
    if not registered:
        return []
    entry = _entry(seller, registered)
    if entry is None:
        return _counted(seller, registered)

    def count() -> tuple[list[ToDo], list[tuple]]:
        todos = _counted(seller, registered)
        return todos, [(todo.count, todo.oldest, todo.deadline) for todo in todos]

    figures, counted = _kept(entry, count)
    if counted is not None:
        return counted
    return [ToDo(source, *row) for source, row in zip(registered, figures, strict=True)]


def rendered(request: HttpRequest, what: str, render: Callable[[list[ToDo]], str]) -> str:
    """What the request's seller's to-dos render into (the menu's HTML, ``what`` naming it with
    everything else it shows, e.g. its language), cached beside the counts and as long as they
    hold: rendering the menu costs more than reading it."""
    seller = getattr(request, "seller", None)
    entry = _entry(seller, sources()) if seller is not None and sources() else None
    if entry is None:
        return render(for_request(request))

    def render_now() -> tuple[list[ToDo], str]:
        todos = for_request(request)
        return todos, render(todos)

    return _kept(f"{entry}:{what}", render_now)[0]


def _entry(seller: SellerAccount, registered: list[ToDoSource]) -> str | None:
    """The cache key of the seller's counts, under the generations of every source's scope;
    None when a source has no scope (then nothing can be cached)."""
    if any(not source.scope for source in registered):
        return None
    scopes = sorted({source.scope for source in registered})
    keys = ",".join(source.key for source in registered)
    return f"todos:{seller.pk}:{keys}:{generations.tokens(scopes, seller.pk)}"


def _kept(entry: str, make: Callable[[], tuple[list[ToDo], object]]) -> tuple[object, list[ToDo] | None]:
    """The value cached under ``entry`` while the counts it was made from hold, or ``make``'s
    value (cached until the soonest to-do ages out) with the to-dos it counted."""
    found = cache.get(entry)
    if found is not None and (found[0] is None or found[0] > timezone.now()):
        return found[1], None
    todos, value = make()
    expires = _aged_out_at(todos)
    seconds = CACHE_SECONDS if expires is None else (expires - timezone.now()).total_seconds()
    if seconds > 1:
        cache.set(entry, (expires, value), min(CACHE_SECONDS, int(seconds)))
    return value, todos


def _aged_out_at(todos: list[ToDo]) -> datetime | None:
    """The first moment a count changes with no write: the soonest oldest row to age out."""
    moments = [todo.source.ages_out(todo.oldest) for todo in todos if todo.source.ages_out and todo.oldest]
    return min(moments, default=None)


def _counted(seller: SellerAccount, registered: list[ToDoSource]) -> list[ToDo]:
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
