"""The seller's order page: the order and everything that happened to it since.

The foundation knows no other app (tests/test_architecture.py), so each app that keeps
something about an order (its return requests, conversations, refunds, A-to-z claims)
registers an ``OrderSection`` from its ``AppConfig.ready``. The section's rows come from that
app's selectors, in a fixed number of queries however many rows the order has, and its
template is the app's own: the order page only lays the sections out, in ``position`` order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import Order
from .registry import Registry


@dataclass(frozen=True)
class OrderSection:
    key: str  # the section's id on the page: "returns", "messages" …
    heading: str  # "Return requests" (lazily translated by the app)
    template: str  # renders ``section.rows`` (and ``order``); the app's own partial
    rows: Callable[[Order], Iterable]  # read once per page, a fixed number of queries
    empty: str  # what the section says when the order has none
    position: int = 0  # where the page shows it (the apps load in any order)


@dataclass(frozen=True)
class FilledSection:
    section: OrderSection
    rows: list


_registry: Registry[OrderSection] = Registry()
register = _registry.register  # from an app's ``ready``
sections = _registry.entries


def for_order(order: Order) -> list[FilledSection]:
    """Every registered section of ``order``, its rows read now (so the page's queries are
    all made, and counted, in the view)."""
    return [FilledSection(section, list(section.rows(order))) for section in sections()]
