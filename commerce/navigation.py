"""The Seller Central top menu, as the seed shows it.

Entries name URL patterns; an entry without one (a page the product does not have) is
shown greyed out, not as a link, so the menu never leads to a missing page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str | None


@dataclass(frozen=True)
class Menu:
    label: str
    entries: list[MenuEntry]


SELLER_MENU: list[tuple[str, list[tuple[str, str | None]]]] = [
    ("Inventory", [("Manage Inventory", None)]),
    (
        "Orders",
        [
            ("Manage Orders", "seller:orders"),
            ("Manage Returns", "returns:manage"),
            ("A-to-z Guarantee Claims", "returns:claims"),
        ],
    ),
    ("Storefront", [("Your storefront", "storefront:home")]),
    ("Reports", [("Reports", "metrics:reports")]),
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


def seller_menu() -> list[Menu]:
    return _seller_menu(get_script_prefix(), settings.ROOT_URLCONF)


@functools.cache
def _seller_menu(script_prefix: str, urlconf: str) -> list[Menu]:
    """Built once per URL prefix and URLconf: a dozen reversals on every Seller Central page
    cost more than the inbox's own rows."""
    return [
        Menu(
            label, [MenuEntry(entry_label, reverse(name) if name else None) for entry_label, name in entries]
        )
        for label, entries in SELLER_MENU
    ]
