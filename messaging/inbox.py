"""The inbox below the menu, rendered once per state of the seller's messages, then cached.

A seller opens the inbox far more often than buyers write, so the whole section (filters,
counts, rows, page links and the sidebar's 7-day average) is cached as HTML with its status,
under everything that changes it: the messaging generation of the seller
(``commerce.generations``: any committed write to a message, thread or alias replaces it), the
query string as sent (its links keep every parameter), what the page is written in (language,
time zone, URL prefix, and today, since today's rows show a time and older ones a date), and
the minute the average is kept for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from commerce import generations, rows
from commerce.pagination import KeysetPage, capped_count, keyset_page

from . import selectors
from .forms import InboxFilterForm
from .models import Alias, Message

ROWS_TEMPLATE = "messaging/partials/inbox_rows.html"
SECTION_TEMPLATE = "messaging/partials/inbox_section.html"
MESSAGES_PER_PAGE = 25
# Counting a big inbox's every message on each page view would cost more than the page itself.
MESSAGE_COUNT_CAP = 1000


@dataclass(frozen=True)
class Section:
    html: SafeString
    status: int  # 400 when a filter was refused (shown beside its field)


def section(request: HttpRequest) -> Section:
    """The inbox of ``request.seller`` for the query string asked: one cache read, or read and
    rendered. Its key holds every input of the template: the generation (read first), the
    query string, the reader's language, zone and day, and the 7-day average's minute."""
    from metrics.selectors import recent_average_minute  # metrics reads messaging's tables

    seller = request.seller
    generation = generations.tokens([Message.generation_scope], seller.pk)
    asked = repr(
        (
            sorted(request.GET.lists()),
            MESSAGES_PER_PAGE,
            MESSAGE_COUNT_CAP,
            _shown_in(),
            recent_average_minute(),
        )
    )
    entry = f"inbox-section:{seller.pk}:{generation}:{hashlib.sha256(asked.encode()).hexdigest()}"
    found = cache.get(entry)
    if found is None:
        found = _render_section(request)
        cache.set(entry, found, 60)  # the average's minute ends within it
    html, status = found
    return Section(mark_safe(html), status)  # noqa: S308 (our template's output)


def _render_section(request: HttpRequest) -> tuple[str, int]:
    from metrics.selectors import recent_average_response_time

    filter_form = InboxFilterForm(request.GET or None)
    filters = filter_form.filters()
    before, after = filter_form.cursors()
    sort = selectors.INBOX_SORTING.read(request.GET.get("sort"))
    # Counted without the rows' columns: those join the thread, order and alias of each.
    count, more = capped_count(selectors.inbox(request.seller, **filters), MESSAGE_COUNT_CAP)
    page = keyset_page(
        selectors.inbox_rows(request.seller, **filters),
        per_page=MESSAGES_PER_PAGE,
        count=count,
        before=before,
        after=after,
        time_field="sent_at",
        oldest_first=sort == "sent",
    )
    _write_inbox_rows(page)
    context = {
        "request": request,  # the sort and page links keep the other parameters
        "filter_form": filter_form,
        "filters": filters,
        "date_range": filter_form.days(),
        "page": page,
        "rows": render_to_string(ROWS_TEMPLATE, {"page": page, "filters": filters}),
        "sorting": selectors.INBOX_SORTING,
        "sort": sort,
        "more_than_counted": more,
        "average_response_time": recent_average_response_time(request.seller, days=7),
    }
    # An invalid filter is shown beside its field and the list falls back to its default.
    return str(render_to_string(SECTION_TEMPLATE, context)), 400 if filter_form.errors else 200


def _shown_in() -> tuple:
    """What the HTML is written in besides the rows: language, zone, today, and the URL prefix
    its links start with."""
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
        get_script_prefix(),
    )


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
        message.order_url = order_url(message.order_ref) if message.order_ref else ""
        message.buyer_address = Alias.address_of(message.buyer_token, message.buyer_marketplace)
        message.sent_iso, message.sent_words = written(message.sent_at)
