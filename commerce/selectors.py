"""Reads of the commerce tables, shared by pages, the API and other apps."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from .models import Customer, Order, OrderItem, SellerAccount


def seller_account_for_user(user: AbstractBaseUser | AnonymousUser) -> SellerAccount | None:
    """The seller account ``user`` works for, or None for buyers, staff and anonymous users."""
    if not user.is_authenticated:
        return None
    return SellerAccount.objects.filter(memberships__user=user).first()


def customer_for_user(user: AbstractBaseUser | AnonymousUser) -> Customer | None:
    if not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).first()


def _with_items(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("marketplace", "seller", "customer").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("product"))
    )


def orders_for_customer(customer: Customer) -> QuerySet[Order]:
    return _with_items(Order.objects.filter(customer=customer))


def orders_for_seller(seller: SellerAccount, *, search: str = "") -> QuerySet[Order]:
    """The seller's orders, newest first; ``search`` matches an order id or its start."""
    orders = Order.objects.filter(seller=seller)
    search = search.strip()
    if search:
        orders = orders.filter(order_id__startswith=search)
    return _with_items(orders)
