"""Every write of Buyer-Seller Messaging, whichever door a message came in by.

The four doors of SPEC §2 (buyer's contact form, seller's reply box, inbound e-mail by
SMTP or webhook, system messages) all end in ``_store_message``: one row per message,
the thread's clock moved, earlier buyer messages answered, and the relay copy written to
the outbox in the same transaction, sent after commit.
"""

from __future__ import annotations

import base64
import contextlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.template.loader import render_to_string
from django.utils import timezone

from commerce.models import Customer, Marketplace, Order, SellerAccount

from . import mime
from .models import (
    MAX_ATTACHMENTS_BYTES,
    MAX_BODY_CHARS,
    RESPONSE_WINDOW,
    Alias,
    AlternateAddress,
    Attachment,
    Message,
    OutboundEmail,
    Thread,
)

CONTACT_SUBJECTS = {
    "enquiry": "Enquiry",
    "order_delivery": "Order delivery inquiry",
    "order_cancellation": "Order cancellation request",
    "return_policy": "Return policy enquiry",
    "other": "Other",
}
ORDER_ID_IN_TEXT = re.compile(r"\b(\d{3}-\d{7}-\d{7})\b")
MAX_RELAY_RECIPIENTS = 20
# Outbox retry: wait 1, 2, 4 … minutes between attempts, then give up after this many.
MAX_SEND_ATTEMPTS = 8


class InboundRefused(Exception):
    """An inbound mail we will not take, with the SMTP reply and HTTP status to give."""

    def __init__(self, smtp_reply: str, http_status: int, reason: str):
        super().__init__(reason)
        self.smtp_reply = smtp_reply
        self.http_status = http_status
        self.reason = reason


def _unknown_recipient() -> InboundRefused:
    return InboundRefused("550 5.1.1 No such masked address here", 404, "unknown recipient")


@dataclass(frozen=True)
class InboundResult:
    messages: list[Message]
    duplicates: int


# --- Masked addresses ---------------------------------------------------------------------
def new_alias_token() -> str:
    """120 random bits as 24 lower-case base32 characters."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


def _alias(**identity) -> Alias:
    """Get or create an alias; a concurrent creator's row wins and is returned."""
    alias = Alias.objects.select_related("marketplace").filter(**identity).first()
    if alias is not None:
        return alias
    try:
        with transaction.atomic():
            return Alias.objects.create(token=new_alias_token(), **identity)
    except IntegrityError:
        return Alias.objects.select_related("marketplace").get(**identity)


def buyer_alias(*, customer: Customer, seller: SellerAccount, marketplace: Marketplace) -> Alias:
    return _alias(kind=Alias.Kind.BUYER, customer=customer, seller=seller, marketplace=marketplace)


def seller_alias(*, seller: SellerAccount, marketplace: Marketplace) -> Alias:
    return _alias(kind=Alias.Kind.SELLER, customer=None, seller=seller, marketplace=marketplace)


def find_alias(address: str) -> Alias | None:
    """The alias behind a masked address, or None (wrong domain, unknown token)."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not local or domain not in settings.RELAY_DOMAINS.values():
        return None
    alias = Alias.objects.select_related("marketplace", "seller", "customer").filter(token=local).first()
    if alias is None or alias.marketplace.relay_domain != domain:
        return None
    return alias


def seller_real_addresses(seller: SellerAccount) -> set[str]:
    """Addresses a seller may write from: its users' and its registered alternates.

    Read once per seller object (one query), as a message's masking and relay both ask.
    """
    if not hasattr(seller, "_real_addresses"):
        _read_seller_addresses(seller)
    return seller._real_addresses


def _read_seller_addresses(seller: SellerAccount) -> list[str]:
    """One query for what storing a message needs of the seller: its real addresses (cached on
    the object, see ``seller_real_addresses``) and its inboxes (returned, as ``seller_inboxes``)."""
    users = (
        seller.users.filter(is_active=True)
        .exclude(email="")
        .annotate(inbox=Value(True))
        .values_list("email", "inbox")
    )
    alternates = (
        AlternateAddress.objects.filter(seller=seller)
        .annotate(inbox=Value(False))
        .values_list("email", "inbox")
    )
    rows = list(users.order_by().union(alternates.order_by(), all=True))
    seller._real_addresses = {email.lower() for email, _ in rows}
    return sorted({email.lower() for email, inbox in rows if inbox})


def seller_inboxes(seller: SellerAccount) -> list[str]:
    """Where mail for a seller goes: its users' addresses."""
    return sorted(
        {
            e.lower()
            for e in seller.users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        }
    )


