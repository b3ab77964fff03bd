"""Demo data ("seed_demo", docs/product.md: demo data): the seed's seller, buyers and orders.

Every step looks up what it creates first, so running it again changes nothing. Dates are
relative to today so that return windows and metrics windows have something to show.

Besides the screens' fixtures, the demo seller gets 90 days of history (``demo_history``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import demo_history as history
from . import services
from .models import Customer, Marketplace, Order, Product, SellerAccount

User = get_user_model()

DEMO_ADMIN = "admin"  # a superuser with the password "admin": development only
SELLERS = {
    # username: (account name, marketplace codes)
    "seller": ("Test UK Seller 4 Luca", ["uk", "fr", "de", "it", "es"]),
    "seller2": ("Riverside Media Ltd", ["uk", "de", "fr"]),
}
BUYERS = {
    # username: (name, real e-mail address: sellers never see it, home marketplace)
    "luca": ("Luca de Pasqua", "luca.depasqua@example.com", "uk"),
    "jan": ("Jan Smit", "jan.smit@example.org", "uk"),
    "marie": ("Marie Dubois", "marie.dubois@example.fr", "fr"),
}
PRODUCTS = {
    # seller username: [(asin, sku, title, brand, category, returnable)]
    "seller": [
        (
            "B0000F2F36",
            "Sku1",
            "Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
            "Kingston",
            "Electronics",
            True,
        ),
        ("B00NH11KIK", "USB-C-2M", "Braided USB-C charging cable, 2 m", "Voltline", "Electronics", True),
        ("B07PXGQC1Q", "HP-ANC-01", "Wireless noise-cancelling headphones", "Sonora", "Electronics", True),
        (
            "B08L5NP6NG",
            "HUB-7IN1",
            "7-in-1 USB-C hub with 4K HDMI, SD card reader and 100 W charging",
            "Voltline",
            "Electronics",
            True,
        ),
        (
            "B09JQMJHXY",
            "MOUSE-WL",
            "Silent wireless mouse, 2.4 GHz, 1600 DPI, graphite",
            "Clikk",
            "Electronics",
            True,
        ),
        (
            "B07FZ8S74R",
            "KB-UK-BT",
            "Slim Bluetooth keyboard, UK layout, rechargeable",
            "Clikk",
            "Electronics",
            True,
        ),
        (
            "B0BDHWDR12",
            "SPK-MINI",
            "Waterproof mini Bluetooth speaker, 12 h playtime",
            "Sonora",
            "Electronics",
            True,
        ),
        (
            "B0B3F8Y4RT",
            "EARBUDS-TW",
            "True wireless earbuds with charging case",
            "Sonora",
            "Electronics",
            True,
        ),
        ("B08F7PTF53", "CHRG-65W", "65 W GaN USB-C charger, 3 ports", "Voltline", "Electronics", True),
        (
            "B09G9FPHY6",
            "USB-A-64",
            "DataTraveler 64 GB USB 3.2 flash drive, metal casing",
            "Kingston",
            "Electronics",
            True,
        ),
        ("B07YX5PQ2N", "CASE-SD24", "Hard case for 24 SD and microSD cards", "Cardsafe", "Accessories", True),
        (
            "B08KTZ8249",
            "LAMP-LED",
            "LED desk lamp with USB charging port, 5 brightness levels",
            "Lumo",
            "Home",
            True,
        ),
        ("B0C1KQ7G5V", "STAND-LT", "Aluminium laptop stand, adjustable height", "Lumo", "Home", True),
        (
            "B01N4HS7B8",
            "OFFICE-KEY",
            "Office suite 2024 - licence key (download)",
            "Softworks",
            "Software",
            False,
        ),
    ],
    "seller2": [
        ("0141439513", "BK-PRIDE", "Pride and Prejudice (Penguin Classics)", "Penguin", "Books", True),
        ("B00005JNOG", "DVD-CASA", "Casablanca [DVD]", "Warner", "DVD", False),
        ("B08C1W5N87", "MUG-SET", "Stoneware mug set of 4", "Hearth", "Kitchen", True),
    ],
}
ORDERS = [
    # (order id, buyer, seller, marketplace, days ago, [(sku, quantity, unit price)], tracking)
    ("202-0697275-2144321", "luca", "seller", "uk", 12, [("Sku1", 1, "0.04")], ""),
    (
        "202-5854079-6316359",
        "luca",
        "seller",
        "uk",
        9,
        [("Sku1", 2, "6.49"), ("USB-C-2M", 1, "8.99")],
        "QH417362385GB",
    ),
    ("203-4841771-0925113", "luca", "seller", "uk", 20, [("HP-ANC-01", 1, "79.00")], "QH418810472GB"),
    ("402-1180442-7741320", "luca", "seller", "fr", 15, [("OFFICE-KEY", 1, "59.90")], ""),
    ("203-9400112-5530187", "luca", "seller2", "uk", 7, [("BK-PRIDE", 1, "4.99")], "QH420019354GB"),
    (
        "203-7512290-1187436",
        "luca",
        "seller2",
        "uk",
        25,
        [("DVD-CASA", 1, "5.00"), ("MUG-SET", 1, "18.50")],
        "",
    ),
    ("204-0618835-3321907", "jan", "seller", "uk", 6, [("USB-C-2M", 3, "8.99")], "QH421190387GB"),
    ("302-2264109-8830156", "jan", "seller", "de", 18, [("Sku1", 1, "5.49")], ""),
    ("026-7381554-4012298", "jan", "seller2", "uk", 11, [("MUG-SET", 2, "18.50")], "QH419903216GB"),
    ("302-5527713-6608841", "jan", "seller2", "de", 30, [("BK-PRIDE", 2, "6.20")], ""),
    ("402-7781250-3390416", "marie", "seller", "fr", 8, [("Sku1", 1, "5.99"), ("USB-C-2M", 1, "9.49")], ""),
    (
        "202-3318870-5526014",
        "luca",
        "seller",
        "uk",
        4,
        [("HP-ANC-01", 1, "79.00"), ("USB-C-2M", 2, "8.99")],
        "QH421733604GB",
    ),
]
# Orders bought as gifts: order id -> (recipient, gift receipt number on the packing slip).
# Luca's gift to Jan, which Jan can return through Returns Support Centre > Return a gift.
GIFTS = {"202-3318870-5526014": ("Jan Smit", "GR7K-M4QD-9XWP")}
GENERATED_ORDER_PREFIX = "206"  # --orders N: ids 206-<n>-<digits>, apart from the seed's ones


@dataclass
class DemoWorld:
    """What the demo made, by username / order id, for the other apps' demo data.

    ``now``: the seed's present, the real time on the hour, which the history counts back
    from; ``history``: the demo seller's history orders, oldest first, each with its items."""

    sellers: dict[str, SellerAccount] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    history: list[Order] = field(default_factory=list)


