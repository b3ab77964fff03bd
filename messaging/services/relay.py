"""Storing a message, whichever door it came in by, and queueing its relayed copy.

Every door (the buyer's contact form, the seller's reply box, inbound e-mail by SMTP or
webhook, system messages) ends in ``store_message``: one row per message, masked (its
attachments too, or withheld with a note: ``messaging.attachments``); the
thread's clock moved; earlier buyer messages answered; and the relayed copy written to the
outbox in the same transaction, sent after commit. This is the relay's hot path: its queries
are counted exactly in the tests, and it writes no audit row.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commerce import languages

from .. import integrator_events, mime, policy, signals
from ..attachments import screen_attachments, with_notes
from ..masking import mask_content, real_to_masked
from ..models import Alias, Attachment, Message, OutboundEmail, Thread
from ..notices import ThreadNotice
from ..outbox import send_after_commit
from ..selectors import SellerAddresses, seller_addresses


def store_message(
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
    raw: bytes = b"",
    author: AbstractBaseUser | None = None,
    attachments: list[mime.ParsedAttachment] = (),
    relay: bool = True,
    addresses: SellerAddresses | None = None,
    sender_authentication: str = "",
    sender_unverified: bool = False,
    notice: ThreadNotice | None = None,
) -> Message:
    """Store one message in ``thread`` (locked by the caller) and queue its relayed copy.

    ``addresses``: the seller's, when the caller has read them already (inbound mail from the
    seller, checked against them); otherwise read here, once, for masking and the relay.
    """
    if addresses is None:
        addresses = seller_addresses(thread.seller)
    masking = real_to_masked(thread, addresses.real)
    if attachments:  # masked as the body is, or withheld with a note in the message
        screened = screen_attachments(attachments, masking)
        attachments = screened.kept
        text, html = with_notes(text, html, screened.notes)
    content = mask_content(sender_name=sender_name, subject=subject, text=text, html=html, masking=masking)
    domain = thread.marketplace.relay_domain
    kind = {"direction": direction, "is_auto_reply": is_auto_reply}
    needs_response = policy.needs_response(**kind, sender_unverified=sender_unverified)
    message = Message.objects.create(
        thread=thread,
        seller=thread.seller,
        direction=direction,
        channel=channel,
        sender_name=content.sender_name,
        subject=content.subject,
        body_text=content.text,
        body_html=content.html,
        message_id=message_id or f"<{secrets.token_hex(16)}@{domain}>",
        relay_message_id=f"<relay.{secrets.token_hex(16)}@{domain}>",
        in_reply_to=in_reply_to,
        sent_at=sent_at,
        is_auto_reply=is_auto_reply,
        # Derived, never passed: a system message is the one whose direction says so.
        is_system=direction == Message.Direction.SYSTEM,
        needs_response=needs_response,
        response_deadline=policy.response_deadline(sent_at) if needs_response else None,
        source=_source_file(raw, thread),
        author=author,
        sender_authentication=sender_authentication,
        sender_unverified=sender_unverified,
        notice=notice.with_typed(lambda typed: mime.replace_addresses(typed, masking)).as_json()
        if notice
        else None,
    )
    _store_attachments(message, attachments)
    if direction == Message.Direction.RECEIVED:
        integrator_events.buyer_message_received(message, thread)
    Thread.objects.filter(pk=thread.pk, seller=thread.seller_id, last_message_at__lt=sent_at).update(
        last_message_at=sent_at
    )
    if policy.answers_buyer(**kind):
        # One seller reply answers every earlier unanswered buyer message in the thread.
        _answer_earlier_messages(thread, at=sent_at)
    if relay and direction != Message.Direction.SYSTEM:  # the product's word is never mailed on
        _queue_relay(message, thread, addresses=addresses)
    return message


def _answer_earlier_messages(thread: Thread, *, at: datetime) -> None:
    """Stamp the reply on the thread's unanswered buyer messages up to ``at``, in the one
    UPDATE it always was; RETURNING tells whoever keeps figures by time which ones it
    answered (``signals.response_outcome_changed``), without a second query."""
    answered = Message.objects.filter(policy.unanswered(), thread=thread, sent_at__lte=at).values("pk")
    where, params = answered.query.sql_with_params()
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET responded_at = %s, updated_at = %s WHERE id IN ({where}) "  # noqa: S608
            "RETURNING sent_at, no_response_needed",
            [at, timezone.now(), *params],
        )
        rows = cursor.fetchall()
    # A raw cursor gives the column as the database stores it: SQLite's without its zone (as
    # text, even); the backend's own converter makes it the aware time the ORM would read.
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    sent_ats = [
        convert(sent, None, connection) if convert else sent for sent, not_counted in rows if not not_counted
    ]
    signals.outcome_changed(thread.seller_id, sent_ats)


def _source_file(raw: bytes, thread: Thread) -> ContentFile | str:
    """The source as received, for staff, as a file of its own: a mail's bytes are written once,
    as they came, instead of as an escaped SQL literal twice their size in the relay's memory.
    (A file left by a transaction that then rolls back is an orphan, as an attachment's is.)"""
    if not raw:
        return ""  # no file
    return ContentFile(raw, name=f"{thread.pk}/{secrets.token_hex(16)}.eml")


def _store_attachments(message: Message, attachments: list[mime.ParsedAttachment]) -> list[Attachment]:
    """The files are written one by one; their rows in one insert."""
    stored = []
    for attachment in attachments:
        row = Attachment(
            message=message,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=len(attachment.content),
        )
        row.file.save(attachment.filename, ContentFile(attachment.content), save=False)
        stored.append(row)
    return Attachment.objects.bulk_create(stored)


def _queue_relay(message: Message, thread: Thread, *, addresses: SellerAddresses) -> None:
    """Queue the relayed copy, one outbox row per recipient, sent after commit. The row holds
    who and what it is about, not the mail's body: that is the stored message's, rendered when
    the copy is sent (``relayed_copy``), so a body is stored once and storing reads nothing more."""
    if message.direction == Message.Direction.RECEIVED:
        sender_alias = thread.buyer_alias
        recipients = {inbox: addresses.inbox_languages[inbox] for inbox in addresses.inboxes}
    else:
        sender_alias = thread.seller_alias
        recipients = {thread.customer.email: languages.buyer_language(thread.customer)}
    headers = {"Message-ID": message.relay_message_id, "Reply-To": sender_alias.address}
    now = timezone.now()
    # A new message has no outbox rows yet; the unique dedupe key still refuses a second copy.
    outbox = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            dedupe_key=f"relay:{message.pk}:{recipient}",
            message=message,
            from_address=_display_address(message.sender_name, sender_alias),
            to_address=recipient,
            subject=_subject_in(message, language),
            # The copy's words (not the message's) in its reader's language, rendered when sent.
            headers={**headers, "Content-Language": language},
            next_attempt_at=now,
            created_at=now,
        )
        for recipient, language in recipients.items()
    )
    for outbound in outbox:
        send_after_commit(outbound.pk)


