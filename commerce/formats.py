"""How the product writes money, dates and durations, in the reader's language.

Plain functions, so that e-mails and documents built in Python write them exactly as the
pages do (the ``commerce`` template library registers the same functions as filters).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€"}


def money(amount: Decimal | None, currency: str) -> str:
    """``£0.04`` in English; ``0,04 €`` where the page's language writes euros that way.

    Two decimals and the locale's separators; never a float.
    """
    if amount is None:
        return ""
    figure = number_format(Decimal(amount).quantize(Decimal("0.01")), 2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if (translation.get_language() or "en").startswith("en"):
        return f"{symbol}{figure}"
    return f"{figure}\u00a0{symbol}"


def day(value: date | datetime | None) -> str:
    """A date in the page's language, as ``|date`` writes it (DATE_FORMAT of
    ``sellercentral/formats``): ``21 Nov 2012``, ``21 nov. 2012``, ``21. Nov. 2012``."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


def moment(value: datetime | None) -> str:
    """A date and time in the local time zone, named: ``21 Nov 2012, 14:05 GMT``
    (DATETIME_FORMAT, as ``|date:"DATETIME_FORMAT"`` writes it on the pages)."""
    if not value:
        return ""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def clock(value: datetime | None) -> str:
    """The time of day in the local time zone: ``14:05`` (TIME_FORMAT)."""
    if not value:
        return ""
    return date_format(timezone.localtime(value), "TIME_FORMAT")


def month_day(value: date | datetime | None) -> str:
    """Day and month without the year, for chart axes: ``21 Nov`` (MONTH_DAY_FORMAT)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return date_format(value, "MONTH_DAY_FORMAT")


def duration_in_words(value: timedelta | float | None) -> str:
    """``2 hours 30 minutes`` (as the Account Health table shows times); "--" for none."""
    if value is None:
        return "--"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        translation.ngettext("%(count)d day", "%(count)d days", days) % {"count": days},
        translation.ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours},
        translation.ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes},
    ]
    words = [part for n, part in zip((days, hours, minutes), parts, strict=True) if n]
    return " ".join(words[:2]) if words else translation.gettext("less than a minute")