# --- Alternate addresses ----------------------------------------------------------------
def add_alternate_address(*, seller: SellerAccount, email: str) -> AlternateAddress:
    email = email.strip().lower()
    if AlternateAddress.objects.filter(seller=seller, email=email).exists():
        raise ValidationError({"email": "This address is already registered."})
    if find_alias(email) is not None or email.rpartition("@")[2] in settings.RELAY_DOMAINS.values():
        raise ValidationError({"email": "A masked address cannot be an alternate address."})
    try:
        with transaction.atomic():
            return AlternateAddress.objects.create(seller=seller, email=email)
    except IntegrityError:
        raise ValidationError({"email": "This address is already registered."}) from None


def remove_alternate_address(*, seller: SellerAccount, address_id: int) -> bool:
    """Remove one of the seller's alternate addresses; False when it is not theirs."""
    deleted, _ = AlternateAddress.objects.filter(seller=seller, id=address_id).delete()
    return bool(deleted)


# --- The doors ----------------------------------------------------------------------------
def _check_body(body: str, *, allow_empty: bool = False) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body and not allow_empty:
        raise ValidationError({"body": "Enter a message."})
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError({"body": f"Please limit your text to less than {MAX_BODY_CHARS:,} characters."})
    return body


def _thread_for_order(
    *, order: Order, subject: str, at: datetime, known: list[models.Model] | None = None
) -> Thread:
    """The order's thread, locked; made now if there is none (under the order's row lock, so
    two first messages cannot make two threads). With ``known`` (inbound mail), the caller
    has locked the order already and the thread is read as ``_lock_thread`` does."""
    if known is None:
        Order.objects.select_for_update().filter(pk=order.pk).first()
        thread = Thread.objects.filter(order=order).order_by("-last_message_at").first()
        if thread is not None:
            return _locked_thread(thread.pk)
    else:
        thread = _lock_thread(
            Thread.objects.filter(order=order).order_by("-last_message_at"), known=[order, *known]
        )
        if thread is not None:
            return thread
    return Thread.objects.create(
        seller=order.seller,
        customer=order.customer,
        marketplace=order.marketplace,
        buyer_alias=buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace),
        seller_alias=seller_alias(seller=order.seller, marketplace=order.marketplace),
        order=order,
        subject=subject,
        created_at=at,
        last_message_at=at,
    )


@transaction.atomic
def contact_seller(
    *,
    order: Order,
    subject: str,
    body: str,
    author: AbstractBaseUser | None = None,
    channel: str = Message.Channel.WEB,
    sent_at: datetime | None = None,
) -> Message:
    """The buyer's "Contact seller" form on an order. ``sent_at`` (default now) is for imports."""
    if subject not in CONTACT_SUBJECTS:
        raise ValidationError({"subject": "Choose a subject from the list."})
    body = _check_body(body)
    now = sent_at or timezone.now()
    title = f"{CONTACT_SUBJECTS[subject]} from customer {order.customer.name} (Order: {order.order_id})"
    thread = _thread_for_order(order=order, subject=title, at=now)
    return _store_message(
        thread=thread,
        direction=Message.Direction.RECEIVED,
        channel=channel,
        sender_name=order.customer.name,
        subject=title,
        text=body,
        sent_at=now,
        author=author,
    )


