"""The seller's settings pages of the returns centre: Account info (return addresses) and
Returns Settings."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from commerce.access import seller_required
from commerce.forms import add_service_errors
from commerce.models import Marketplace, SellerAccount

from .. import selectors, services
from ..forms import ExceptionMarketplaceForm, ReturnAddressForm, ReturnSettingsForm
from ..models import ReturnAddress, ReturnRule


@seller_required
def account_info(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    addresses = selectors.return_addresses_of(seller)
    # "Add" sends ?add=1 with the chosen marketplace: with none chosen, say so by the list.
    exception_form = ExceptionMarketplaceForm(request.GET if "add" in request.GET else None, seller=seller)
    if exception_form.is_bound and not exception_form.is_valid():
        context = _account_info_context(seller, addresses, ReturnAddressForm(), None, exception_form)
        return render(request, "returns/account_info.html", context, status=400)
    code = request.POST.get("marketplace") or request.GET.get("marketplace") or ""
    # Only one of the five codes is looked up (the query string may hold anything at all).
    marketplace = seller.marketplaces.filter(code=code).first() if code in Marketplace.Code.values else None
    if code and marketplace is None:
        raise Http404(gettext("You do not sell on that marketplace."))
    current = addresses.get(marketplace.pk if marketplace else None)
    form = ReturnAddressForm(
        request.POST if request.method == "POST" else None, initial=current.as_snapshot() if current else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_return_address(seller=seller, marketplace=marketplace, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = (
                gettext("Return address for %(marketplace)s saved.") % {"marketplace": marketplace.name}
                if marketplace
                else gettext("Default return address saved.")
            )
            flash.success(request, saved)
            return redirect("returns:account_info")
    context = _account_info_context(
        seller, addresses, form, marketplace, ExceptionMarketplaceForm(seller=seller)
    )
    return render(
        request, "returns/account_info.html", context, status=400 if request.method == "POST" else 200
    )


def _account_info_context(
    seller: SellerAccount,
    addresses: dict[int | None, ReturnAddress],
    form: ReturnAddressForm,
    editing: Marketplace | None,
    exception_form: ExceptionMarketplaceForm,
) -> dict:
    return {
        "form": form,
        "editing": editing,
        "default": addresses.get(None),
        "exceptions": [a for key, a in addresses.items() if key is not None],
        "exception_form": exception_form,
        "marketplaces": Marketplace.objects.filter(sellers=seller),
    }


@seller_required
@require_POST
def remove_exception(request: HttpRequest, code: str) -> HttpResponse:
    marketplace = get_object_or_404(request.seller.marketplaces, code=code)
    services.remove_return_address_exception(seller=request.seller, marketplace=marketplace)
    flash.success(
        request,
        gettext("The return address exception for %(marketplace)s was removed.")
        % {"marketplace": marketplace.name},
    )
    return redirect("returns:account_info")


@seller_required
def return_settings(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    current = selectors.return_settings_for(seller)
    rules = selectors.return_rules_for(seller)
    automated = [code for code, rule in rules.items() if rule != ReturnRule.MANUAL]
    initial = {
        "email_quick_links": current.email_quick_links,
        "return_window_days": current.return_window_days,
        "marketplaces": automated,
        "rule": (
            ReturnRule.ALL
            if automated and all(rules[c] == ReturnRule.ALL for c in automated)
            else ReturnRule.POLICY
        ),
    }
    form = ReturnSettingsForm(
        request.POST if request.method == "POST" else None, seller=seller, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_return_settings(
                seller=seller,
                email_quick_links=form.cleaned_data["email_quick_links"],
                return_window_days=form.cleaned_data["return_window_days"],
                rules=form.rules(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                gettext(
                    "Your returns settings were saved. Open requests keep the rules they were submitted under."
                ),
            )
            return redirect("returns:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "returns/settings.html", {"form": form}, status=status)
