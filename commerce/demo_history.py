"""The demo seller's 90 days of history: its regular buyers and their orders, and the way the
other apps' demo modules play what followed (conversations, returns, claims, feedback).

A few hundred orders from a dozen-plus buyers over the five marketplaces are placed in bulk
(plain rows). What happened after is a list of ``Step``s, each run through the product's own
services at its past moment (``as_of``), so its timers, history rows and figures are the ones
the product makes. The random choices are seeded: the same every run, but for the dates, which
count back from the seed's present.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from . import services
from .models import Customer, Marketplace, Order, SellerAccount

# The demo seller's regular buyers (username: name, home marketplace); they cannot sign in.
HISTORY_BUYERS = {
    "olivia.bennett": ("Olivia Bennett", "uk"),
    "harry.patel": ("Harry Patel", "uk"),
    "amelia.hughes": ("Amelia Hughes", "uk"),
    "george.okafor": ("George Okafor", "uk"),
    "sophie.clarke": ("Sophie Clarke", "uk"),
    "thomas.wright": ("Thomas Wright", "uk"),
    "camille.laurent": ("Camille Laurent", "fr"),
    "hugo.moreau": ("Hugo Moreau", "fr"),
    "lukas.weber": ("Lukas Weber", "de"),
    "anna.schneider": ("Anna Schneider", "de"),
    "giulia.romano": ("Giulia Romano", "it"),
    "marco.bianchi": ("Marco Bianchi", "it"),
    "lucia.garcia": ("Lucía García", "es"),
    "pablo.fernandez": ("Pablo Fernández", "es"),
}
HISTORY_DAYS = 90
HISTORY_ORDERS_PER_DAY = (5, 8)  # orders a day, at random between the two
HISTORY_SEED = 20261130  # the history's random choices: the same every run
# One order from before the 90 days, so that a request left waiting 50 days has closed itself.
OLD_ORDER_DAYS = 115
# Share of each marketplace in the seller's orders.
MARKETPLACE_WEIGHTS = {"uk": 50, "de": 20, "fr": 15, "it": 8, "es": 7}


@dataclass(frozen=True)
class Step:
    """One thing that happened in the demo's past: ``action`` run as if it were ``at``."""

    at: datetime
    action: Callable[[], object]


@contextlib.contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Run the product's services as if it were ``moment``: every ``timezone.now()`` inside
    reads it, so a past step stamps its rows, history, deadlines and outbox with its own time.

    Seeding only: ``seed_demo`` is one thread doing nothing else, and the real clock is back
    on the way out, whatever happens.
    """
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real_now


def run_steps(steps: list[Step]) -> None:
    """The steps in the order they happened (ties in the order given); all in the past."""
    now = timezone.now()
    if any(step.at > now for step in steps):
        raise ValueError("A step of the demo's history is in the future.")
    for step in sorted(steps, key=lambda step: step.at):
        with as_of(step.at):
            step.action()


def regular_buyers(marketplaces: dict[str, Marketplace]) -> dict[str, Customer]:
    """The regular buyers, made if missing (without a password: they cannot sign in)."""
    known = set(
        Customer.objects.filter(user__username__in=HISTORY_BUYERS).values_list("user__username", flat=True)
    )
    for username, (name, home) in HISTORY_BUYERS.items():
        if username not in known:
            services.register_customer(
                username=username,
                password=None,
                name=name,
                email=f"{username}@example.net",
                marketplace=marketplaces[home],
            )
    return {
        c.user.username: c
        for c in Customer.objects.filter(user__username__in=HISTORY_BUYERS).select_related("user")
    }


def _history_order_specs(
    *,
    seller: SellerAccount,
    customers: dict[str, Customer],
    marketplaces: dict[str, Marketplace],
    now: datetime,
) -> list[services.NewOrder]:
    """The demo seller's orders of the last 90 days (and one older): the same every run, but
    for the dates, which count back from ``now``."""
    rng = random.Random(HISTORY_SEED)
    products = [p for p in seller.products.order_by("pk") if p.sku != "OFFICE-KEY"]
    buyers_by_code: dict[str, list[Customer]] = {}
    for username, (_name, code) in HISTORY_BUYERS.items():
        buyers_by_code.setdefault(code, []).append(customers[username])
    codes, weights = list(MARKETPLACE_WEIGHTS), list(MARKETPLACE_WEIGHTS.values())
    moments = [now - timedelta(days=OLD_ORDER_DAYS, hours=5)]
    for days_ago in range(HISTORY_DAYS, 0, -1):
        for _ in range(rng.randint(*HISTORY_ORDERS_PER_DAY)):
            moments.append(now - timedelta(days=days_ago, minutes=rng.randint(0, 24 * 60 - 1)))
    specs = []
    for placed in sorted(moments):
        code = rng.choices(codes, weights)[0]
        picked = rng.sample(products, k=rng.choice([1, 1, 1, 2, 2, 3]))
        lines = [
            services.OrderLine(p, rng.choice([1, 1, 1, 2]), Decimal(rng.randint(399, 8999)) / 100)
            for p in picked
        ]
        delivered = placed + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 9))
        specs.append(
            services.NewOrder(
                order_id=f"{services.ORDER_ID_PREFIXES[code]}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}",
                seller=seller,
                customer=rng.choice(buyers_by_code[code]),
                marketplace=marketplaces[code],
                lines=lines,
                placed_at=placed,
                delivery_estimate=((placed + timedelta(days=2)).date(), (placed + timedelta(days=5)).date()),
                dispatched_at=placed + timedelta(hours=rng.randint(3, 30)),
                delivered_at=delivered if delivered < now else None,
                tracking_number=f"QH{rng.randrange(10**9):09d}GB" if code == "uk" else "",
            )
        )
    return specs


def seed_history_orders(
    *,
    seller: SellerAccount,
    customers: dict[str, Customer],
    marketplaces: dict[str, Marketplace],
    now: datetime,
) -> list[Order]:
    """Place the history orders not there yet; all of them, oldest first."""
    specs = _history_order_specs(seller=seller, customers=customers, marketplaces=marketplaces, now=now)
    ids = [spec.order_id for spec in specs]
    existing = set(Order.objects.filter(order_id__in=ids).values_list("order_id", flat=True))
    services.place_orders([spec for spec in specs if spec.order_id not in existing])
    return list(
        Order.objects.filter(order_id__in=ids).prefetch_related("items__product").order_by("placed_at", "pk")
    )
