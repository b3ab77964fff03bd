"""The inbox's list: its rows rendered once per state of the seller's messages, then cached.

A seller opens the inbox far more often than buyers write, so the rows (as HTML), the capped
count and the page links are cached under everything that changes them: the messaging
generation of the seller (``commerce.generations``: any committed write to a message, thread
or alias replaces it), the filters, sort and cursor asked, the page size and count cap, and
what the rows are written in (language, time zone, and today, since today's rows show a time
and older ones a date).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from commerce import generations, rows
from commerce.models import SellerAccount
from commerce.pagination import KeysetPage, Position, capped_count, keyset_page

from . import selectors
from .models import Message

ROWS_TEMPLATE = "messaging/partials/inbox_rows.html"
# How long a page of rows is kept at most (a write replaces it at once; this bounds its size).
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Listing:
    rows: SafeString  # the table's body
    page: KeysetPage  # its count and links (no rows: they are in ``rows``)
    more_than_counted: bool


def listing(
    seller: SellerAccount,
    *,
    filters: dict,
    before: Position | None,
    after: Position | None,
    sort: str,
    per_page: int,
    count_cap: int,
) -> Listing:
    """The inbox's rows for the filters and cursor asked, read and rendered, or one cache read."""
    # The generation is read before the rows: a write committing meanwhile replaces it.
    generation = generations.tokens([Message.generation_scope], seller.pk)
    shown_in = (translation.get_language(), timezone.get_current_timezone_name(), timezone.localdate())
    asked = repr((sorted(filters.items()), before, after, sort, per_page, count_cap, shown_in))
    entry = f"inbox-rows:{seller.pk}:{generation}:{hashlib.sha256(asked.encode()).hexdigest()}"
    found = cache.get(entry)
    if found is None:
        found = _read(seller, filters, before, after, sort, per_page, count_cap)
        cache.set(entry, found, CACHE_SECONDS)
    html, count, more, newer, older, oldest_first = found
    return Listing(mark_safe(html), KeysetPage([], count, newer, older, oldest_first), more)  # noqa: S308 (our template's output)


def _read(seller, filters, before, after, sort, per_page, count_cap) -> tuple:
    messages = selectors.inbox_rows(seller, **filters)
    count, more = capped_count(messages, count_cap)
    page = keyset_page(
        messages,
        per_page=per_page,
        count=count,
        before=before,
        after=after,
        time_field="sent_at",
        oldest_first=sort == "sent",
    )
    _write_inbox_rows(page)
    html = render_to_string(ROWS_TEMPLATE, {"page": page, "filters": filters})
    return str(html), count, more, page.newer, page.older, page.oldest_first


def _write_inbox_rows(page: KeysetPage) -> None:
    """Each row's links and time, with what they share (the URL patterns, the language's
    formats, today) looked up once for the page rather than in every row's tags."""
    thread_url, order_url, written = (
        rows.url_for_each("messaging:thread"),
        rows.url_for_each("seller:order"),
        rows.list_time(),
    )
    for message in page:
        message.thread_url = thread_url(message.thread_id)
        order = message.thread.order
        message.order_url = order_url(order.order_id) if order else ""
        message.sent_iso, message.sent_words = written(message.sent_at)