@transaction.atomic
def reply_to_thread(
    *,
    thread: Thread,
    body: str,
    author: AbstractBaseUser | None = None,
    no_response_needed: bool = False,
    channel: str = Message.Channel.WEB,
    sent_at: datetime | None = None,
) -> Message | None:
    """The seller's Reply box. With "Mark as no response needed" ticked and no text, the
    waiting buyer messages are only marked; with text, the reply is sent and they are marked."""
    body = _check_body(body, allow_empty=no_response_needed)
    thread = _locked_thread(thread.pk)
    now = sent_at or timezone.now()
    if no_response_needed:
        _waiting_buyer_messages(thread, until=now).update(no_response_needed=True)
    if not body:
        return None
    subject = thread.subject if thread.subject.lower().startswith("re:") else f"Re: {thread.subject}"
    return _store_message(
        thread=thread,
        direction=Message.Direction.SENT,
        channel=channel,
        sender_name=thread.seller.name,
        subject=subject,
        text=body,
        sent_at=now,
        author=author,
    )


def mark_no_response_needed(*, message: Message) -> Message:
    """Take a buyer message out of every response-time figure."""
    if message.direction != Message.Direction.RECEIVED:
        raise ValidationError("Only messages from buyers can be marked as needing no response.")
    Message.objects.filter(pk=message.pk).update(no_response_needed=True)
    message.no_response_needed = True
    return message


@transaction.atomic
def open_thread_for_order(*, order: Order) -> Thread:
    """The order's conversation (made now if there is none yet), for "Contact buyer"."""
    return _thread_for_order(
        order=order,
        subject=f"Your order {order.order_id} with {order.seller.name}",
        at=timezone.now(),
    )


def send_notification(*, key: str, to: list[str], subject: str, template: str, context: dict) -> None:
    """A product e-mail (returns, claims …) through the outbox, HTML + text from
    ``emails/<template>.txt|.html``; ``key`` + recipient make it unique, so a retried
    action does not mail twice. Call inside the transaction of the change it reports."""
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    now = timezone.now()
    for recipient in dict.fromkeys(to):
        outbound, created = OutboundEmail.objects.get_or_create(
            dedupe_key=f"{key}:{recipient}"[:255],
            defaults={
                "from_address": settings.DEFAULT_FROM_EMAIL,
                "to_address": recipient,
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "headers": {"Auto-Submitted": "auto-generated"},
                "next_attempt_at": now,
                "created_at": now,
            },
        )
        if created:
            _send_after_commit(outbound.pk)


@transaction.atomic
def post_system_message(*, order: Order, subject: str, body: str) -> Message:
    """A message the product writes into the order's thread ("Return requested" …).

    Shown in the seller's Received list; never needs a response and is not relayed (the
    flow that posts it sends its own e-mails).
    """
    now = timezone.now()
    thread = _thread_for_order(order=order, subject=subject, at=now)
    return _store_message(
        thread=thread,
        direction=Message.Direction.RECEIVED,
        channel=Message.Channel.SYSTEM,
        sender_name=order.customer.name,
        subject=subject,
        text=body,
        sent_at=now,
        is_system=True,
        relay=False,
    )


# --- Inbound e-mail (SMTP server and webhook) ----------------------------------------
def check_recipient(address: str) -> Alias:
    """RCPT TO: the alias, or ``InboundRefused`` (550) for anything we do not relay."""
    alias = find_alias(address)
    if alias is None:
        raise _unknown_recipient()
    return alias