def _user(username: str, *, email: str = "", staff: bool = False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=username, email=email, is_staff=staff, is_superuser=staff
        )
    return user


def disable_known_admin_password() -> bool:
    """An ``admin`` user whose password is ``admin`` (left by a development run on this
    database) loses it, and with it its sessions and API tokens; whether there was one."""
    user = User.objects.filter(username=DEMO_ADMIN).first()
    if user is None or not user.check_password(DEMO_ADMIN):
        return False
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return True


def _delivered_order(
    world: DemoWorld, spec: tuple, marketplaces: dict[str, Marketplace]
) -> services.NewOrder:
    order_id, buyer, seller_username, code, days_ago, lines, tracking = spec
    seller = world.sellers[seller_username]
    recipient, gift_receipt_number = GIFTS.get(order_id, (None, None))
    placed = timezone.now() - timedelta(days=days_ago, hours=3)
    products = {p.sku: p for p in seller.products.all()}
    return services.NewOrder(
        order_id=order_id,
        seller=seller,
        customer=world.customers[buyer],
        marketplace=marketplaces[code],
        lines=[services.OrderLine(products[sku], qty, Decimal(price)) for sku, qty, price in lines],
        placed_at=placed,
        delivery_estimate=((placed + timedelta(days=4)).date(), (placed + timedelta(days=8)).date()),
        dispatched_at=placed + timedelta(hours=20),
        delivered_at=placed + timedelta(days=3),
        tracking_number=tracking,
        recipient_name=recipient,
        is_gift=gift_receipt_number is not None,
        gift_receipt_number=gift_receipt_number,
    )


