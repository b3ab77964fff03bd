"""Seller Central's order pages and the storefront's "Your orders" pages."""

from __future__ import annotations

from collections.abc import Callable
from mimetypes import guess_type

from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from sellercentral.throttling import rate_limited

from . import inventory, order_page, pictures, rows, selectors, services, todos
from .access import BuyerSignInForm, SellerSignInForm, buyer_order_or_404, buyer_required, seller_required
from .forms import (
    CommunicationPreferencesForm,
    InventoryFilterForm,
    LanguageForm,
    OrderSearchForm,
    add_service_errors,
)

SELLER_ORDERS_PER_PAGE = 25
INVENTORY_PER_PAGE = 25
BUYER_ORDERS_PER_PAGE = 10


# --- Seller Central ---------------------------------------------------------------------
# Every sign-in attempt counts against the sign-in rate (sellercentral.throttling), besides
# django-axes locking a username out after repeated wrong passwords.
@method_decorator(rate_limited("sign_in"), name="dispatch")
class SellerSignInView(auth_views.LoginView):
    template_name = "seller/signin.html"
    authentication_form = SellerSignInForm
    redirect_authenticated_user = False
    next_page = "seller:home"


@seller_required
def seller_home(request: HttpRequest) -> HttpResponse:
    recent_orders = list(selectors.recent_orders_for_seller(request.seller))
    order_url = rows.url_for_each("seller:order")  # reversed once, not in each row's {% url %}
    for order in recent_orders:
        order.seller_page_url = order_url(order.order_id)
    # The same read as the menu's badges (once per request): the counts always agree.
    context = {"recent_orders": recent_orders, "todos": todos.for_request(request)}
    return render(request, "seller/home.html", context)


@seller_required
def seller_orders(request: HttpRequest) -> HttpResponse:
    form = OrderSearchForm(request.GET or None)
    search = form.valid_data().get("q", "")
    sort = selectors.ORDER_SORTING.read(request.GET.get("sort"))
    orders = selectors.orders_for_seller(request.seller, search=search, sort=sort)
    page = Paginator(orders, SELLER_ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "form": form, "sorting": selectors.ORDER_SORTING, "sort": sort}
    return render(request, "seller/orders.html", context, status=400 if form.errors else 200)


@seller_required
def seller_order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = get_object_or_404(selectors.orders_for_seller(request.seller), order_id=order_id)
    context = {"order": order, "sections": order_page.for_order(order)}
    return render(request, "seller/order_detail.html", context)


@seller_required
def seller_inventory(request: HttpRequest) -> HttpResponse:
    form = InventoryFilterForm(request.GET or None)
    filters = form.valid_data()
    search = filters.get("q", "")
    sort = inventory.INVENTORY_SORTING.read(request.GET.get("sort"))
    products = inventory.products_for_seller(request.seller, search=search, sort=sort)
    page = Paginator(products, INVENTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "search": search, "sort": sort, "form": form, "sorting": inventory.INVENTORY_SORTING,
    }  # fmt: skip
    return render(request, "seller/inventory.html", context, status=400 if form.errors else 200)


@seller_required
def seller_product_image(request: HttpRequest, pk: int) -> FileResponse:
    """A product's image, to its seller only (media is never served by URL)."""
    product = get_object_or_404(selectors.products_with_image(request.seller), pk=pk)
    try:
        image = product.image.open("rb")
    except FileNotFoundError:  # the row names a file the storage lost: no picture, not an error
        raise Http404("No image.") from None
    return FileResponse(image, content_type=guess_type(product.image.name)[0])


def _choose_language(
    request: HttpRequest, choose: Callable[[str], object], template: str, home: str
) -> HttpResponse:
    """The header's language menu: save the choice and go back to the page it was made on; a
    language not offered is a 400 with the menu's error, and nothing changes."""
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            try:
                choose(form.cleaned_data["language"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(form.next_page(request, default=reverse(home)))
        return render(request, template, {"form": form}, status=400)
    form = LanguageForm(initial={"language": request.LANGUAGE_CODE, "next": reverse(home)})
    return render(request, template, {"form": form})


@seller_required
@require_http_methods(["GET", "POST"])
def seller_language(request: HttpRequest) -> HttpResponse:
    membership = selectors.membership_for_user(request.user)
    return _choose_language(
        request,
        lambda language: services.choose_seller_language(membership=membership, language=language),
        "seller/language.html",
        "seller:home",
    )


# --- Storefront ---------------------------------------------------------------------------
@method_decorator(rate_limited("sign_in"), name="dispatch")
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


@buyer_required
def communication_preferences(request: HttpRequest) -> HttpResponse:
    customer = request.customer
    if request.method == "POST":
        form = CommunicationPreferencesForm(request.POST)
        if form.is_valid():
            services.set_communication_preferences(customer=customer, **form.cleaned_data)
            flash.success(request, _("Your communication preferences have been saved."))
            return redirect("storefront:communication_preferences")
    else:
        form = CommunicationPreferencesForm(
            initial={"opted_out_of_unsolicited_messages": customer.opted_out_of_unsolicited_messages}
        )
    return render(request, "storefront/communication_preferences.html", {"form": form})


@buyer_required
@require_http_methods(["GET", "POST"])
def buyer_language(request: HttpRequest) -> HttpResponse:
    customer = request.customer
    return _choose_language(
        request,
        lambda language: services.choose_buyer_language(customer=customer, language=language),
        "storefront/language.html",
        "storefront:orders",
    )


# --- Product pictures ---------------------------------------------------------------------
# Public, like a catalogue's images: the picture shows only the ASIN's colour and its brand.
@require_GET
@cache_control(public=True, max_age=86400)
def product_picture(request: HttpRequest, asin: str) -> HttpResponse:
    label = selectors.picture_label(asin)
    if label is None:
        raise Http404
    response = HttpResponse(pictures.product_svg(asin, label), content_type=pictures.CONTENT_TYPE)
    response["Content-Security-Policy"] = pictures.CONTENT_SECURITY_POLICY  # not the pages' policy
    response["X-Content-Type-Options"] = "nosniff"
    return response
