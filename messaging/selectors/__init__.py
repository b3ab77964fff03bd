"""Reads of Buyer-Seller Messaging: the inbox, threads, attachments, the seller's addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Left
from django.utils.translation import gettext_lazy as _

from commerce import languages
from commerce.models import Customer, Order, OrderItem, SellerAccount
from commerce.sorting import Column, Sorting
from returns.selectors import order_has_return_request
from sellercentral.compiled_queries import CompiledQuery

from ..models import AlternateAddress, Attachment, Message, OutboundEmail, Thread
from ..policy import (
    ContactReason,
    awaiting_response,
    contact_reasons,
    order_stage,
    shown_to_buyer,
)

# The inbox's folders: a direction (Received, the default, is what buyers wrote; Sent; System,
# the product's own messages), or all of them.
ALL_FOLDERS = "all"
ORDER_ID_SEARCH = re.compile(r"^\d{3}-[\d-]*$")
ASIN_SEARCH = re.compile(r"^[0-9A-Za-z]{10}$")


# The inbox pages by keyset on (sent time, id) through ``message_inbox_idx``, so it sorts by
# that alone, either way: another column would need its value in the page cursor.
INBOX_SORTING = Sorting(
    columns=(Column("sent", _("Date"), ("sent_at",), first_descending=True),), default="-sent"
)


def inbox(
    seller: SellerAccount,
    *,
    direction: str = Message.Direction.RECEIVED,
    since: datetime | None = None,
    until: datetime | None = None,
    awaiting_response: bool = False,
    search: str = "",
) -> QuerySet[Message]:
    """The seller's messages of one direction (or ``ALL_FOLDERS``), newest first, with what a
    row shows joined.

    ``search`` is an order id (or its start), an ASIN, or an e-mail address (the buyer's
    masked address; a real address never matches anything a seller can see).
    """
    messages = Message.objects.filter(seller=seller)
    if direction != ALL_FOLDERS:
        messages = messages.filter(direction=direction)
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
    "thread_id", "direction", "sent_at", "sender_name", "subject", "notice", "is_auto_reply", "is_system", "needs_response",
    "no_response_needed", "responded_at", "overdue_at",
)  # fmt: skip


def inbox_rows(seller: SellerAccount, **filters) -> QuerySet[Message]:
    """``inbox`` for the inbox page: only the columns a row shows, with the order id and the
    buyer's masked address (``Alias.address_of``) read as columns of the message: building a
    thread, an order, an alias and a marketplace for each row cost more than the query."""
    return (
        inbox(seller, **filters)
        .select_related(None)
        .only(*INBOX_ROW_FIELDS)
        .annotate(
            order_ref=F("thread__order__order_id"),
            buyer_token=F("thread__buyer_alias__token"),
            buyer_marketplace=F("thread__buyer_alias__marketplace__code"),
        )
    )


# The inbox's columns for a report: the buyer's masked address is built from its token and
# marketplace (``Alias.address``); a real address is never stored with a message, so none of
# these columns can hold one.
MESSAGES_REPORT_COLUMNS = (
    "sent_at", "direction", "sender_name", "thread__buyer_alias__token",
    "thread__buyer_alias__marketplace__code", "subject", "thread__order__order_id", "needs_response",
    "responded_at",
)  # fmt: skip


def messages_report(seller: SellerAccount, *, since: datetime, until: datetime) -> QuerySet:
    """The inbox's "All messages" folder over the date range, as flat rows."""
    return inbox(seller, direction=ALL_FOLDERS, since=since, until=until).values_list(
        *MESSAGES_REPORT_COLUMNS
    )


# What a message's relayed copies say, the worst first: one bounced copy makes it "bounced".
DELIVERY_STATUSES = ["bounced", "failed", "pending", "sent"]


def with_delivery_status(messages: QuerySet[Message]) -> QuerySet[Message]:
    """``delivery_status`` on each message, from its relayed copies in the outbox, in the
    list's own query (None: nothing relayed, a system message)."""
    copies = OutboundEmail.objects.filter(message=OuterRef("pk"))
    return messages.annotate(
        delivery_status=Case(
            *(When(Exists(copies.filter(status=status)), then=Value(status)) for status in DELIVERY_STATUSES),
            default=Value(None),
        )
    )


