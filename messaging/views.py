"""Messages pages: the seller's inbox and threads, the buyer's "Contact seller"."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from commerce.access import buyer_order_or_404, buyer_required, seller_required
from commerce.forms import add_service_errors
from commerce.pagination import capped_count, keyset_page
from metrics import selectors as metrics_selectors
from sellercentral.throttling import rate_limited

from . import selectors, services
from .forms import AlternateAddressForm, ContactSellerForm, InboxFilterForm, ReplyForm
from .models import Attachment, Message

MESSAGES_PER_PAGE = 25
# Counting a big inbox's every message on each page view would cost more than the page itself.
MESSAGE_COUNT_CAP = 1000


# --- Seller Central -------------------------------------------------------------------------
@seller_required
def inbox(request: HttpRequest) -> HttpResponse:
    filter_form = InboxFilterForm(request.GET or None)
    filters = filter_form.filters()
    before, after = filter_form.cursors()
    sort = selectors.INBOX_SORTING.read(request.GET.get("sort"))
    messages = selectors.inbox_rows(request.seller, **filters)
    count, more = capped_count(messages, MESSAGE_COUNT_CAP)
    page = keyset_page(
        messages,
        per_page=MESSAGES_PER_PAGE,
        count=count,
        before=before,
        after=after,
        time_field="sent_at",
        oldest_first=sort == "sent",
    )
    context = {
        "filter_form": filter_form,
        "filters": filters,
        "date_range": filter_form.days(),
        "page": page,
        "sorting": selectors.INBOX_SORTING,
        "sort": sort,
        "more_than_counted": more,
        "average_response_time": metrics_selectors.average_response_time(request.seller, days=7),
    }
    # An invalid filter is shown beside its field and the list falls back to its default.
    return render(request, "messaging/inbox.html", context, status=400 if filter_form.errors else 200)


def _thread_page(request: HttpRequest, thread, reply_form: ReplyForm, status: int = 200) -> HttpResponse:
    return render(
        request, "messaging/thread.html", {"thread": thread, "reply_form": reply_form}, status=status
    )


@seller_required
@rate_limited("reply")
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(selectors.threads_for_seller(request.seller), pk=pk)
    if request.method != "POST":
        return _thread_page(request, found, ReplyForm())
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sent = services.reply_to_thread(thread=found, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, "Your reply has been sent." if sent else "Marked as no response needed.")
            return redirect("messaging:thread", pk=found.pk)
    return _thread_page(request, found, form, status=400)


@seller_required
@require_POST
def mark_no_response_needed(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk, seller=request.seller, direction=Message.Direction.RECEIVED)
    services.mark_no_response_needed(message=message, actor=request.user)
    flash.success(request, "Marked as no response needed.")
    return redirect("messaging:thread", pk=message.thread_id)


def _download(attachment: Attachment | None) -> FileResponse:
    if attachment is None:
        raise Http404("No such attachment.")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = "application/octet-stream"  # never rendered inline in our origin
    response["X-Content-Type-Options"] = "nosniff"
    return response


@seller_required
def seller_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return _download(selectors.attachment_for_seller(request.seller, pk))


@seller_required
def alternate_addresses(request: HttpRequest) -> HttpResponse:
    form = AlternateAddressForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_alternate_address(seller=request.seller, email=form.cleaned_data["email"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, "The alternate address can now write to buyers through the relay.")
                return redirect("messaging:alternate_addresses")
        status = 400
    addresses = selectors.alternate_addresses(request.seller)
    return render(
        request, "messaging/alternate_addresses.html", {"form": form, "addresses": addresses}, status=status
    )


@seller_required
@require_POST
def remove_alternate_address(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.remove_alternate_address(seller=request.seller, address_id=pk):
        raise Http404("No such alternate address.")
    flash.success(request, "The alternate address was removed.")
    return redirect("messaging:alternate_addresses")


# --- Storefront -------------------------------------------------------------------------------
def _buyer_order(request: HttpRequest, order_id: str):
    return buyer_order_or_404(request, order_id)


@buyer_required
@rate_limited("contact_seller")
def contact_seller(request: HttpRequest, order_id: str) -> HttpResponse:
    order = _buyer_order(request, order_id)
    posted = request.method == "POST"
    form = ContactSellerForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            services.contact_seller(order=order, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, f"Your message has been sent to {order.seller.name}.")
            return redirect("messaging:order_messages", order_id=order.order_id)
    status = 400 if posted else 200
    return render(request, "messaging/contact_seller.html", {"order": order, "form": form}, status=status)


@buyer_required
def order_messages(request: HttpRequest, order_id: str) -> HttpResponse:
    order = _buyer_order(request, order_id)
    threads = selectors.threads_for_order(request.customer, order)
    return render(request, "messaging/order_messages.html", {"order": order, "threads": threads})


@buyer_required
def buyer_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return _download(selectors.attachment_for_customer(request.customer, pk))
