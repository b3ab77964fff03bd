from datetime import datetime
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from commerce import formats, navigation, todos
from commerce.sorting import Sorting, SortLink

register = template.Library()

MENU_TEMPLATE = "partials/seller_menu.html"


@register.simple_tag(takes_context=True)
def seller_menu(context) -> SafeString:
    """The menu with its to-do badges, rendered once per state of the counts (``todos.rendered``)
    in each language and URL prefix."""
    request = context.get("request")

    def render(waiting: list[todos.ToDo] | None) -> str:
        return render_to_string(MENU_TEMPLATE, {"menu": navigation.seller_menu(waiting)})

    if request is None:
        return mark_safe(render(None))  # noqa: S308 (our template's output)
    shown_in = f"menu:{get_language()}:{get_script_prefix()}:{settings.ROOT_URLCONF}"
    return mark_safe(todos.rendered(request, shown_in, render))  # noqa: S308 (our template's output)


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
        "page": page,
        "newer_url": link(after=page.newer) if page.newer else None,
        "older_url": link(before=page.older) if page.older else None,
    }


@register.simple_tag(takes_context=True)
def sort_links(context, sorting: Sorting, current: str) -> dict[str, SortLink]:
    """Each sortable column's header link, by column key, keeping the other query parameters."""
    return {link.column.key: link for link in sorting.links(context["request"].GET, current)}


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    """The five languages, each named in itself: Django's ``get_available_languages`` would
    translate "English" into the reader's language, and an English reader lost on a French page
    would not find their way back."""
    return list(settings.LANGUAGES)


register.filter("duration", formats.duration_in_words)


@register.filter
def inbox_time(value: datetime) -> str:
    """Today's messages by time ("10:51"), older ones by date ("18 Sep 2012"): the named
    formats, so the inbox writes them as every other page does."""
    if timezone.localtime(value).date() == timezone.localdate():
        return formats.clock(value)
    return formats.day(value)


@register.filter
def timesince_days(value: datetime | None) -> str:
    """ "0 days ago", as the seed's return cards count."""
    if value is None:
        return ""
    days = (timezone.localdate() - timezone.localtime(value).date()).days
    return ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}


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


register.filter("day", formats.day)
register.filter("money", formats.money)
