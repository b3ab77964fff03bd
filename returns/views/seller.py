"""The seller's Manage Returns: the list, authorise, deny, refund, contact the buyer, the
links of the return e-mail, and A-to-z claims."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from commerce.access import seller_required
from commerce.formats import money
from commerce.forms import add_service_errors
from commerce.models import ORDER_ID_PATTERN
from commerce.pagination import CountedPaginator
from messaging import services as messaging

from .. import policy, selectors, services, tokens
from ..forms import ClaimResponseForm, DenyForm, RefundForm, ReturnAddressForm, ReturnFilterForm
from ..models import Claim, ReturnRequest
from . import RETURNS_PER_PAGE


def _seller_return(request: HttpRequest, pk: int) -> ReturnRequest:
    return get_object_or_404(selectors.returns_for_seller(request.seller), pk=pk)


def _authorise(
    request: HttpRequest, return_request: ReturnRequest, form: forms.Form, address: dict | None = None
) -> HttpResponse | None:
    return _decide(
        request,
        form,
        lambda: services.authorise_return(return_request=return_request, actor=request.user, address=address),
        "returns:authorised",
    )


def _deny(request: HttpRequest, return_request: ReturnRequest, form: DenyForm) -> HttpResponse | None:
    return _decide(
        request,
        form,
        lambda: services.deny_return(return_request=return_request, actor=request.user, **form.cleaned_data),
        "returns:denied",
    )


def _decide(
    request: HttpRequest, form: forms.Form, decision: Callable[[], ReturnRequest], done: str
) -> HttpResponse | None:
    """Make a seller's decision on a return: its confirmation page when made; when refused
    (the return moved on), Manage Returns with the reason; when invalid, ``None`` with the
    errors on ``form`` for the page to show again."""
    try:
        decided = decision()
    except services.TransitionRefused as refused:
        flash.error(request, str(refused))
        return redirect("returns:manage")
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return redirect(done, pk=decided.pk)


@seller_required
def manage(request: HttpRequest) -> HttpResponse:
    filter_form = ReturnFilterForm(request.GET or None)
    filters = filter_form.filters()
    sort = selectors.RETURN_SORTING.read(request.GET.get("sort"))
    return_requests = selectors.returns_for_seller(request.seller, **filters, sort=sort, as_cards=True)
    counts = selectors.status_counts(request.seller, since=filters["since"], until=filters["until"])
    status, search = filters["status"], filters["search"]
    # Without a search the filter's count is already known: no second COUNT over the range.
    paginator = (
        Paginator(return_requests, RETURNS_PER_PAGE)
        if search
        else CountedPaginator(return_requests, RETURNS_PER_PAGE, count=counts[status])
    )
    page = paginator.get_page(request.GET.get("page"))
    status_links = [(key, label, counts[key]) for key, (label, _) in selectors.STATUS_FILTERS.items()]
    context = {
        "page": page,
        "status": status,
        "status_links": status_links,
        "search": search,
        "date_form": filter_form,
        "date_range": filter_form.days(),
        "sorting": selectors.RETURN_SORTING,
        "sort": sort,
        "bulk_cap": policy.MAX_BULK_DECISIONS,
    }
    # An invalid filter is shown beside its field and the list falls back to its default.
    status_code = 400 if filter_form.errors else 200
    return render(request, "returns/manage.html", context, status=status_code)


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
        address = {field: request.POST.get(field, "") for field in form.fields} if use_new else None
        decided = _authorise(request, return_request, form, address)
        if decided is not None:
            return decided
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
        decided = _deny(request, return_request, form)
        if decided is not None:
            return decided
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
        request.POST if request.method == "POST" else None,
        items=items,
        remaining=remaining,
        initial=initial,
        currency=return_request.currency,
    )
    context = {"return_request": return_request, "form": form, "remaining_total": sum(remaining.values())}
    if request.method == "POST" and form.is_valid():
        step, total = request.POST.get("confirmed", ""), sum(form.item_amounts().values())
        if step == "edit":  # "Change the amounts" on the confirmation: the form as it was left
            return render(request, "returns/refund.html", context)
        if step != "yes" and total > 0:
            # Money leaves the seller: say how much, to whom and how, and wait for a yes. (A zero
            # total goes straight to the service, whose error the form shows.)
            confirmation = {**context, "total": total, "rows": form.confirmation_rows()}
            return render(request, "returns/refund_confirm.html", confirmation)
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
                gettext("Refund of %(amount)s issued for order %(order_id)s.")
                % {"amount": money(made.amount, made.currency), "order_id": return_request.order.order_id},
            )
            return redirect(reverse("returns:manage") + f"?q={return_request.order.order_id}")
    return render(request, "returns/refund.html", context, status=400 if request.method == "POST" else 200)


@seller_required
@require_POST
def contact_buyer(request: HttpRequest, pk: int) -> HttpResponse:
    return_request = _seller_return(request, pk)
    thread = messaging.open_thread_for_order(order=return_request.order)
    return redirect("messaging:thread", pk=thread.pk)


@seller_required
def email_action(request: HttpRequest, token: str) -> HttpResponse:
    """A link from the return-request e-mail: GET shows what it would do, POST does it."""
    try:
        return_request, action = tokens.read_token(token, seller=request.seller)
    except tokens.InvalidLink as invalid:
        return render(request, "returns/email_action_invalid.html", {"reason": str(invalid)}, status=410)
    return_request = selectors.return_with_details(return_request.pk)
    deny_form = DenyForm(request.POST if request.method == "POST" and action == "close" else None)
    decided = None
    if request.method == "POST" and action == "reply":
        thread = messaging.open_thread_for_order(order=return_request.order)
        return redirect(reverse("messaging:thread", args=[thread.pk]) + "#reply")
    if request.method == "POST" and action == "authorise":
        decided = _authorise(request, return_request, deny_form)
    if request.method == "POST" and action == "close" and deny_form.is_valid():
        decided = _deny(request, return_request, deny_form)
    if decided is not None:
        return decided
    context = {
        "return_request": return_request,
        "action": action,
        "deny_form": deny_form,
        "address": selectors.return_address_for(request.seller.pk, return_request.marketplace_id),
    }
    return render(
        request, "returns/email_action.html", context, status=400 if request.method == "POST" else 200
    )


# --- A-to-z Guarantee claims -------------------------------------------------------------------
@seller_required
def claims(request: HttpRequest) -> HttpResponse:
    return _claims_page(request, ClaimResponseForm())


def _claims_page(
    request: HttpRequest, form: ClaimResponseForm, *, answering: int | None = None, status: int = 200
) -> HttpResponse:
    """The claims list; ``answering`` is the claim whose answer ``form`` holds (with errors).
    ``?show=to_answer``: only the open claims still waiting for the seller's response;
    ``?order=<order id>``: only that order's (a link from the order page)."""
    to_answer = request.GET.get("show") == "to_answer"
    # Anything but an order id (the query string is the visitor's to edit) shows every claim.
    order_id = request.GET.get("order", "")
    order_id = order_id if re.fullmatch(ORDER_ID_PATTERN, order_id) else ""
    sort = selectors.CLAIM_SORTING.read(request.GET.get("sort"))
    claims = selectors.claims_for_seller(request.seller, to_answer=to_answer, order_id=order_id, sort=sort)
    page = Paginator(claims, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "answering": answering,
        "to_answer": to_answer,
        "order_id": order_id,
        "sorting": selectors.CLAIM_SORTING,
        "sort": sort,
    }
    return render(request, "returns/claims.html", context, status=status)


@seller_required
@require_POST
def respond_to_claim(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Claim, pk=pk, seller=request.seller)
    form = ClaimResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_claim(claim=found, response=form.cleaned_data["response"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.TransitionRefused as refused:
            flash.error(request, str(refused))
            return redirect("returns:claims")
        else:
            flash.success(request, gettext("Your response was added to the claim."))
            return redirect("returns:claims")
    # Bad input comes back on the page, beside the claim's answer box, as every form's does.
    return _claims_page(request, form, answering=found.pk, status=400)
