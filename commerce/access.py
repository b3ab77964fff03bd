"""Who may see what: sellers see their own account's pages, buyers their own orders.

``seller_required`` / ``buyer_required`` send anonymous users to the right sign-in page and
set ``request.seller`` / ``request.customer`` for the view; anything else is a 404, so a
page never confirms that someone else's object exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Order
from .selectors import customer_for_user, orders_for_customer, seller_account_for_user

View = Callable[..., HttpResponse]


def buyer_order_or_404(request: HttpRequest, order_id: str) -> Order:
    """The signed-in buyer's order ``order_id``, with its items; anyone else's is a 404."""
    return get_object_or_404(orders_for_customer(request.customer), order_id=order_id)


def _require(attribute: str, lookup: Callable, sign_in_url: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse(sign_in_url))
            party = lookup(request.user)
            if party is None:
                raise Http404("This page belongs to another kind of account.")
            setattr(request, attribute, party)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


seller_required = _require("seller", seller_account_for_user, "seller:signin")
buyer_required = _require("customer", customer_for_user, "storefront:signin")


class _PartySignInForm(AuthenticationForm):
    """Sign-in that only admits one kind of account (a seller's user, or a buyer)."""

    lookup: Callable = staticmethod(lambda user: None)
    refusal: str = ""  # a lazy translation: read in the language of the request
    refusal_code: str = ""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if type(self).lookup(user) is None:
            raise forms.ValidationError(self.refusal, code=self.refusal_code)


class SellerSignInForm(_PartySignInForm):
    lookup = staticmethod(seller_account_for_user)
    refusal = _("This account is not a Seller Central account. Buyers sign in on the storefront.")
    refusal_code = "not_a_seller"


class BuyerSignInForm(_PartySignInForm):
    lookup = staticmethod(customer_for_user)
    refusal = _("This account has no storefront orders. Sellers sign in to Seller Central.")
    refusal_code = "not_a_buyer"


# django-axes keeps the attempted username in a varchar(255) while Django's sign-in forms take
# any length (jazzband/django-axes#1381): longer input would fail to store, a server error.
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes records and locks out on, cut to the length it can store."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:AXES_USERNAME_MAX_LENGTH]