def awaiting(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.filter(awaiting_response())


def awaiting_for_seller(seller: SellerAccount) -> QuerySet[Message]:
    """Every buyer message still waiting for the seller's answer: the inbox's "Awaiting
    response" rows (the home's to-do and the menu's badge count them)."""
    return awaiting(Message.objects.filter(seller=seller, direction=Message.Direction.RECEIVED))


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


def _thread_with_messages(threads: QuerySet[Thread], shown: Q | None = None) -> QuerySet[Thread]:
    messages = Message.objects.defer("raw")
    if shown is not None:
        messages = messages.filter(shown)
    return threads.select_related(
        "order", "marketplace", "buyer_alias__marketplace", "seller_alias", "customer", "seller"
    ).prefetch_related(
        Prefetch(
            "messages",
            queryset=messages.prefetch_related(Prefetch("attachments", Attachment.objects.order_by("id"))),
        ),
        Prefetch("order__items", queryset=OrderItem.objects.select_related("product")),
    )


def threads_for_seller(seller: SellerAccount) -> QuerySet[Thread]:
    return _thread_with_messages(Thread.objects.filter(seller=seller))


def threads_for_order(customer: Customer, order: Order) -> QuerySet[Thread]:
    """The buyer's conversations about an order, with what the buyer is shown of them."""
    threads = Thread.objects.filter(customer=customer, order=order)
    return _thread_with_messages(threads, shown=shown_to_buyer()).order_by("created_at")


# What the order page shows of a thread's last message: its start is enough.
LAST_MESSAGE_PREVIEW_CHARS = 200


def order_threads(order: Order) -> QuerySet[Thread]:
    """The order's conversations, latest activity first, each with its last message's sender,
    direction, time and the start of its text, in one query (``commerce.order_page``)."""
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-sent_at", "-id")
    return (
        Thread.objects.filter(order=order, seller_id=order.seller_id)
        .annotate(
            last_sender_name=Subquery(last.values("sender_name")[:1]),
            last_direction=Subquery(last.values("direction")[:1]),
            last_sent_at=Subquery(last.values("sent_at")[:1]),
            last_text=Subquery(
                last.annotate(start=Left("body_text", LAST_MESSAGE_PREVIEW_CHARS)).values("start")[:1]
            ),
            message_count=Subquery(
                Message.objects.filter(thread=OuterRef("pk"))
                .order_by()
                .values("thread")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .order_by("-last_message_at", "-id")
    )


# --- The seller's real addresses (the relay masks them, and mails the inboxes) ---------------
def _users_with_email(seller: SellerAccount | int) -> QuerySet:
    """The seller's active users who have an address: its inboxes. (Through the membership
    rather than ``seller.users``: building that related manager costs more than the query,
    and the relay reads this for every mail.)"""
    return get_user_model().objects.filter(seller_membership__seller=seller, is_active=True).exclude(email="")


@dataclass(frozen=True)
class SellerAddresses:
    """A seller's real addresses, read once (``seller_addresses``) and handed to what needs
    them: ``real`` may write to buyers through the relay (and is masked wherever it shows),
    ``inboxes`` is where the seller's mail goes."""

    real: frozenset[str]
    inboxes: list[str]
    # Each inbox's reader's language (``commerce.languages``): the relay writes its copy in it.
    inbox_languages: dict[str, str] = field(default_factory=dict)


def _seller_addresses_query(seller_id: int) -> QuerySet:
    # The second column: an inbox's reader's chosen language ("" for none); null for an
    # alternate address, which is no inbox.
    users = _users_with_email(seller_id).values_list("email", "seller_membership__language")
    alternates = (
        AlternateAddress.objects.filter(seller=seller_id)
        .annotate(inbox=Value(None, output_field=CharField()))
        .values_list("email", "inbox")
    )
    return users.order_by().union(alternates.order_by(), all=True)


# The relay reads them for every mail: compiled once.
_seller_addresses = CompiledQuery(_seller_addresses_query, seller_id=int)


def seller_addresses(seller: SellerAccount) -> SellerAddresses:
    """The seller's addresses in one query: its active users' (the inboxes) and its alternates."""
    rows = _seller_addresses(seller_id=seller.pk)
    languages_of = {
        email.lower(): languages.seller_language_code(chosen) for email, chosen in rows if chosen is not None
    }
    return SellerAddresses(
        real=frozenset(email.lower() for email, _ in rows),
        inboxes=sorted(languages_of),
        inbox_languages=languages_of,
    )


def seller_real_addresses(seller: SellerAccount) -> set[str]:
    """Addresses a seller may write from: its users' and its registered alternates."""
    return set(seller_addresses(seller).real)


def seller_inboxes(seller: SellerAccount) -> list[str]:
    """Where mail for a seller goes: its users' addresses."""
    return sorted({email.lower() for email in _users_with_email(seller).values_list("email", flat=True)})


def seller_inboxes_by_language(seller: SellerAccount) -> list[tuple[str, list[str]]]:
    """The seller's inboxes grouped by the language each user reads (``commerce.languages``),
    in one query: a notification is written once per language, each user reading their own."""
    by_language: dict[str, set[str]] = {}
    rows = _users_with_email(seller).values_list("email", "seller_membership__language")
    for email, chosen in rows:
        by_language.setdefault(languages.seller_language_code(chosen), set()).add(email.lower())
    return [(language, sorted(emails)) for language, emails in sorted(by_language.items())]


def alternate_addresses(seller: SellerAccount) -> QuerySet[AlternateAddress]:
    return AlternateAddress.objects.filter(seller=seller)


def attachment_for_seller(seller: SellerAccount, attachment_id: int) -> Attachment | None:
    return Attachment.objects.filter(pk=attachment_id, message__seller=seller).first()


def attachment_for_customer(customer: Customer, attachment_id: int) -> Attachment | None:
    return Attachment.objects.filter(pk=attachment_id, message__thread__customer=customer).first()


# --- A seller writing first --------------------------------------------------------------------
def contact_reasons_for(order: Order) -> list[ContactReason]:
    """The reasons the order's state offers a seller writing first (``policy.CONTACT_REASONS``)."""
    stage = order_stage(dispatched=order.is_dispatched, return_requested=order_has_return_request(order.pk))
    return contact_reasons(stage)


def buyer_has_written(thread_id: int) -> bool:
    """Whether the buyer wrote in the thread (not an automatic reply): the seller's messages
    there answer a conversation the buyer started or took part in, never unsolicited."""
    return Message.objects.filter(
        thread=thread_id, direction=Message.Direction.RECEIVED, is_auto_reply=False
    ).exists()


# The reply templates' reads, in their own module (re-exported: one import path for callers).
from .templates import (  # noqa: E402, F401
    TemplateChoice,
    placeholder_values,
    reply_templates,
    template_choice,
    template_choices,
)
