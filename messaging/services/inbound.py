"""Inbound e-mail, by the relay's SMTP server or the mail gateway's webhook.

A mail is taken whole or refused whole (``InboundRefused``: the SMTP reply and HTTP status to
give): known masked recipients, readable, within ``policy``'s limits, from a sender allowed
to write there (the seller from one of its real addresses, a buyer who bought from the
seller), and, to a buyer who opted out of unsolicited messages, not unsolicited. A mail
already stored (its Message-ID, per seller) counts as a duplicate.

It continues the conversation it answers (In-Reply-To / References), else that of the order
its subject names, else the pair's latest; a first mail makes one. Most mails continue one,
found with what storing needs in one query: the relay's throughput depends on it.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import timezone

from commerce.models import Customer, Order

from .. import mime, policy
from ..authentication import Verdict
from ..models import Alias, Message, Thread
from ..selectors import SellerAddresses, buyer_has_written, seller_addresses
from .aliases import buyer_alias, find_alias, seller_alias
from .continued import continued_thread, same_mail
from .conversations import thread_for_order
from .relay import store_message


class InboundRefused(Exception):
    """An inbound mail we will not take, with the SMTP reply and HTTP status to give."""

    def __init__(self, smtp_reply: str, http_status: int, reason: str):
        super().__init__(reason)
        self.smtp_reply = smtp_reply
        self.http_status = http_status
        self.reason = reason


def _unknown_recipient() -> InboundRefused:
    return InboundRefused("550 5.1.1 No such masked address here", 404, "unknown recipient")


def _sender_not_allowed() -> InboundRefused:
    return InboundRefused(
        "550 5.7.1 Sender is not allowed to write to this address", 403, "sender not allowed"
    )


def _refuse_unsolicited(alias: Alias, parsed: mime.ParsedMail, thread: Thread | None) -> None:
    """The seller's mail to a buyer who opted out of unsolicited messages goes through only in a
    conversation the buyer wrote in, or marked "[Important]" in its subject (needed to complete
    the order); otherwise 550 with what the seller may still send. The buyer's preference came
    with the alias (read at RCPT time): the thread is read only for a buyer who opted out."""
    if policy.refuses_unsolicited(
        opted_out=alias.customer.opted_out_of_unsolicited_messages,
        critical=policy.is_critical(subject=parsed.subject),
        buyer_has_written=lambda: thread is not None and buyer_has_written(thread.pk),
    ):
        raise InboundRefused(policy.UNSOLICITED_REFUSED_SMTP, 403, "buyer opted out of unsolicited messages")


@dataclass(frozen=True)
class InboundResult:
    messages: list[Message]
    duplicates: int


def check_recipient(address: str) -> Alias:
    """RCPT TO: the alias, or ``InboundRefused`` (550) for anything we do not relay."""
    alias = find_alias(address)
    if alias is None:
        raise _unknown_recipient()
    return alias


def _check_sender(verdict: Verdict, parsed: mime.ParsedMail) -> bool:
    """The ``From:`` address counts only when authenticated (aligned SPF or DKIM), and is the
    address the verdict is about. Every failure gets the one reply a stranger gets, before any
    row is read, so the answer says nothing about whose addresses are real.

    True: not authenticated, but the operator takes buyers' unverified mail; the caller still
    refuses it unless every recipient is a seller (``_unverified_buyer_allowed``)."""
    if verdict.temporary:
        raise InboundRefused(
            "451 4.7.0 Sender authentication could not be completed, try again later",
            503,
            "sender authentication temporarily failed",
        )
    if verdict.from_address != parsed.from_address or not parsed.from_address:
        raise _sender_not_allowed()
    if verdict.authenticated:
        return False
    if not settings.RELAY_ACCEPT_UNVERIFIED_BUYERS:
        raise _sender_not_allowed()
    return True


def _unverified_buyer_allowed(aliases: list[Alias]) -> None:
    """Unverified mail is taken only as a buyer's, to sellers' masked addresses: mail claiming
    to be a seller's always needs authentication. Refused with the one reply otherwise."""
    if any(alias.kind != Alias.Kind.SELLER for alias in aliases):
        raise _sender_not_allowed()


