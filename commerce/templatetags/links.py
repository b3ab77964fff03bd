"""``{{ order.order_id|link:"storefront:order" }}``: a list row's address without a
``{% url %}`` (a ``reverse()``) per row.

A named URL with one argument is the same text around that argument for every row: it is
reversed once (``commerce.rows.url_for_each``) per URL name, script prefix, URL conf and
language (everything ``reverse()`` reads besides the argument), and each row only fills its
argument in.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from commerce.rows import url_for_each

register = template.Library()

_addresses: dict[tuple[str, str, str | None, str | None], Callable[[object], str]] = {}


@register.filter
def link(argument: object, name: str) -> str:
    """The address of URL ``name`` for ``argument``, as ``{% url name argument %}`` gives it."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())
    address = _addresses.get(key)
    if address is None:
        address = _addresses[key] = url_for_each(name)
    return address(argument)