def receive_inbound_email(
    *,
    raw: bytes,
    recipients: list[str] | None = None,
    envelope_from: str | None = None,
    aliases: list[Alias] | None = None,
) -> InboundResult:
    """Store (and relay) one inbound mail for each masked recipient, or refuse it whole.

    ``recipients`` are the envelope's (SMTP RCPT TO); without them the To/Cc/Delivered-To
    headers are used (webhook). ``aliases``: the recipients' aliases when the caller has
    just looked them up (``check_recipient`` at RCPT time); they are not read again.
    Nothing is stored unless every check passes.
    """
    if len(raw) > settings.INBOUND_EMAIL_MAX_BYTES:
        raise InboundRefused("552 5.3.4 Message too big", 413, "message too big")
    try:
        parsed = mime.parse(raw, envelope_from=envelope_from)
    except mime.UnparseableMail as exc:
        raise InboundRefused(f"554 5.6.0 Unparseable message: {exc}", 400, str(exc)) from exc
    if sum(len(a.content) for a in parsed.attachments) > MAX_ATTACHMENTS_BYTES:
        raise InboundRefused("552 5.3.4 Attachments over 10 MB in all", 413, "attachments over 10 MB")
    if aliases is None:
        candidates = recipients if recipients is not None else parsed.recipients
        aliases = [alias for alias in map(find_alias, candidates) if alias is not None]
    aliases = list({alias.pk: alias for alias in aliases}.values())
    if not aliases:
        raise _unknown_recipient()
    if len(aliases) > MAX_RELAY_RECIPIENTS:
        raise InboundRefused("452 4.5.3 Too many recipients", 400, "too many recipients")
    stored, duplicates = [], 0
    # Each recipient's message is stored in a transaction of its own (a savepoint when there
    # are several, inside one transaction for all); one recipient, nearly every mail, needs
    # no transaction around it.
    with transaction.atomic() if len(aliases) > 1 else contextlib.nullcontext():
        for alias in aliases:
            message = _receive_for_alias(alias, parsed, raw)
            if message is None:
                duplicates += 1
            else:
                stored.append(message)
    return InboundResult(messages=stored, duplicates=duplicates)


def _writer_for(
    alias: Alias, parsed: mime.ParsedMail, message_id: str
) -> tuple[str, Alias, str, bool | None]:
    """Who may write to ``alias``: (direction, the pair's buyer alias, sender name, whether the
    seller has a message ``message_id`` already, None when that was not read here), or refuse."""
    refused = InboundRefused(
        "550 5.7.1 Sender is not allowed to write to this address", 403, "sender not allowed"
    )
    if alias.kind == Alias.Kind.BUYER:
        if parsed.from_address not in seller_real_addresses(alias.seller):
            raise refused
        return Message.Direction.SENT, alias, alias.seller.name, None
    pair = (
        Alias.objects.select_related("customer")
        .filter(
            kind=Alias.Kind.BUYER,
            customer__email=parsed.from_address,
            seller=alias.seller,
            marketplace=alias.marketplace,
        )
        .annotate(stored=Exists(Message.objects.filter(seller=alias.seller_id, message_id=message_id)))
        .first()
    )  # e-mails are stored in lower case, as the parser gives them
    if pair is not None:
        pair.seller, pair.marketplace = alias.seller, alias.marketplace  # the rows it was filtered by
        return Message.Direction.RECEIVED, pair, pair.customer.name, pair.stored
    customer = Customer.objects.filter(email=parsed.from_address).first()
    bought = Order.objects.filter(customer=customer, seller=alias.seller, marketplace=alias.marketplace)
    if customer is None or not bought.exists():
        raise refused  # a stranger to this seller: the relay is not an open door
    pair = buyer_alias(customer=customer, seller=alias.seller, marketplace=alias.marketplace)
    return Message.Direction.RECEIVED, pair, customer.name, None


