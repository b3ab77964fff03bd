"""The Seller Central top menu, as the seed shows it.

Entries name URL patterns. A page the product does not have is simply not listed (nor a
group left empty), so the menu never leads to a missing page or shows a dead entry.
Entries whose list holds today's to-dos (``commerce.todos``) carry a count.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from .todos import ToDo


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    url_name: str
    badge: int = 0  # how many to-dos wait behind this entry
    badge_label: str = ""  # what they are, for screen readers: "awaiting authorisation"


@dataclass(frozen=True)
class Menu:
    label: str
    entries: list[MenuEntry]

    @property
    def badge(self) -> int:
        """The group's to-dos, shown on the closed menu so they are seen without opening it."""
        return sum(entry.badge for entry in self.entries)


# Lazy labels: the menu is built once (``_seller_menu``) and read in each request's language.
SELLER_MENU: list[tuple[str, list[tuple[str, str]]]] = [
    (
        _("Orders"),
        [
            (_("Manage Orders"), "seller:orders"),
            (_("Manage Returns"), "returns:manage"),
            (_("A-to-z Guarantee Claims"), "returns:claims"),
        ],
    ),
    (_("Inventory"), [(_("Manage Inventory"), "seller:inventory")]),
    (_("Storefront"), [(_("Your storefront"), "storefront:home")]),
    (_("Reports"), [(_("Reports"), "metrics:reports"), (_("Business Reports"), "metrics:business_reports")]),
    (
        _("Performance"),
        [
            (_("Account Health"), "metrics:account_health"),
            (_("Feedback"), "metrics:feedback"),
            (_("Buyer-Seller Messages"), "messaging:inbox"),
        ],
    ),
    (
        _("Settings"),
        [
            (_("Account Info"), "returns:account_info"),
            (_("Return Settings"), "returns:settings"),
            (_("Webhooks"), "integrations:webhooks"),
        ],
    ),
]


def seller_menu(todos: list[ToDo] | None = None) -> list[Menu]:
    """The menu, each entry with the count of the to-dos its page lists (``todos``, read once
    for the request by the caller: the menu itself queries nothing)."""
    menu = _seller_menu(get_script_prefix(), settings.ROOT_URLCONF)
    waiting = {todo.source.menu_url_name: todo for todo in todos or [] if todo.count}
    if not waiting:
        return menu
    return [
        Menu(
            group.label,
            [
                replace(entry, badge=todo.count, badge_label=todo.source.badge_label)
                if (todo := waiting.get(entry.url_name))
                else entry
                for entry in group.entries
            ],
        )
        for group in menu
    ]


@functools.cache
def _seller_menu(script_prefix: str, urlconf: str) -> list[Menu]:
    """Built once per URL prefix and URLconf: a dozen reversals on every Seller Central page
    cost more than the inbox's own rows."""
    return [
        Menu(label, [MenuEntry(entry_label, reverse(name), name) for entry_label, name in entries])
        for label, entries in SELLER_MENU
    ]
