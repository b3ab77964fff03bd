"""Writes to the commerce tables. Other apps call these rather than touching the models."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import languages
from .models import Customer, Marketplace, Order, OrderItem, Product, SellerAccount, SellerMembership
from .policy import new_gift_receipt_number

# The first block of an order id by marketplace, as the storefronts issue them.
ORDER_ID_PREFIXES = {"uk": "202", "fr": "402", "de": "302", "it": "403", "es": "404"}


@dataclass(frozen=True)
class OrderLine:
    product: Product
    quantity: int
    unit_price: Decimal


def new_order_id(marketplace: Marketplace) -> str:
    """A random order id in the marketplace's 3-7-7 format; callers retry on a clash."""
    middle = secrets.randbelow(10**7)
    last = secrets.randbelow(10**7)
    return f"{ORDER_ID_PREFIXES[marketplace.code]}-{middle:07d}-{last:07d}"


@transaction.atomic
def create_seller_account(
    *, name: str, marketplaces: Iterable[Marketplace], users: Iterable[AbstractUser] = ()
) -> SellerAccount:
    seller = SellerAccount.objects.create(name=name)
    seller.marketplaces.set(marketplaces)
    for user in users:
        add_seller_user(seller=seller, user=user)
    return seller


def add_seller_user(*, seller: SellerAccount, user: AbstractUser) -> SellerMembership:
    return SellerMembership.objects.create(seller=seller, user=user)


@transaction.atomic
def register_customer(
    *, username: str, password: str | None, name: str, email: str, marketplace: Marketplace | None = None
) -> Customer:
    """A storefront account; ``password=None`` makes one that cannot sign in with a password."""
    email = email.strip().lower()
    user = get_user_model().objects.create_user(username=username, password=password, email=email)
    return Customer.objects.create(user=user, name=name, email=email, marketplace=marketplace)


@dataclass
class NewOrder:
    seller: SellerAccount
    customer: Customer
    marketplace: Marketplace
    lines: Sequence[OrderLine]
    placed_at: datetime
    order_id: str | None = None
    recipient_name: str | None = None
    delivery_estimate: tuple[date, date] | None = None
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None
    tracking_number: str = ""
    is_gift: bool = False
    gift_receipt_number: str | None = None  # a gift gets a new one unless given

    def receipt_number(self) -> str:
        if not self.is_gift:
            return ""
        return self.gift_receipt_number or new_gift_receipt_number()

    def status(self) -> str:
        if self.delivered_at:
            return Order.Status.DELIVERED
        if self.dispatched_at:
            return Order.Status.DISPATCHED
        return Order.Status.PLACED


@transaction.atomic
def place_orders(new_orders: Sequence[NewOrder]) -> list[Order]:
    """Record orders and their items in bulk (two INSERTs whatever the number of orders).

    Each total is the sum of its lines, in the marketplace currency. An order of a product
    another seller sells, or on a marketplace its seller does not sell on, is refused.
    """
    seller_ids = {new.seller.id for new in new_orders}
    selling_on = set(
        SellerAccount.marketplaces.through.objects.filter(selleraccount_id__in=seller_ids).values_list(
            "selleraccount_id", "marketplace_id"
        )
    )
    orders = []
    for new in new_orders:
        if not new.lines:
            raise ValueError("An order needs at least one item.")
        if (new.seller.id, new.marketplace.id) not in selling_on:
            raise ValueError(f"{new.seller} does not sell on {new.marketplace}.")
        for line in new.lines:
            if line.product.seller_id != new.seller.id:
                raise ValueError(f"{line.product.sku} is not sold by {new.seller}.")
        orders.append(
            Order(
                order_id=new.order_id or new_order_id(new.marketplace),
                marketplace=new.marketplace,
                seller=new.seller,
                customer=new.customer,
                recipient_name=new.recipient_name or new.customer.name,
                status=new.status(),
                placed_at=new.placed_at,
                dispatched_at=new.dispatched_at,
                delivered_at=new.delivered_at,
                tracking_number=new.tracking_number,
                is_gift=new.is_gift,
                gift_receipt_number=new.receipt_number(),
                delivery_estimate_start=new.delivery_estimate[0] if new.delivery_estimate else None,
                delivery_estimate_end=new.delivery_estimate[1] if new.delivery_estimate else None,
                currency=new.marketplace.currency,
                total=sum((line.unit_price * line.quantity for line in new.lines), Decimal("0.00")),
            )
        )
    for order in orders:
        order.full_clean(
            exclude=["marketplace", "seller", "customer"],
            validate_unique=False,
            validate_constraints=False,  # the database checks them; here only field formats
        )
    Order.objects.bulk_create(orders)
    OrderItem.objects.bulk_create(
        OrderItem(order=order, product=line.product, quantity=line.quantity, unit_price=line.unit_price)
        for order, new in zip(orders, new_orders, strict=True)
        for line in new.lines
    )
    return orders


def place_order(**fields) -> Order:
    """One order; takes the fields of ``NewOrder``."""
    return place_orders([NewOrder(**fields)])[0]


def set_communication_preferences(*, customer: Customer, opted_out_of_unsolicited_messages: bool) -> Customer:
    """The buyer's "Communication preferences": whether sellers may write to them first."""
    customer.opted_out_of_unsolicited_messages = opted_out_of_unsolicited_messages
    customer.save(update_fields=["opted_out_of_unsolicited_messages"])
    return customer


def _checked_language(language: str) -> str:
    if not languages.is_language(language):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    return language


def choose_seller_language(*, membership: SellerMembership, language: str) -> SellerMembership:
    """A seller user's Seller Central and e-mail language, picked in the header."""
    membership.language = _checked_language(language)
    membership.save(update_fields=["language"])
    return membership


def choose_buyer_language(*, customer: Customer, language: str) -> Customer:
    """The storefront and e-mail language a buyer picked in the storefront's header."""
    customer.chosen_language = _checked_language(language)
    customer.save(update_fields=["chosen_language"])
    return customer


def mark_order_dispatched(*, order: Order, at: datetime, tracking_number: str = "") -> Order:
    order.status = Order.Status.DISPATCHED
    order.dispatched_at = at
    order.tracking_number = tracking_number
    order.save(update_fields=["status", "dispatched_at", "tracking_number"])
    return order


def mark_order_delivered(*, order: Order, at: datetime) -> Order:
    order.status = Order.Status.DELIVERED
    order.delivered_at = at
    order.save(update_fields=["status", "delivered_at"])
    return order


def mark_order_changed(*, order_id: int, at: datetime) -> None:
    """Something an order shows beside its own columns changed — its items' returnable
    quantities, which the returns app counts — so integrators who sync orders see it updated."""
    Order.objects.filter(pk=order_id).update(updated_at=at)