def _check_attachments(parsed: mime.ParsedMail) -> None:
    """Files a message may not carry (``policy.files_refusal``) refuse the whole mail: over 10 MB
    in all at 552 5.3.4; a refused kind at 554 5.6.1 "media not supported", saying which file
    and why, so the sender's server tells the sender."""
    refused = policy.files_refusal(
        [(a.filename, a.content_type) for a in parsed.attachments],
        total_bytes=sum(len(a.content) for a in parsed.attachments),
    )
    if refused is None:
        return
    if refused.too_big:
        raise InboundRefused(f"552 5.3.4 {refused.reason}", 413, refused.reason)
    raise InboundRefused(f"554 5.6.1 {refused.reason}", 422, refused.reason)


def receive_inbound_email(
    *,
    raw: bytes,
    verdict: Verdict,
    recipients: list[str] | None = None,
    envelope_from: str | None = None,
    aliases: list[Alias] | None = None,
) -> InboundResult:
    """Store (and relay) one inbound mail for each masked recipient, or refuse it whole.

    ``verdict``: who really sent it, as the door found out (``messaging.authentication``: the
    SMTP server checks SPF, DKIM and DMARC itself; the webhook reads its mail provider's).

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
    _check_attachments(parsed)
    unverified = _check_sender(verdict, parsed)
    if aliases is None:
        candidates = recipients if recipients is not None else parsed.recipients
        aliases = [alias for alias in map(find_alias, candidates) if alias is not None]
    aliases = list({alias.pk: alias for alias in aliases}.values())
    if not aliases:
        raise _unknown_recipient()
    if unverified:
        _unverified_buyer_allowed(aliases)
    if len(aliases) > policy.MAX_RELAY_RECIPIENTS:
        raise InboundRefused("452 4.5.3 Too many recipients", 400, "too many recipients")
    stored, duplicates = [], 0
    # Each recipient's message is stored in a transaction of its own (a savepoint when there
    # are several, inside one transaction for all); one recipient, nearly every mail, needs
    # no transaction around it.
    with transaction.atomic() if len(aliases) > 1 else contextlib.nullcontext():
        for alias in aliases:
            message = _receive_for_alias(alias, parsed, raw, verdict, unverified=unverified)
            if message is None:
                duplicates += 1
            else:
                stored.append(message)
    return InboundResult(messages=stored, duplicates=duplicates)


def _receive_for_alias(
    alias: Alias, parsed: mime.ParsedMail, raw: bytes, verdict: Verdict, *, unverified: bool
) -> Message | None:
    message_id = parsed.message_id or f"<generated.{secrets.token_hex(12)}@{alias.marketplace.relay_domain}>"
    now = timezone.now()
    try:
        with transaction.atomic():
            found = _conversation(alias, parsed, message_id, now)
            if found is None:
                return None  # the common case of a redelivery; the unique constraint settles races
            return store_message(
                thread=found.thread,
                direction=found.direction,
                channel=Message.Channel.EMAIL,
                sender_name=found.sender_name,
                subject=parsed.subject or found.thread.subject,
                text=parsed.text,
                html=parsed.html,
                sent_at=now,
                message_id=message_id,
                in_reply_to=parsed.in_reply_to,
                is_auto_reply=parsed.is_automatic,
                raw=raw,
                attachments=parsed.attachments,
                relay=not parsed.is_automatic,  # never bounce auto-replies back into a loop
                addresses=found.addresses,
                sender_authentication=verdict.summary()[:500],
                sender_unverified=unverified,
            )
    except IntegrityError:
        if same_mail(alias.seller_id, message_id).exists():
            return None
        raise


@dataclass(frozen=True)
class _Conversation:
    """Where an inbound mail goes and as whom: ``addresses`` are the seller's when they were
    read to let the seller write (they are not read again to store the message)."""

    direction: str
    sender_name: str
    thread: Thread
    addresses: SellerAddresses | None


def _conversation(
    alias: Alias, parsed: mime.ParsedMail, message_id: str, now: datetime
) -> _Conversation | None:
    """The mail's conversation (its thread locked), or None: it is stored already.

    To a buyer's masked address only the seller writes, from one of its real addresses
    (checked before anything else is read); to a seller's, the buyer of the pair, or on a
    first mail a buyer who has bought from the seller (``_buyer_pair``).
    """
    from_seller = alias.kind == Alias.Kind.BUYER
    direction = Message.Direction.SENT if from_seller else Message.Direction.RECEIVED
    addresses = None
    if from_seller:
        addresses = seller_addresses(alias.seller)
        if parsed.from_address not in addresses.real:
            raise _sender_not_allowed()
    thread, order = continued_thread(alias, parsed, message_id)
    if thread is not None:
        if thread.stored:
            return None
        if from_seller:
            _refuse_unsolicited(alias, parsed, thread)
        _with_parties(thread, alias)
        sender_name = alias.seller.name if from_seller else thread.customer.name
        return _Conversation(direction, sender_name, thread, addresses)
    # A first mail: whose pair, stored already?, and the thread is made.
    pair, stored = (alias, None) if from_seller else _buyer_pair(alias, parsed, message_id)
    if stored is None:
        stored = same_mail(pair.seller_id, message_id).exists()
    if stored:
        return None
    if from_seller:
        _refuse_unsolicited(alias, parsed, None)
    sender_name = pair.seller.name if from_seller else pair.customer.name
    if order is not None:
        thread = thread_for_order(order=order, subject=parsed.subject or f"Order {order.order_id}", at=now)
    else:  # new, so no other transaction can see it, let alone lock it
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
    return _Conversation(direction, sender_name, thread, addresses)


def _with_parties(thread: Thread, alias: Alias) -> None:
    """Put the parties the mail's alias brought (read at RCPT time, with its marketplace, seller
    and customer) on the thread it continues: they are the thread's own rows, so the locked
    thread query joins only the other party's alias. Joining them all again makes PostgreSQL
    plan a nine-table join, some 8 ms a mail: more than the rest of storing it."""
    thread.seller, thread.marketplace = alias.seller, alias.marketplace
    if alias.kind == Alias.Kind.BUYER:
        thread.buyer_alias, thread.customer = alias, alias.customer
        thread.seller_alias.marketplace = alias.marketplace
    else:
        thread.seller_alias, thread.customer = alias, thread.buyer_alias.customer
        thread.buyer_alias.marketplace = alias.marketplace


def _buyer_pair(alias: Alias, parsed: mime.ParsedMail, message_id: str) -> tuple[Alias, bool | None]:
    """The buyer alias of the sender writing to seller ``alias``, and whether the seller has a
    message ``message_id`` already (None when that was not read here); a sender who has never
    bought from the seller is refused: the relay is not an open door."""
    pair = (
        Alias.objects.select_related("customer", "seller", "marketplace")
        .filter(
            kind=Alias.Kind.BUYER,
            customer__email=parsed.from_address,  # e-mails are stored in lower case, as parsed
            seller=alias.seller,
            marketplace=alias.marketplace,
        )
        .annotate(stored=Exists(same_mail(alias.seller_id, message_id)))
        .first()
    )
    if pair is not None:
        return pair, pair.stored
    customer = Customer.objects.filter(email=parsed.from_address).first()
    bought = Order.objects.filter(customer=customer, seller=alias.seller, marketplace=alias.marketplace)
    if customer is None or not bought.exists():
        raise _sender_not_allowed()
    return buyer_alias(customer=customer, seller=alias.seller, marketplace=alias.marketplace), None