def _existing_thread(
    alias: Alias, parsed: mime.ParsedMail, message_id: str
) -> tuple[Thread | None, Order | None]:
    """The conversation the mail continues, in one query as a rule: the thread of the message it
    answers (In-Reply-To/References), else that of the order its subject names, else the pair's
    latest. The thread comes locked (``_lock_thread``), with the pair's buyer alias and its
    customer, and ``stored``: whether the seller has a message ``message_id`` already.

    (None, order) when the subject names an order of the pair that has no thread yet (the order
    is locked then); (None, None) when the pair has no conversation, or there is no pair (a
    first mail, a stranger): see ``_conversation``. The pair is the one ``_writer_for`` reads,
    by its conditions (a buyer has one alias per seller and marketplace, e-mails are unique).
    """
    if alias.kind == Alias.Kind.BUYER:
        pair, customer = {"buyer_alias": alias}, {"customer": alias.customer}
    else:
        pair = {
            "buyer_alias__kind": Alias.Kind.BUYER,
            "buyer_alias__customer__email": parsed.from_address,
            "buyer_alias__seller": alias.seller,
            "buyer_alias__marketplace": alias.marketplace,
        }
        customer = {"customer__email": parsed.from_address}
    threads = Thread.objects.filter(**pair).annotate(
        stored=Exists(Message.objects.filter(seller=alias.seller_id, message_id=message_id))
    )
    if alias.kind == Alias.Kind.SELLER:
        threads = threads.select_related("buyer_alias__customer")
    references = [r for r in [parsed.in_reply_to, *parsed.references] if r]
    if references:
        replied = (
            Message.objects.filter(thread__buyer_alias=OuterRef("buyer_alias"))
            .filter(Q(relay_message_id__in=references) | Q(message_id__in=references))
            .order_by("-sent_at")
            .values("thread_id")[:1]
        )
        thread = _lock_thread(threads.filter(pk=Subquery(replied)), known=[alias])
        if thread is not None:
            return thread, None
    for order_id in ORDER_ID_IN_TEXT.findall(parsed.subject):
        order_of = {
            "order_id": order_id,
            "seller": alias.seller,
            "marketplace": alias.marketplace,
            **customer,
        }
        ordered = threads.filter(**{f"order__{field}": value for field, value in order_of.items()})
        thread = _lock_thread(ordered.order_by("-last_message_at"), known=[alias])
        if thread is not None:
            return thread, None
        # Its first thread is made under the order's lock (``_thread_for_order`` looks again).
        # Only the order row: a join-wide FOR UPDATE would also lock the buyer's customer row.
        order = Order.objects.select_for_update(of=("self",)).filter(**order_of).first()
        if order is not None:
            return None, order
    return _lock_thread(threads.order_by("-last_message_at"), known=[alias]), None


def _conversation(
    alias: Alias, parsed: mime.ParsedMail, message_id: str, now: datetime
) -> tuple[str, str, Thread] | None:
    """(direction, sender name, the thread, locked) for the message, or None: it is stored already.

    Most mails continue a conversation, found with all that in one query (``_existing_thread``);
    a first mail takes the long way: who may write (``_writer_for``), stored already?, and the
    thread is made. A seller's address is checked before anything else is read.
    """
    if alias.kind == Alias.Kind.BUYER:
        _writer_for(alias, parsed, message_id)  # refuses a sender who is not the seller
    thread, order = _existing_thread(alias, parsed, message_id)
    if thread is not None:
        if thread.stored:
            return None
        if alias.kind == Alias.Kind.BUYER:
            return Message.Direction.SENT, alias.seller.name, thread
        return Message.Direction.RECEIVED, thread.buyer_alias.customer.name, thread
    direction, pair, sender_name, stored = _writer_for(alias, parsed, message_id)
    if stored is None:
        stored = Message.objects.filter(seller=pair.seller, message_id=message_id).exists()
    if stored:
        return None
    if order is not None:
        order.seller, order.customer, order.marketplace = pair.seller, pair.customer, pair.marketplace
        thread = _thread_for_order(
            order=order, subject=parsed.subject or f"Order {order.order_id}", at=now, known=[alias, pair]
        )
        return direction, sender_name, thread
    # New, so no other transaction can see it, let alone lock it; the parties are in place.
    thread = Thread.objects.create(
        seller=pair.seller,
        customer=pair.customer,
        marketplace=pair.marketplace,
        buyer_alias=pair,
        seller_alias=seller_alias(seller=pair.seller, marketplace=pair.marketplace),
        subject=parsed.subject or "(no subject)",
        created_at=now,
        last_message_at=now,
    )
    return direction, sender_name, thread


def _receive_for_alias(alias: Alias, parsed: mime.ParsedMail, raw: bytes) -> Message | None:
    message_id = parsed.message_id or f"<generated.{secrets.token_hex(12)}@{alias.marketplace.relay_domain}>"
    now = timezone.now()
    try:
        with transaction.atomic():
            found = _conversation(alias, parsed, message_id, now)
            if found is None:
                return None  # the common case of a redelivery; the unique constraint settles races
            direction, sender_name, thread = found
            return _store_message(
                thread=thread,
                direction=direction,
                channel=Message.Channel.EMAIL,
                sender_name=sender_name,
                subject=parsed.subject or thread.subject,
                text=parsed.text,
                html=parsed.html,
                sent_at=now,
                message_id=message_id,
                in_reply_to=parsed.in_reply_to,
                is_auto_reply=parsed.is_automatic,
                raw=raw,
                attachments=parsed.attachments,
                relay=not parsed.is_automatic,  # never bounce auto-replies back into a loop
            )
    except IntegrityError:
        if Message.objects.filter(seller=alias.seller, message_id=message_id).exists():
            return None
        raise


