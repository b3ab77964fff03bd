"""The buyer's pages: the Returns Support Centre, a return's items, Your Returns, the label
and A-to-z claims."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from commerce.access import buyer_order_or_404, buyer_required
from commerce.forms import add_service_errors
from commerce.models import Order
from sellercentral.throttling import rate_limited

from .. import labels, policy, selectors, services, states
from ..forms import POLICY_NOTE, ClaimForm, GiftOrderForm, ReturnItemsForm
from ..models import ReturnRequest, ReturnStatus
from ..policy import YOUR_RETURNS_SHOWN_FOR
from . import RETURNS_PER_PAGE


@buyer_required
def centre(request: HttpRequest) -> HttpResponse:
    return render(request, "returns/centre.html")


def _select_items(
    request: HttpRequest, order: Order, *, gift: bool, gift_receipt_number: str = ""
) -> HttpResponse:
    # An order that cannot be returned (cancelled, not yet dispatched) shows why, and no form.
    refusal = "" if policy.is_returnable(order) else policy.not_returnable_reason(order)
    posted = request.method == "POST" and not refusal
    order_items = list(order.items.select_related("product"))
    returnable = selectors.returnable_quantities([order.pk])
    open_items = selectors.order_items_with_open_requests([order.pk], customer=request.customer)
    form = ReturnItemsForm(request.POST if posted else None, order_items=order_items, returnable=returnable)
    if posted and form.is_valid():
        try:
            return_request, warnings = services.request_return(
                order=order,
                customer=request.customer,
                items=form.requested_items(),
                is_gift=gift,
                gift_receipt_number=gift_receipt_number,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
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
        "refusal": refusal,
    }
    return render(
        request, "returns/select_items.html", context, status=400 if request.method == "POST" else 200
    )


@buyer_required
@rate_limited("return_request")
def return_items(request: HttpRequest, order_id: str) -> HttpResponse:
    order = buyer_order_or_404(request, order_id)
    return _select_items(request, order, gift=False)


# The gift receipt numbers this session has given, by order id: once the two numbers of a
# packing slip match, the recipient may choose the gift's items to return.
GIFT_RECEIPTS = "returns:gift_receipts"


@buyer_required
def gift(request: HttpRequest) -> HttpResponse:
    """Return a gift: the order number and the gift receipt number of its packing slip.

    Posted rather than put in the address, so the receipt number (the recipient's proof)
    stays out of logs and browser history."""
    if request.method != "POST":
        form = GiftOrderForm(initial={"order_id": request.GET.get("order_id", "")[:40]})
        return render(request, "returns/gift.html", {"form": form})
    form = GiftOrderForm(request.POST)
    if form.is_valid():
        order_id, number = form.cleaned_data["order_id"], form.cleaned_data["gift_receipt_number"]
        order = selectors.gift_order(order_id)
        try:
            if order is None:
                raise ValidationError({"gift_receipt_number": policy.GIFT_NOT_FOUND})
            services.check_order_for_return(
                order=order, customer=request.customer, is_gift=True, gift_receipt_number=number
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[GIFT_RECEIPTS] = {**request.session.get(GIFT_RECEIPTS, {}), order_id: number}
            return redirect("returns:gift_items", order_id=order_id)
    return render(request, "returns/gift.html", {"form": form}, status=400)


@buyer_required
@rate_limited("return_request")
def gift_items(request: HttpRequest, order_id: str) -> HttpResponse:
    number = request.session.get(GIFT_RECEIPTS, {}).get(order_id, "")
    order = selectors.gift_order(order_id) if number else None
    if order is None or not policy.is_gift_receipt_of(order, number):
        flash.info(
            request,
            gettext("Enter the order number and the gift receipt number from the gift's packing slip."),
        )
        return redirect(f"{reverse('returns:gift')}?{urlencode({'order_id': order_id})}")
    return _select_items(request, order, gift=True, gift_receipt_number=number)


def _pending_context(request: HttpRequest, pk: int) -> dict:
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    checking = (
        return_request.status == ReturnStatus.AUTHORISATION_REQUIRED
        and policy.awaiting_automatic_rule(
            rule=return_request.rule,
            meets_policy=return_request.meets_policy,
            rule_applied_at=return_request.rule_applied_at,
            requested_at=return_request.requested_at,
            now=timezone.now(),
        )
    )
    return {
        "return_request": return_request,
        "checking": checking,
        "check_every_ms": int(policy.RULE_CHECK_EVERY.total_seconds() * 1000),
    }


@buyer_required
def pending(request: HttpRequest, pk: int) -> HttpResponse:
    """After "Submit": the label at once when the seller's rule authorises the request, the
    pending text otherwise; while the rule may still authorise it, a status that asks again."""
    return render(request, "returns/pending.html", _pending_context(request, pk))


@buyer_required
@never_cache  # asked again every second: always the request's state now
def pending_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The pending page's status box alone, for the page's own check (static/js/app.js)."""
    return render(request, "returns/partials/pending_status.html", _pending_context(request, pk))


@buyer_required
def your_returns(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - YOUR_RETURNS_SHOWN_FOR
    page = Paginator(
        selectors.returns_for_customer(request.customer, since=since, with_history=False), RETURNS_PER_PAGE
    ).get_page(request.GET.get("page"))
    # The rating choices are the same on every closed return: worded once for the page.
    ratings = [(n, ngettext("%(stars)s star", "%(stars)s stars", n) % {"stars": n}) for n in range(5, 0, -1)]
    return render(request, "returns/your_returns.html", {"page": page, "ratings": ratings})


@buyer_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "Cancel this return?" (a page, so it works without JavaScript); POST cancels."""
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    if request.method == "GET":
        if not states.allows(states.Event.CANCEL, return_request.status):
            flash.error(request, states.TRANSITIONS[states.Event.CANCEL].refusal)
            return redirect("returns:your_returns")
        return render(request, "returns/cancel_confirm.html", {"return_request": return_request})
    try:
        services.cancel_return(return_request=return_request, actor=request.user)
    except services.TransitionRefused as refused:
        flash.error(request, str(refused))
    else:
        flash.success(request, gettext("Your return request has been cancelled. The seller has been told."))
    return redirect("returns:your_returns")


@buyer_required
@require_POST
@rate_limited("feedback")
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
        flash.error(request, " ".join(error.messages))
    except services.TransitionRefused as refused:
        flash.error(request, str(refused))
    else:
        flash.success(request, gettext("Thank you for rating your return."))
    return redirect("returns:your_returns")


# --- The label -------------------------------------------------------------------------------
def _authorised_for_buyer(request: HttpRequest, pk: int) -> ReturnRequest:
    return_request = get_object_or_404(selectors.returns_for_customer(request.customer), pk=pk)
    if not return_request.rma:
        raise Http404(gettext("This return has no label: it has not been authorised."))
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
def label_barcode(request: HttpRequest, pk: int) -> HttpResponse:
    """The RMA barcode as an SVG image (an image, so the page's strict CSP stays intact)."""
    return_request = _authorised_for_buyer(request, pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + labels.barcode_svg(return_request.rma)
    return HttpResponse(svg, content_type="image/svg+xml")


# --- A-to-z Guarantee claims -------------------------------------------------------------------
@buyer_required
@rate_limited("claim")
def claim(request: HttpRequest, order_id: str) -> HttpResponse:
    order = buyer_order_or_404(request, order_id)
    claims = list(selectors.claims_for_order(request.customer, order_id))
    # One claim per order: once one is open or decided, the page shows it and no new form.
    can_file = not claims  # only the order's buyer files one, so ``claims`` holds them all
    if request.method == "POST" and not can_file:  # a second tab, or a form kept open
        flash.error(request, policy.ONE_CLAIM_PER_ORDER)
        return redirect("returns:claim", order_id=order_id)
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_claim(
                order=order, customer=request.customer, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                gettext("Your A-to-z Guarantee claim has been filed. We will e-mail you our decision."),
            )
            return redirect("returns:claim", order_id=order_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "returns/claim.html",
        {"order": order, "claims": claims, "form": form, "can_file": can_file},
        status=status,
    )
