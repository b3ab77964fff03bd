"""Reads of Buyer-Seller Messaging: the inbox, threads, averages."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from commerce.models import Customer, Order, OrderItem, SellerAccount

from .models import Attachment, Message, Thread
from .policy import awaiting_response

ORDER_ID_SEARCH = re.compile(r"^\d{3}-[\d-]*$")
ASIN_SEARCH = re.compile(r"^[0-9A-Za-z]{10}$")


def inbox(
    seller: SellerAccount,
    *,
    direction: str = Message.Direction.RECEIVED,
    since: datetime | None = None,
    until: datetime | None = None,
    awaiting_response: bool = False,
    search: str = "",
) -> QuerySet[Message]:
    """The seller's messages of one direction, newest first, with what a row shows joined.

    ``search`` is an order id (or its start), an ASIN, or an e-mail address (the buyer's
    masked address; a real address never matches anything a seller can see).
    """
    messages = Message.objects.filter(seller=seller, direction=direction)
    if since is not None:
        messages = messages.filter(sent_at__gte=since)
    if until is not None:
        messages = messages.filter(sent_at__lt=until)
    if awaiting_response:
        messages = awaiting(messages)
    search = search.strip()
    if search:
        messages = messages.filter(_search(search))
    return messages.select_related("thread__order", "thread__buyer_alias__marketplace").order_by(
        "-sent_at", "-id"
    )


# What an inbox row shows: loading only these keeps the page's fetch close to the raw SQL's.
INBOX_ROW_FIELDS = (
    "thread_id", "sent_at", "sender_name", "subject", "is_auto_reply", "is_system", "needs_response",
    "no_response_needed", "responded_at", "overdue_at", "thread__order__order_id",
    "thread__buyer_alias__token", "thread__buyer_alias__marketplace__code",
)  # fmt: skip


def inbox_rows(seller: SellerAccount, **filters) -> QuerySet[Message]:
    """``inbox`` for the inbox page: only the columns a row shows."""
    return inbox(seller, **filters).only(*INBOX_ROW_FIELDS)


def awaiting(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.filter(awaiting_response())


def _search(term: str) -> Q:
    if "@" in term:
        token = term.rpartition("@")[0].lower()
        return Q(thread__buyer_alias__token=token)
    if ORDER_ID_SEARCH.match(term):
        return Q(thread__order__order_id__startswith=term)
    if ASIN_SEARCH.match(term):
        # A semi-join on the orders holding the ASIN (not a correlated EXISTS per message).
        return Q(thread__order_id__in=OrderItem.objects.filter(product__asin=term.upper()).values("order_id"))
    return Q(subject__icontains=term) | Q(sender_name__icontains=term)


def _thread_with_messages(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.select_related(
        "order", "buyer_alias__marketplace", "seller_alias", "customer", "seller"
    ).prefetch_related(
        Prefetch(
            "messages",
            queryset=Message.objects.defer("raw").prefetch_related(
                Prefetch("attachments", Attachment.objects.order_by("id"))
            ),
        ),
        Prefetch("order__items", queryset=OrderItem.objects.select_related("product")),
    )


def threads_for_seller(seller: SellerAccount) -> QuerySet[Thread]:
    return _thread_with_messages(Thread.objects.filter(seller=seller))


def threads_for_order(customer: Customer, order: Order) -> QuerySet[Thread]:
    return _thread_with_messages(Thread.objects.filter(customer=customer, order=order)).order_by("created_at")


def attachment_for_seller(seller: SellerAccount, attachment_id: int) -> Attachment | None:
    return Attachment.objects.filter(pk=attachment_id, message__seller=seller).first()


def attachment_for_customer(customer: Customer, attachment_id: int) -> Attachment | None:
    return Attachment.objects.filter(pk=attachment_id, message__thread__customer=customer).first()
