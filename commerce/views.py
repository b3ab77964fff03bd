"""Seller Central's order pages and the storefront's "Your orders" pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import selectors
from .access import BuyerSignInForm, SellerSignInForm, buyer_order_or_404, buyer_required, seller_required

SELLER_ORDERS_PER_PAGE = 25
BUYER_ORDERS_PER_PAGE = 10


# --- Seller Central ---------------------------------------------------------------------
class SellerSignInView(auth_views.LoginView):
    template_name = "seller/signin.html"
    authentication_form = SellerSignInForm
    redirect_authenticated_user = False
    next_page = "seller:home"


@seller_required
def seller_home(request: HttpRequest) -> HttpResponse:
    recent_orders = selectors.orders_for_seller(request.seller)[:5]
    return render(request, "seller/home.html", {"recent_orders": recent_orders})


@seller_required
def seller_orders(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:40]
    orders = selectors.orders_for_seller(request.seller, search=search)
    page = Paginator(orders, SELLER_ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "seller/orders.html", {"page": page, "search": search})


@seller_required
def seller_order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = get_object_or_404(selectors.orders_for_seller(request.seller), order_id=order_id)
    return render(request, "seller/order_detail.html", {"order": order})


# --- Storefront ---------------------------------------------------------------------------
class BuyerSignInView(auth_views.LoginView):
    template_name = "storefront/signin.html"
    authentication_form = BuyerSignInForm
    next_page = "storefront:orders"


def storefront_home(request: HttpRequest) -> HttpResponse:
    if selectors.customer_for_user(request.user) is not None:
        return redirect("storefront:orders")
    return render(request, "storefront/home.html")


@buyer_required
def buyer_orders(request: HttpRequest) -> HttpResponse:
    orders = selectors.orders_for_customer(request.customer)
    page = Paginator(orders, BUYER_ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "storefront/orders.html", {"page": page})


@buyer_required
def buyer_order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = buyer_order_or_404(request, order_id)
    return render(request, "storefront/order_detail.html", {"order": order})