# --- Storing and relaying -----------------------------------------------------------------
def _locked_thread(pk: int) -> Thread:
    """The thread, row-locked for the length of the transaction, with what storing reads."""
    return (
        Thread.objects.select_for_update(of=("self",))
        .select_related(
            "seller", "customer", "marketplace", "buyer_alias__marketplace", "seller_alias__marketplace"
        )
        .get(pk=pk)
    )


def _lock_thread(threads: models.QuerySet, *, known: Iterable[models.Model]) -> Thread | None:
    """The first of ``threads``, row-locked like ``_locked_thread``, with what storing reads.

    Inbound mail already holds most of what the thread points to (the aliases with their
    marketplace, seller and customer; the order): those rows are put in place rather than
    joined again, as the eight-table join of ``_locked_thread`` costs PostgreSQL more to plan
    than to run. The rest is joined, or, should a row not match, read when it is used.
    """
    join = []
    if not any(isinstance(row, Alias) and row.kind == Alias.Kind.SELLER for row in known):
        join.append("seller_alias")
    if not any(isinstance(row, Order) for row in known):
        join.append("order")
    threads = threads.select_for_update(of=("self",))
    thread = (threads.select_related(*join) if join else threads).first()  # () would join all
    if thread is not None:
        _share_rows([thread, *known])
    return thread


def _share_rows(rows: Iterable[models.Model]) -> None:
    """Fill the empty foreign-key caches of ``rows``, and of the rows read with them, from
    those same rows where the ids match (each row then reads its parties without a query)."""
    found: dict[tuple[type, object], models.Model] = {}

    def collect(row: models.Model) -> None:
        if (type(row), row.pk) in found:
            return
        found[(type(row), row.pk)] = row
        for field in _foreign_keys(row):
            related = field.get_cached_value(row) if field.is_cached(row) else None
            if related is not None:
                collect(related)

    for row in rows:
        collect(row)
    for row in found.values():
        for field in _foreign_keys(row):
            if not field.is_cached(row):
                match = found.get((field.related_model, getattr(row, field.attname)))
                if match is not None:
                    field.set_cached_value(row, match)


def _foreign_keys(row: models.Model) -> list:
    return [field for field in row._meta.concrete_fields if field.many_to_one]


def _masking(thread: Thread) -> dict[str, str]:
    """Real address → masked address, for both parties of the thread."""
    replacements = {thread.customer.email.lower(): thread.buyer_alias.address}
    for address in seller_real_addresses(thread.seller):
        replacements[address] = thread.seller_alias.address
    return replacements


def _masked_html(html: str, masking: dict[str, str]) -> str:
    """Sanitised HTML with real addresses masked; dropped (text only) if one still shows,
    e.g. split by markup, so the relay never passes a real address on."""
    if not html:
        return ""
    cleaned = mime.replace_addresses(mime.sanitise_html(mime.replace_addresses(html, masking)), masking)
    return "" if mime.still_shows(cleaned, masking) else cleaned


def _waiting_buyer_messages(thread: Thread, *, until: datetime):
    return Message.objects.filter(
        thread=thread,
        direction=Message.Direction.RECEIVED,
        needs_response=True,
        responded_at__isnull=True,
        sent_at__lte=until,
    )


