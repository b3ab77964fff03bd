"""Returns pages: the buyer's Returns Support Centre and the seller's Manage Returns."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from commerce import selectors as commerce_selectors
from commerce.access import buyer_required, seller_required
from commerce.forms import DateRangeForm, add_service_errors
from commerce.models import Marketplace, Order
from commerce.pagination import CountedPaginator
from messaging import services as messaging

from . import labels, selectors, services, tokens
from .forms import (
    POLICY_NOTE,
    ClaimForm,
    ClaimResponseForm,
    DenyForm,
    ExceptionMarketplaceForm,
    GiftOrderForm,
    RefundForm,
    ReturnAddressForm,
    ReturnItemsForm,
    ReturnSettingsForm,
)
from .models import Claim, MarketplaceReturnRule, ReturnAddress, ReturnSettings

RETURNS_PER_PAGE = 20
YOUR_RETURNS_WINDOW = timedelta(days=61)  # "Return authorisations created in the past 2 months"


# --- Buyer: Returns Support Centre -------------------------------------------------------
@buyer_required
def centre(request: HttpRequest) -> HttpResponse:
    return render(request, "returns/centre.html")


def _select_items(request: HttpRequest, order: Order, *, gift: bool) -> HttpResponse:
    order_items = list(order.items.select_related("product"))
    returnable = selectors.returnable_quantities([order.pk])
    open_items = selectors.order_items_with_open_requests([order.pk])
    form = ReturnItemsForm(
        request.POST if request.method == "POST" else None, order_items=order_items, returnable=returnable
    )
    if request.method == "POST" and form.is_valid():
        try:
            return_request, warnings = services.request_return(
                order=order,
                customer=request.customer,
                items=form.requested_items(),
                is_gift=gift,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error.message_dict)
        else:
            for warning in warnings:
                flash.warning(request, warning)
            return redirect("returns:pending", pk=return_request.pk)
    context = {
        "order": order,
        "form": form,
        "open_items": open_items,
        "gift": gift,
        "policy_note": POLICY_NOTE,
    }
    return render(
        request, "returns/select_items.html", context, status=400 if request.method == "POST" else 200
    )


@buyer_required
def return_items(request: HttpRequest, order_id: str) -> HttpResponse:
    order = get_object_or_404(commerce_selectors.orders_for_customer(request.customer), order_id=order_id)
    return _select_items(request, order, gift=False)


@buyer_required
def gift(request: HttpRequest) -> HttpResponse:
    form = GiftOrderForm(request.GET or None)
    if request.GET and form.is_valid():
        order_id = form.cleaned_data["order_id"]
        if (
            Order.objects.filter(order_id=order_id, status=Order.Status.DELIVERED)
            .exclude(customer=request.customer)
            .exists()
        ):
            return redirect("returns:gift_items", order_id=order_id)
        form.add_error("order_id", "We couldn't find a delivered gift order with this number.")
    return render(request, "returns/gift.html", {"form": form})


@buyer_required
def gift_items(request: HttpRequest, order_id: str) -> HttpResponse:
    order = (
        Order.objects.filter(order_id=order_id, status=Order.Status.DELIVERED)
        .exclude(customer=request.customer)
        .first()
    )
    if order is None:
        raise Http404("No such gift order.")
    return _select_items(request, order, gift=True)


@buyer_required
def pending(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    return render(request, "returns/pending.html", {"return_request": return_request})


@buyer_required
def your_returns(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - YOUR_RETURNS_WINDOW
    page = Paginator(
        selectors.returns_for_customer(request.customer, since=since), RETURNS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "returns/your_returns.html", {"page": page})


@buyer_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    try:
        services.cancel_return(return_request=return_request, actor=request.user)
    except services.TransitionRefused as refused:
        flash.error(request, str(refused))
    else:
        flash.success(request, "Your return request has been cancelled. The seller has been told.")
    return redirect("returns:your_returns")


def _authorised_for_buyer(request: HttpRequest, pk: int):
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    if not return_request.rma:
        raise Http404("This return has no label: it has not been authorised.")
    return return_request


@buyer_required
def label(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _authorised_for_buyer(request, pk)
    context = {
        "return_request": return_request,
        "barcode": labels.barcode_svg(return_request.rma),
        "title": labels.TITLE,
    }
    return render(request, "returns/label.html", context)


@buyer_required
def label_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _authorised_for_buyer(request, pk)
    response = HttpResponse(labels.label_pdf(return_request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="return-label-{return_request.rma}.pdf"'
    return response


@buyer_required
def claim(request: HttpRequest, order_id: str) -> HttpResponse:
    order = get_object_or_404(commerce_selectors.orders_for_customer(request.customer), order_id=order_id)
    claims = list(selectors.claims_for_order(request.customer, order_id))
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_claim(order=order, customer=request.customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request, "Your A-to-z Guarantee claim has been filed. We will e-mail you our decision."
            )
            return redirect("returns:claim", order_id=order_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "returns/claim.html", {"order": order, "claims": claims, "form": form}, status=status
    )


# --- Seller: Manage Returns --------------------------------------------------------------
def _seller_return(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.returns_for_seller(request.seller), pk=pk)


@seller_required
def manage(request: HttpRequest) -> HttpResponse:
    dates = DateRangeForm(request.GET or None)
    since, until = dates.bounds()
    status = request.GET.get("status", "all")
    if status not in selectors.STATUS_FILTERS:
        status = "all"
    search = request.GET.get("q", "")[:100]
    requests = selectors.returns_for_seller(
        request.seller, status=status, since=since, until=until, search=search
    )
    counts = selectors.status_counts(request.seller, since=since, until=until)
    # Without a search the filter's count is already known: no second COUNT over the range.
    paginator = (
        Paginator(requests, RETURNS_PER_PAGE)
        if search
        else CountedPaginator(requests, RETURNS_PER_PAGE, count=counts[status])
    )
    page = paginator.get_page(request.GET.get("page"))
    status_links = [(key, label, counts[key]) for key, (label, _) in selectors.STATUS_FILTERS.items()]
    context = {
        "page": page,
        "status": status,
        "status_links": status_links,
        "search": search,
        "date_form": dates,
        "date_range": dates.days(),
    }
    return render(request, "returns/manage.html", context)


@seller_required
def authorise(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _seller_return(request, pk)
    stored = selectors.return_address_for(request.seller.pk, return_request.marketplace_id)
    use_new = request.POST.get("address_choice") == "new" or stored is None
    form = ReturnAddressForm(
        request.POST if request.method == "POST" and use_new else None,
        initial=stored.as_snapshot() if stored else None,
    )
    if request.method == "POST":
        address = None
        if use_new:
            address = {field: request.POST.get(field, "") for field in form.fields}
        try:
            services.authorise_return(return_request=return_request, actor=request.user, address=address)
        except services.TransitionRefused as refused:
            flash.error(request, str(refused))
            return redirect("returns:manage")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("returns:authorised", pk=return_request.pk)
    context = {"return_request": return_request, "stored": stored, "form": form, "use_new": use_new}
    return render(request, "returns/authorise.html", context, status=400 if request.method == "POST" else 200)


@seller_required
def authorised(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "returns/authorised.html", {"return_request": _seller_return(request, pk)})


@seller_required
def deny(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _seller_return(request, pk)
    form = DenyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deny_return(return_request=return_request, actor=request.user, **form.cleaned_data)
        except services.TransitionRefused as refused:
            flash.error(request, str(refused))
            return redirect("returns:manage")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("returns:denied", pk=return_request.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "returns/deny.html", {"return_request": return_request, "form": form}, status=status
    )


@seller_required
def denied(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "returns/denied.html", {"return_request": _seller_return(request, pk)})


@seller_required
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _seller_return(request, pk)
    items = list(return_request.items.all())
    remaining = services.refundable_amounts(return_request, items)
    initial = {
        "idempotency_key": uuid.uuid4().hex,
        **{f"item-{pk}": value for pk, value in remaining.items()},
    }
    form = RefundForm(
        request.POST if request.method == "POST" else None, items=items, remaining=remaining, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.issue_refund(
                return_request=return_request,
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                item_amounts=form.item_amounts(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                f"Refund of {made.amount} {made.currency} issued for order {return_request.order.order_id}.",
            )
            return redirect(reverse("returns:manage") + f"?q={return_request.order.order_id}")
    context = {"return_request": return_request, "form": form, "remaining_total": sum(remaining.values())}
    return render(request, "returns/refund.html", context, status=400 if request.method == "POST" else 200)


@seller_required
@require_POST
def contact_buyer(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _seller_return(request, pk)
    thread = messaging.open_thread_for_order(order=return_request.order)
    return redirect("messaging:thread", pk=thread.pk)


@seller_required
def claims(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.claims_for_seller(request.seller), RETURNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "returns/claims.html", {"page": page, "form": ClaimResponseForm()})


@seller_required
@require_POST
def respond_to_claim(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Claim, pk=pk, seller=request.seller)
    form = ClaimResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_claim(claim=found, response=form.cleaned_data["response"])
        except (ValidationError, services.TransitionRefused) as problem:
            flash.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
        else:
            flash.success(request, "Your response was added to the claim.")
    else:
        flash.error(request, "Write a response of at most 2,000 characters.")
    return redirect("returns:claims")


# --- Seller: Settings > Account info (return addresses) ----------------------------------
@seller_required
def account_info(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    addresses = {
        a.marketplace_id: a for a in ReturnAddress.objects.filter(seller=seller).select_related("marketplace")
    }
    code = request.POST.get("marketplace") or request.GET.get("marketplace") or ""
    marketplace = seller.marketplaces.filter(code=code).first() if code else None
    if code and marketplace is None:
        raise Http404("You do not sell on that marketplace.")
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
            where = f"for {marketplace.name}" if marketplace else "(default)"
            flash.success(request, f"Return address {where} saved.")
            return redirect("returns:account_info")
    context = {
        "form": form,
        "editing": marketplace,
        "default": addresses.get(None),
        "exceptions": [a for key, a in addresses.items() if key is not None],
        "exception_form": ExceptionMarketplaceForm(seller=seller),
        "marketplaces": Marketplace.objects.filter(sellers=seller),
    }
    return render(
        request, "returns/account_info.html", context, status=400 if request.method == "POST" else 200
    )


@seller_required
@require_POST
def remove_exception(request: HttpRequest, code: str) -> HttpResponse:
    marketplace = get_object_or_404(request.seller.marketplaces, code=code)
    services.remove_return_address_exception(seller=request.seller, marketplace=marketplace)
    flash.success(request, f"The return address exception for {marketplace.name} was removed.")
    return redirect("returns:account_info")


# --- Seller: Returns Settings and the e-mail action links ----------------------------------
@seller_required
def return_settings(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    current = ReturnSettings.objects.filter(seller=seller).first()
    rules = dict(MarketplaceReturnRule.objects.filter(seller=seller).values_list("marketplace__code", "rule"))
    automated = [code for code, rule in rules.items() if rule != "manual"]
    initial = {
        "email_quick_links": current.email_quick_links if current else False,
        "return_window_days": current.return_window_days if current else 30,
        "marketplaces": automated,
        "rule": "all" if automated and all(rules[c] == "all" for c in automated) else "policy",
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
                "Your returns settings were saved. Open requests keep the rules they were submitted under.",
            )
            return redirect("returns:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "returns/settings.html", {"form": form}, status=status)


@seller_required
def email_action(request: HttpRequest, token: str) -> HttpResponse:
    """A link from the return-request e-mail: GET shows what it would do, POST does it."""
    try:
        return_request, action = tokens.read_token(token, seller=request.seller)
    except tokens.InvalidLink as invalid:
        return render(request, "returns/email_action_invalid.html", {"reason": str(invalid)}, status=410)
    return_request = selectors.return_with_details(return_request.pk)
    deny_form = DenyForm(request.POST if request.method == "POST" and action == "close" else None)
    if request.method == "POST":
        try:
            if action == "authorise":
                services.authorise_return(return_request=return_request, actor=request.user)
                return redirect("returns:authorised", pk=return_request.pk)
            if action == "close" and deny_form.is_valid():
                services.deny_return(
                    return_request=return_request, actor=request.user, **deny_form.cleaned_data
                )
                return redirect("returns:denied", pk=return_request.pk)
            if action == "reply":
                thread = messaging.open_thread_for_order(order=return_request.order)
                return redirect(reverse("messaging:thread", args=[thread.pk]) + "#reply")
        except services.TransitionRefused as refused:
            flash.error(request, str(refused))
            return redirect("returns:manage")
        except ValidationError as error:
            add_service_errors(deny_form, error)
    context = {
        "return_request": return_request,
        "action": action,
        "deny_form": deny_form,
        "address": selectors.return_address_for(request.seller.pk, return_request.marketplace_id),
    }
    return render(
        request, "returns/email_action.html", context, status=400 if request.method == "POST" else 200
    )


@buyer_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer's star rating of a closed return, from Your Returns."""
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        services.rate_return(
            return_request=return_request,
            customer=request.customer,
            rating=rating,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        flash.error(
            request, " ".join(message for messages in error.message_dict.values() for message in messages)
        )
    except services.TransitionRefused as refused:
        flash.error(request, str(refused))
    else:
        flash.success(request, "Thank you for rating your return.")
    return redirect("returns:your_returns")


@buyer_required
def label_barcode(request: HttpRequest, pk: int) -> HttpResponse:
    """The RMA barcode as an SVG image (an image, so the page's strict CSP stays intact)."""
    return_request = _authorised_for_buyer(request, pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + labels.barcode_svg(return_request.rma)
    return HttpResponse(svg, content_type="image/svg+xml")
