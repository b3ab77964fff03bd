"""Reads of the commerce tables, shared by pages, the API and other apps."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from .models import Customer, Order, OrderItem, Product, SellerAccount, SellerMembership
from .pictures import label_for


def membership_for_user(user: AbstractBaseUser | AnonymousUser) -> SellerMembership | None:
    """The user's seller membership (with its account), looked up once per request's user."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = SellerMembership.objects.select_related("seller").filter(user=user).first()
    return user._membership_cache


def seller_account_for_user(user: AbstractBaseUser | AnonymousUser) -> SellerAccount | None:
    """The seller account ``user`` works for, or None for buyers, staff and anonymous users."""
    membership = membership_for_user(user)
    return membership.seller if membership else None


def customer_for_user(user: AbstractBaseUser | AnonymousUser) -> Customer | None:
    """The user's storefront customer (with its home marketplace), looked up once per user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_customer_cache"):
        user._customer_cache = Customer.objects.select_related("marketplace").filter(user=user).first()
    return user._customer_cache


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


def picture_label(asin: str) -> str | None:
    """The label of the ASIN's picture (its brand, else its category), or None for an ASIN
    nobody lists. Listings of one ASIN share a picture: the lowest id's brand names it."""
    row = Product.objects.filter(asin=asin).order_by("pk").values_list("brand", "category").first()
    return None if row is None else label_for(brand=row[0], category=row[1], asin=asin)
