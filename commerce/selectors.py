"""Reads of the commerce tables, shared by pages, the API and other apps."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Customer, Order, OrderItem, Product, SellerAccount, SellerMembership
from .pictures import label_for
from .sorting import Column, Sorting


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


# Manage Orders' sortable columns; each order has an index on ``Order`` (seller first).
ORDER_SORTING = Sorting(
    columns=(
        Column("placed", _("Order date"), ("placed_at",), first_descending=True),
        Column("order_id", _("Order ID"), ("order_id",)),
        Column("total", _("Total"), ("total",), first_descending=True),
    ),
    default="-placed",
)


def orders_for_seller(
    seller: SellerAccount, *, search: str = "", sort: str = ORDER_SORTING.default
) -> QuerySet[Order]:
    """The seller's orders, newest first unless ``sort`` (``ORDER_SORTING``) says otherwise;
    ``search`` matches an order id or its start."""
    orders = Order.objects.filter(seller=seller)
    search = search.strip()
    if search:
        orders = orders.filter(order_id__startswith=search)
    return _with_items(orders).order_by(*ORDER_SORTING.order_by(sort))


def recent_orders_for_seller(seller: SellerAccount, *, limit: int = 5) -> QuerySet[Order]:
    """The home's latest orders: only what its list shows (no items, no buyer)."""
    return (
        Order.objects.filter(seller=seller)
        .order_by(*ORDER_SORTING.order_by(ORDER_SORTING.default))
        .only("order_id", "placed_at", "total", "currency")[:limit]
    )


def products_with_image(seller: SellerAccount) -> QuerySet[Product]:
    return Product.objects.filter(seller=seller).exclude(image="")


def picture_label(asin: str) -> str | None:
    """The label of the ASIN's picture (its brand, else its category), or None for an ASIN
    nobody lists. Listings of one ASIN share a picture: the lowest id's brand names it."""
    row = Product.objects.filter(asin=asin).order_by("pk").values_list("brand", "category").first()
    return None if row is None else label_for(brand=row[0], category=row[1], asin=asin)
