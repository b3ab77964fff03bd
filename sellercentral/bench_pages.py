"""The hot pages of the scale data set (``benchdata``): who opens them, and at which address.

One list for ``make bench`` (each page beside its floor) and ``make profile PAGE=…`` (where
a page's time goes): the largest seller's user on Seller Central's busiest pages, and one of
that seller's busiest buyers on the storefront's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.urls import reverse

from commerce.models import Customer, SellerAccount


@dataclass(frozen=True)
class World:
    seller: SellerAccount
    seller_user: AbstractBaseUser
    buyer_user: AbstractBaseUser
    thread_id: int


@dataclass(frozen=True)
class HotPage:
    name: str
    party: str  # "seller" or "buyer": who is signed in
    address: Callable[[World], str]

    def user(self, world: World) -> AbstractBaseUser:
        return world.seller_user if self.party == "seller" else world.buyer_user


HOT_PAGES = {
    page.name: page
    for page in [
        HotPage("inbox", "seller", lambda w: reverse("messaging:inbox")),
        HotPage("thread", "seller", lambda w: reverse("messaging:thread", args=[w.thread_id])),
        # The filter that was slowest (the most rows behind it).
        HotPage("returns", "seller", lambda w: reverse("returns:manage") + "?status=denied_by_seller"),
        HotPage("account-health", "seller", lambda w: reverse("metrics:account_health")),
        HotPage("home", "seller", lambda w: reverse("seller:home")),
        HotPage("buyer-orders", "buyer", lambda w: reverse("storefront:orders")),
        HotPage("buyer-returns", "buyer", lambda w: reverse("returns:your_returns")),
    ]
}


def world_of(seller: SellerAccount) -> World:
    """The largest seller's first user, its busiest thread, and the buyer with most orders from it."""
    from messaging.models import Thread

    thread = (
        Thread.objects.filter(seller=seller)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .values("pk")[:1]
    )
    buyer = (
        Customer.objects.filter(orders__seller=seller)
        .annotate(n=Count("orders"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    return World(seller, seller.users.order_by("pk").first(), buyer.user, thread.get()["pk"])