@transaction.atomic
def seed_core(*, demo_admin: bool = True) -> DemoWorld:
    """The demo's users, sellers, products and orders; the ``admin``/``admin`` superuser only
    with ``demo_admin`` (a development install, never one the Internet can reach)."""
    world = DemoWorld()
    marketplaces = {m.code: m for m in Marketplace.objects.all()}
    if demo_admin:
        _user(DEMO_ADMIN, email="admin@sellercentral.test", staff=True)
    for username, (account_name, codes) in SELLERS.items():
        user = _user(username, email=f"{username}@merchant.example.net")
        seller = SellerAccount.objects.filter(memberships__user=user).first()
        if seller is None:
            seller = services.create_seller_account(
                name=account_name, marketplaces=[marketplaces[c] for c in codes], users=[user]
            )
        world.sellers[username] = seller
        for asin, sku, title, brand, category, returnable in PRODUCTS[username]:
            Product.objects.get_or_create(
                seller=seller,
                sku=sku,
                defaults={
                    "asin": asin,
                    "title": title,
                    "brand": brand,
                    "category": category,
                    "is_returnable": returnable,
                },
            )
    for username, (name, email, home) in BUYERS.items():
        customer = Customer.objects.filter(user__username=username).first()
        if customer is None:
            customer = services.register_customer(
                username=username, password=username, name=name, email=email, marketplace=marketplaces[home]
            )
        world.customers[username] = customer
    world.customers |= history.regular_buyers(marketplaces)
    existing = set(
        Order.objects.filter(order_id__in=[o[0] for o in ORDERS]).values_list("order_id", flat=True)
    )
    services.place_orders(
        [_delivered_order(world, spec, marketplaces) for spec in ORDERS if spec[0] not in existing]
    )
    world.orders = {o.order_id: o for o in Order.objects.filter(order_id__in=[o[0] for o in ORDERS])}
    world.history = history.seed_history_orders(
        seller=world.sellers["seller"], customers=world.customers, marketplaces=marketplaces, now=world.now
    )
    return world


def generated_orders_count() -> int:
    return Order.objects.filter(order_id__startswith=f"{GENERATED_ORDER_PREFIX}-").count()


def generate_orders(world: DemoWorld, *, start: int, stop: int, buyers: int = 200) -> list[Order]:
    """Orders number ``start`` … ``stop - 1`` of the larger demo set; the same every run."""
    marketplaces = {m.code: m for m in Marketplace.objects.all()}
    sellers = list(world.sellers.values())
    products = {s.id: list(s.products.all()) for s in sellers}
    seller_codes = {s.id: [m.code for m in s.marketplaces.all()] for s in sellers}
    customers = _demo_buyers(buyers)
    now = timezone.now()
    new_orders = []
    for n in range(start, stop):
        rng = random.Random(n)
        seller = rng.choice(sellers)
        placed = now - timedelta(days=rng.uniform(0, 90))
        picked = rng.sample(products[seller.id], k=rng.randint(1, min(3, len(products[seller.id]))))
        lines = [
            services.OrderLine(p, rng.randint(1, 3), Decimal(rng.randint(199, 9999)) / 100) for p in picked
        ]
        delivered = placed + timedelta(days=rng.randint(1, 5))
        new_orders.append(
            services.NewOrder(
                order_id=f"{GENERATED_ORDER_PREFIX}-{n:07d}-{rng.randrange(10**7):07d}",
                seller=seller,
                customer=customers[n % len(customers)],
                marketplace=marketplaces[rng.choice(seller_codes[seller.id])],
                lines=lines,
                placed_at=placed,
                delivery_estimate=((placed + timedelta(days=2)).date(), (placed + timedelta(days=6)).date()),
                dispatched_at=placed + timedelta(hours=rng.randint(2, 40)),
                delivered_at=delivered if delivered < now else None,
                tracking_number=f"QH{rng.randrange(10**9):09d}GB" if rng.random() < 0.7 else "",
            )
        )
    return services.place_orders(new_orders)


def _demo_buyers(count: int) -> list[Customer]:
    customers = list(Customer.objects.filter(user__username__startswith="demo-buyer-").order_by("id")[:count])
    for n in range(len(customers), count):
        customers.append(
            services.register_customer(
                username=f"demo-buyer-{n:04d}",
                password=None,
                name=f"Demo Buyer {n:04d}",
                email=f"demo-buyer-{n:04d}@example.com",
            )
        )
    return customers
