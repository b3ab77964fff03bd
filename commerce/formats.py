"""How the product writes money, dates and durations, in the reader's language.

Plain functions, so that e-mails and documents built in Python write them exactly as the
pages do (the ``commerce`` template library registers the same functions as filters).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import dateformat, timezone, translation
from django.utils.formats import number_format

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€"}
SHORT_DATE_FORMATS = {"fr": "j b. Y", "de": "j. M Y"}


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


def day(value) -> str:
    """A short date in the page's language: ``21 Nov 2012``, ``21 nov. 2012``, ``21. Nov 2012``."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, SHORT_DATE_FORMATS.get(translation.get_language() or "", "j M Y"))


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
