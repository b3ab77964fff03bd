"""``{{ order.order_id|link:"storefront:order" }}``: a list row's address without a
``{% url %}`` (a ``reverse()``) per row.

A named URL with one argument is the same text around that argument for every row, so the
first row's address is reversed and split there, and the next rows only fill the argument in.
The split is kept per URL name, script prefix, URL conf and language (everything ``reverse()``
reads besides the argument), and only when the argument's text occurs once in the address, so
that where it goes is not a guess.
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

# The characters ``reverse()`` leaves unquoted in a path (django.urls.resolvers).
_SAFE = "!$&'()*+,;=" + "/~:@"

_shapes: dict[tuple[str, str, str | None, str | None], tuple[str, str]] = {}


@register.filter
def link(argument: object, name: str) -> str:
    """The address of URL ``name`` for ``argument``, as ``{% url name argument %}`` gives it."""
    text = quote(str(argument), safe=_SAFE)
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())
    shape = _shapes.get(key)
    if shape is not None:
        return f"{shape[0]}{text}{shape[1]}"
    address = reverse(name, args=[argument])
    if text and address.count(text) == 1:
        head, tail = address.split(text)
        _shapes[key] = (head, tail)
    return address
