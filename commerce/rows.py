"""What a list's rows need computed once per page rather than once per row.

A list of 25 rows that reverses two URLs, looks up two date formats and the day's date in
every row spends more on that than on its query (``make profile PAGE=inbox``). These build
the per-page part once and return a cheap function of the row's own value; the text they
write is exactly what ``{% url %}``, ``|date`` and ``commerce.formats`` write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format

# reverse()'s own quoting of an argument (django.urls.resolvers), so a substituted value
# reads as reverse() would have written it.
_URL_SAFE = "!$&'()*+,;=/~:@"
_PLACEHOLDER = "2147483647"  # a value every converter the lists use accepts (int, str, slug)


def url_for_each(url_name: str) -> Callable[[object], str]:
    """``reverse(url_name, args=[value])`` for one positional argument, reversed once: the
    returned function only puts each row's value into the address."""
    head, found, tail = reverse(url_name, args=[_PLACEHOLDER]).rpartition(_PLACEHOLDER)
    if not found:  # pragma: no cover - a pattern that rewrites its argument
        return lambda value: reverse(url_name, args=[value])
    return lambda value: f"{head}{quote(str(value), safe=_URL_SAFE)}{tail}"


def list_time() -> Callable[[datetime], tuple[str, str]]:
    """For a list's time column, in the active language and time zone: each moment's ISO
    8601 form (``|date:'c'``) and its words, today's by time ("10:51", ``formats.clock``),
    older ones by date ("18 Sep 2012", ``formats.day``)."""
    today = timezone.localdate()
    time_format = get_format("TIME_FORMAT")
    date_format = get_format("DATE_FORMAT")

    def written(value: datetime) -> tuple[str, str]:
        local = timezone.localtime(value)
        if local.date() == today:
            return local.isoformat(), format_date(local, time_format)
        return local.isoformat(), format_date(local, date_format)

    return written


def moment() -> Callable[[datetime | None], str]:
    """``|date:"DATETIME_FORMAT"`` (``formats.moment``) with the language's format looked up once."""
    datetime_format = get_format("DATETIME_FORMAT")

    def written(value: datetime | None) -> str:
        return format_date(timezone.localtime(value), datetime_format) if value else ""

    return written