def _store_message(
    *,
    thread: Thread,
    direction: str,
    channel: str,
    sender_name: str,
    subject: str,
    text: str,
    sent_at: datetime,
    html: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    is_auto_reply: bool = False,
    is_system: bool = False,
    raw: bytes = b"",
    author: AbstractBaseUser | None = None,
    attachments: list[mime.ParsedAttachment] = (),
    relay: bool = True,
) -> Message:
    # The seller's addresses once for masking and relay (unless this seller object has them).
    inboxes = None if hasattr(thread.seller, "_real_addresses") else _read_seller_addresses(thread.seller)
    masking = _masking(thread)
    domain = thread.marketplace.relay_domain
    needs_response = direction == Message.Direction.RECEIVED and not is_auto_reply and not is_system
    message = Message.objects.create(
        thread=thread,
        seller=thread.seller,
        direction=direction,
        channel=channel,
        sender_name=mime.replace_addresses(sender_name, masking)[:200],
        subject=mime.replace_addresses(subject, masking)[:300],
        body_text=mime.replace_addresses(text, masking),
        body_html=_masked_html(html, masking),
        message_id=message_id or f"<{secrets.token_hex(16)}@{domain}>",
        relay_message_id=f"<relay.{secrets.token_hex(16)}@{domain}>",
        in_reply_to=in_reply_to,
        sent_at=sent_at,
        is_auto_reply=is_auto_reply,
        is_system=is_system,
        needs_response=needs_response,
        response_deadline=sent_at + RESPONSE_WINDOW if needs_response else None,
        raw=raw,
        author=author,
    )
    stored_attachments = []
    for attachment in attachments:
        stored = Attachment(
            message=message,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=len(attachment.content),
        )
        stored.file.save(attachment.filename, ContentFile(attachment.content), save=False)
        stored_attachments.append(stored)
    Attachment.objects.bulk_create(stored_attachments)  # the files are written; their rows at once
    Thread.objects.filter(pk=thread.pk, last_message_at__lt=sent_at).update(last_message_at=sent_at)
    if direction == Message.Direction.SENT and not is_auto_reply and not is_system:
        # One seller reply answers every earlier unanswered buyer message in the thread.
        _waiting_buyer_messages(thread, until=sent_at).update(responded_at=sent_at)
    if relay:
        _queue_relay(message, thread, stored_attachments, inboxes=inboxes)
    return message


def _queue_relay(
    message: Message, thread: Thread, attachments: list[Attachment], *, inboxes: list[str] | None = None
) -> None:
    """Render the relay copy into the outbox. ``inboxes``: the seller's, when just read."""
    if message.direction == Message.Direction.RECEIVED:
        sender_alias = thread.buyer_alias
        recipients = inboxes if inboxes is not None else seller_inboxes(thread.seller)
    else:
        sender_alias, recipients = thread.seller_alias, [thread.customer.email]
    earlier = list(
        Message.objects.filter(thread=thread, sent_at__lte=message.sent_at)
        .exclude(pk=message.pk)
        .order_by("-sent_at", "-id")
        .values_list("relay_message_id", flat=True)[:10]
    )
    headers = {"Message-ID": message.relay_message_id, "Reply-To": sender_alias.address}
    if earlier:
        headers["In-Reply-To"] = earlier[0]
        headers["References"] = " ".join(reversed(earlier))
    context = {"message": message, "thread": thread, "attachments": attachments}
    text = render_to_string("emails/relayed_message.txt", context)
    html = render_to_string("emails/relayed_message.html", context)
    now = timezone.now()
    # A new message has no outbox rows yet; the unique dedupe key still refuses a second copy.
    outbox = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            dedupe_key=f"relay:{message.pk}:{recipient}",
            message=message,
            from_address=_display_address(message.sender_name, sender_alias.address),
            to_address=recipient,
            subject=message.subject,
            body_text=text,
            body_html=html,
            headers=headers,
            next_attempt_at=now,
            created_at=now,
        )
        for recipient in recipients
    )
    for outbound in outbox:
        _send_after_commit(outbound.pk)


def _display_address(name: str, address: str) -> str:
    display = re.sub(r"[\r\n\"<>]+", " ", name).strip()
    local, domain = address.split("@")
    return str(Address(display_name=display, username=local, domain=domain))


def _send_after_commit(outbound_id: int) -> None:
    from .tasks import send_outbound_email

    transaction.on_commit(lambda: send_outbound_email.delay(outbound_id))