def _subject_in(message: Message, language: str) -> str:
    """The copy's subject: a person's as written; one the product wrote, in the reader's language."""
    if not message.notice:
        return message.subject
    with translation.override(language):
        return message.subject_for_reader


@dataclass(frozen=True)
class RelayedCopy:
    text: str
    html: str
    headers: dict[str, str]  # In-Reply-To and References, when the thread has earlier messages


def relayed_copy(message: Message, attachments: list[Attachment]) -> RelayedCopy:
    """The body of a message's relayed copy, rendered from the stored (masked) message, and
    the headers that thread it after the relayed copies of the messages before it (as they
    were when it was stored: those after it are later or, at the same time, of a higher id)."""
    thread = Thread.objects.select_related("order").get(pk=message.thread_id)
    before = Q(sent_at__lt=message.sent_at) | Q(sent_at=message.sent_at, pk__lt=message.pk)
    earlier = list(
        Message.objects.filter(before, thread=thread)
        .order_by("-sent_at", "-id")
        .values_list("relay_message_id", flat=True)[: policy.REFERENCES_KEPT]
    )
    headers = {"In-Reply-To": earlier[0], "References": " ".join(reversed(earlier))} if earlier else {}
    context = {"message": message, "thread": thread, "attachments": attachments}
    return RelayedCopy(
        text=render_to_string("emails/relayed_message.txt", context),
        html=render_to_string("emails/relayed_message.html", context),
        headers=headers,
    )


def _display_address(name: str, alias: Alias) -> str:
    """``"Name" <masked address>``, the name stripped of what would break the header."""
    display = re.sub(r"[\r\n\"<>]+", " ", name).strip()
    local, domain = alias.address.split("@")
    return str(Address(display_name=display, username=local, domain=domain))
