from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.formats import number_format

from commerce import navigation

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€"}


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``£0.04`` in English; ``0,04 €`` where the page's language writes euros that way.

    Two decimals and the locale's separators; never a float.
    """
    if amount is None:
        return ""
    from django.utils import translation

    figure = number_format(Decimal(amount).quantize(Decimal("0.01")), 2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if (translation.get_language() or "en").startswith("en"):
        return f"{symbol}{figure}"
    return f"{figure}\u00a0{symbol}"


@register.simple_tag
def seller_menu():
    return navigation.seller_menu()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """``{% optional_url "app:page" arg as url %}``: "" while the page does not exist yet."""
    return navigation.optional_url(name, *args) or ""


@register.inclusion_tag("partials/pagination.html", takes_context=True)
def pagination(context, page):
    """Previous / next links for a Django ``Page``, keeping the other query parameters."""
    request = context["request"]
    params = request.GET.copy()

    def link(number: int) -> str:
        params["page"] = number
        return f"?{params.urlencode()}"

    return {
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else None,
        "next_url": link(page.next_page_number()) if page.has_next() else None,
    }


@register.inclusion_tag("partials/keyset_pagination.html", takes_context=True)
def keyset_pagination(context, page):
    """Newer / older links for a ``KeysetPage``, keeping the other query parameters."""
    params = context["request"].GET.copy()
    for key in ("before", "after", "page"):
        params.pop(key, None)

    def link(**cursor: str) -> str:
        return f"?{urlencode({**params.dict(), **cursor})}"

    return {
        "newer_url": link(after=page.newer) if page.newer else None,
        "older_url": link(before=page.older) if page.older else None,
    }


@register.inclusion_tag("partials/action_button.html")
def action_button(label: str, name: str, *args) -> dict:
    """A button to another capability's page, greyed out while that page does not exist."""
    return {"label": label, "url": navigation.optional_url(name, *args)}


def duration_in_words(value: timedelta | float | None) -> str:
    """``2 hours 30 minutes`` (as the Account Health table shows times); "--" for none."""
    if value is None:
        return "--"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words[:2]) if words else "less than a minute"


register.filter("duration", duration_in_words)


@register.filter
def inbox_time(value: datetime) -> str:
    """Today's messages by time ("10:51 am"), older ones by date ("18 Sep 2012")."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%-I:%M %p").lower()
    return local.strftime("%-d %b %Y")


@register.filter
def timesince_days(value: datetime | None) -> str:
    """ "0 days ago", as the seed's return cards count."""
    if value is None:
        return ""
    days = (timezone.localdate() - timezone.localtime(value).date()).days
    return f"{days} day{'s' if days != 1 else ''} ago"


@register.filter
def pct(value: float | None) -> str:
    """``100%``, ``92.5%``; ``--`` when there is nothing to divide by."""
    if value is None:
        return "--"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def split(value: str) -> list[str]:
    return value.split()


SHORT_DATE_FORMATS = {"fr": "j b. Y", "de": "j. M Y"}


@register.filter
def day(value) -> str:
    """A short date in the page's language: ``21 Nov 2012``, ``21 nov. 2012``, ``21. Nov 2012``."""
    if not value:
        return ""
    from django.utils import dateformat, translation

    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, SHORT_DATE_FORMATS.get(translation.get_language() or "", "j M Y"))
