"""Row locks of Buyer-Seller Messaging: the only ``select_for_update`` in the app.

One order, always: **the order, then the thread, then a message** (a return's flow locks the
order and its return request, then posts into the order's thread). A flow locks once, at the
start of its transaction, and every lock takes only its own table's rows (``of=("self",)``):
what a query joins (the buyer's customer row, the seller's account) is read, never locked.

The outbox and the 24-hour sweeps take rows nobody else holds (``skip_locked``): a mail
being sent, or a message a sweep already has, is left to whoever has it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from commerce.models import Order, SellerAccount

from .models import Message, OutboundEmail, Thread

# What storing a message reads of its thread, joined when a page or the API locks it.
THREAD_PARTIES = (
    "seller",
    "customer",
    "marketplace",
    "buyer_alias__marketplace",
    "seller_alias__marketplace",
)


def lock_order(orders: QuerySet[Order]) -> Order | None:
    """The first of ``orders``, locked, joined as the caller's query says: an order's first
    thread is made under this lock, so two first messages about it cannot make two threads."""
    return orders.select_for_update(of=("self",)).first()


def lock_seller_templates(seller_id: int) -> None:
    """The seller's account row, locked while its reply templates change: a new row cannot be
    locked before it exists, so two templates saved at once could pass the cap or take one
    name twice (the name's constraint would then fail as a server error) without it."""
    SellerAccount.objects.select_for_update(of=("self",)).filter(pk=seller_id).values_list("pk").get()


def lock_thread(pk: int) -> Thread:
    """One thread, locked, with the parties storing a message reads."""
    return Thread.objects.select_for_update(of=("self",)).select_related(*THREAD_PARTIES).get(pk=pk)


def lock_first_thread(threads: QuerySet[Thread]) -> Thread | None:
    """The first of ``threads`` in their order, locked, joined as the caller's query says
    (inbound mail joins only what its recipient's alias does not already give it)."""
    return threads.select_for_update(of=("self",)).first()


def first_thread_locked(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """``lock_first_thread`` as a query not yet run, for the relay's compiled reads
    (``sellercentral.compiled_queries``): ``threads`` must be ordered or match one row."""
    return threads.select_for_update(of=("self",))[:1]


def lock_message(pk: int) -> Message:
    """One message, locked, to change its state (its raw source is not read)."""
    return Message.objects.select_for_update(of=("self",)).defer("raw").get(pk=pk)


def lock_pending_outbound_email(pk: int) -> OutboundEmail | None:
    """An outbox mail to send, locked while the mail server talks; None while another worker
    (a task, the sweep, staff) holds it."""
    return OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()


def lock_outbound_email(pk: int) -> OutboundEmail:
    """An outbox mail a bounce is about, locked (waiting while a worker sends it); taken
    after its message's thread."""
    return OutboundEmail.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_due_messages(messages: QuerySet[Message], *, limit: int) -> list[Message]:
    """Up to ``limit`` of ``messages`` (in their order), locked, skipping those another sweep
    holds; a reply to one of them waits for the sweep's transaction."""
    return list(messages.select_for_update(skip_locked=True, of=("self",))[:limit])