# --- Outbox -----------------------------------------------------------------------------
def deliver_outbound_email(*, outbound_id: int) -> bool:
    """Send one outbox mail if it is still pending; True when it is (now or already) sent.

    The row stays locked while the mail server talks, so a sweep and a task cannot send
    it twice; a failure is recorded and the next attempt scheduled with backoff.
    """
    with transaction.atomic():
        outbound = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=outbound_id).first()
        if outbound is None:
            return False  # someone else is sending it right now
        if outbound.status != OutboundEmail.Status.PENDING:
            return outbound.status == OutboundEmail.Status.SENT
        now = timezone.now()
        outbound.attempts += 1
        try:  # building the mail (attachments from storage) fails and retries like sending
            _compose(outbound).send()
        except Exception as exc:  # any transport failure: record it and retry later
            outbound.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if outbound.attempts >= MAX_SEND_ATTEMPTS:
                outbound.status = OutboundEmail.Status.FAILED
            outbound.next_attempt_at = now + timedelta(minutes=2 ** (outbound.attempts - 1))
            outbound.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        outbound.status = OutboundEmail.Status.SENT
        outbound.sent_at = now
        outbound.save(update_fields=["attempts", "status", "sent_at"])
        return True


def _compose(outbound: OutboundEmail) -> EmailMultiAlternatives:
    mail = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=[outbound.to_address],
        headers=outbound.headers,
    )
    if outbound.body_html:
        mail.attach_alternative(outbound.body_html, "text/html")
    if outbound.message_id is not None:  # the relayed message's attachments go with it
        for attachment in outbound.message.attachments.all():
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail


def due_outbound_email_ids(*, limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- The 24-hour response timer -----------------------------------------------------------
DEADLINE_BATCH = 500


def _open_deadlines():
    return Message.objects.filter(
        needs_response=True, responded_at__isnull=True, no_response_needed=False, overdue_at__isnull=True
    )


def mark_overdue_messages(*, now: datetime | None = None) -> int:
    """Buyer messages whose 24 hours ran out unanswered become overdue (compare-and-set).

    Rows are taken in deadline order through the partial index of live deadlines, in
    batches; each update re-checks that the message is still unanswered, so a reply that
    lands meanwhile wins and a second run finds nothing.
    """
    now = now or timezone.now()
    marked = 0
    while True:
        ids = list(
            _open_deadlines()
            .filter(response_deadline__lte=now)
            .order_by("response_deadline")
            .values_list("pk", flat=True)[:DEADLINE_BATCH]
        )
        if not ids:
            return marked
        marked += _open_deadlines().filter(pk__in=ids, response_deadline__lte=now).update(overdue_at=now)
        if len(ids) < DEADLINE_BATCH:
            return marked


def warn_before_deadlines(*, now: datetime | None = None) -> int:
    """E-mail the seller once per message, ``RESPONSE_WARNING_HOURS`` before its deadline."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.RESPONSE_WARNING_HOURS)
    warned = 0
    with transaction.atomic():
        due = list(
            _open_deadlines()
            .filter(
                response_deadline__lte=soon, response_deadline__gt=now, deadline_warning_sent_at__isnull=True
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("thread__seller", "thread__order")
            .order_by("response_deadline")[:DEADLINE_BATCH]
        )
        for message in due:
            if not Message.objects.filter(pk=message.pk, deadline_warning_sent_at__isnull=True).update(
                deadline_warning_sent_at=now
            ):
                continue
            hours = max(1, round((message.response_deadline - now).total_seconds() / 3600))
            link = settings.SITE_URL.rstrip("/") + f"/seller/messages/threads/{message.thread_id}/#reply"
            send_notification(
                key=f"deadline-warning:{message.pk}",
                to=seller_inboxes(message.thread.seller),
                subject=f"Reply within {hours} hour{'s' if hours != 1 else ''}: {message.subject}"[:200],
                template="notification",
                context={
                    "lines": [
                        f"{message.sender_name} is waiting for your answer; the 24 hours run out at {timezone.localtime(message.response_deadline):%d %b %Y %H:%M}.",
                        "Answers after 24 hours count as late in your Contact Response Time.",
                    ],
                    "link_label": "Reply now",
                    "link": link,
                },
            )
            warned += 1
    return warned
