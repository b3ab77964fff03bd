"""The Seller Central top menu, as the seed shows it.

Entries name URL patterns; an entry whose page does not exist yet is shown greyed out
(not a link), so the menu never leads to a missing page and lights up as pages land.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str | None


@dataclass(frozen=True)
class Menu:
    label: str
    entries: list[MenuEntry]


SELLER_MENU: list[tuple[str, list[tuple[str, str]]]] = [
    ("Inventory", [("Manage Inventory", "inventory:manage")]),
    (
        "Orders",
        [
            ("Manage Orders", "seller:orders"),
            ("Manage Returns", "returns:manage"),
            ("A-to-z Guarantee Claims", "returns:claims"),
        ],
    ),
    ("Storefront", [("Your storefront", "storefront:home")]),
    ("Reports", [("Business Reports", "reports:business")]),
    (
        "Performance",
        [
            ("Account Health", "metrics:account_health"),
            ("Feedback", "metrics:feedback"),
            ("Buyer-Seller Messages", "messaging:inbox"),
        ],
    ),
    (
        "Settings",
        [
            ("Account Info", "returns:account_info"),
            ("Return Settings", "returns:settings"),
        ],
    ),
]


def optional_url(name: str, *args) -> str | None:
    """The URL of ``name``, or None while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def seller_menu() -> list[Menu]:
    return _seller_menu(get_script_prefix(), settings.ROOT_URLCONF)


@functools.cache
def _seller_menu(script_prefix: str, urlconf: str) -> list[Menu]:
    """Built once per URL prefix and URLconf: a dozen reversals (some failing, for pages
    still to come) on every Seller Central page cost more than the inbox's own rows."""
    return [
        Menu(label, [MenuEntry(entry_label, optional_url(name)) for entry_label, name in entries])
        for label, entries in SELLER_MENU
    ]
