"""The doors of the pages and the API: the buyer's "Contact seller" form, the seller's Reply
box and "No response needed" (both with files, held to inbound mail's rules), "Contact buyer"
on an order (a reason its state offers), and the messages the product posts into an order's
conversation ("Return requested" …).

A conversation (``Thread``) is between one buyer and one seller on one marketplace; the one
about an order is found, or made, under the order's lock (``thread_for_order``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from commerce import languages
from commerce.models import Order

from .. import events, locks, mime, policy, selectors, signals
from ..models import Message, MessageEvent, Thread
from ..notices import Notice, ThreadNotice, label, sentence
from .aliases import buyer_alias, seller_alias
from .relay import store_message


def _check_body(body: str, *, allow_empty: bool = False) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body and not allow_empty:
        raise ValidationError({"body": gettext("Enter a message.")})
    if len(body) > policy.MAX_BODY_CHARS:
        raise ValidationError({"body": policy.BODY_TOO_LONG})
    return body


def _check_uploads(files: Sequence[UploadedFile]) -> list[mime.ParsedAttachment]:
    """Files sent from a page or the API, held to inbound mail's rules (``policy.files_refusal``)."""
    named = [
        (
            upload,
            mime.safe_filename(upload.name or "attachment"),
            (upload.content_type or "application/octet-stream").lower(),
        )
        for upload in files
    ]
    refused = policy.files_refusal(
        [(name, content_type) for _, name, content_type in named],
        total_bytes=sum(upload.size or 0 for upload in files),
    )
    if refused is not None:
        raise ValidationError({"attachments": refused.reason})
    checked = []
    for upload, name, content_type in named:
        upload.seek(0)
        checked.append(mime.ParsedAttachment(name, content_type, upload.read(), upload.charset or ""))
    return checked


def refuse_unsolicited(thread: Thread, *, critical: bool) -> None:
    """A seller's message to a buyer who opted out of unsolicited messages: refused (nothing
    stored, nothing sent) unless critical or in a conversation the buyer wrote in."""
    if policy.refuses_unsolicited(
        opted_out=thread.customer.opted_out_of_unsolicited_messages,
        critical=critical,
        buyer_has_written=lambda: selectors.buyer_has_written(thread.pk),
    ):
        raise ValidationError(policy.UNSOLICITED_REFUSED)


def thread_for_order(*, order: Order, subject: str | Notice, at: datetime) -> Thread:
    """The order's latest thread, locked; made now if there is none. The caller holds the
    order's lock (``locks.lock_order``), so two first messages cannot make two threads.
    A ``subject`` the product writes (a ``Notice``) reads in each reader's language."""
    threads = Thread.objects.filter(order=order).select_related(*locks.THREAD_PARTIES)
    thread = locks.lock_first_thread(threads.order_by("-last_message_at"))
    if thread is not None:
        return thread
    return Thread.objects.create(
        seller=order.seller,
        customer=order.customer,
        marketplace=order.marketplace,
        buyer_alias=buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace),
        seller_alias=seller_alias(seller=order.seller, marketplace=order.marketplace),
        order=order,
        subject=subject.stored() if isinstance(subject, Notice) else subject,
        subject_notice=subject.as_json() if isinstance(subject, Notice) else None,
        created_at=at,
        last_message_at=at,
    )


def _order_thread(order: Order, *, subject: str | Notice, at: datetime) -> Thread:
    """Lock the order (a no-op when the caller's transaction holds it already), then its thread."""
    locks.lock_order(Order.objects.filter(pk=order.pk))
    return thread_for_order(order=order, subject=subject, at=at)


@transaction.atomic
def contact_seller(
    *,
    order: Order,
    subject: str,
    body: str,
    author: AbstractBaseUser | None = None,
    channel: str = Message.Channel.WEB,
    sent_at: datetime | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """The buyer's "Contact seller" form on an order. ``sent_at`` (default now) is for imports."""
    if subject not in policy.CONTACT_SUBJECTS:
        raise ValidationError({"subject": gettext("Choose a subject from the list.")})
    body = _check_body(body)
    files = _check_uploads(attachments)
    now = sent_at or timezone.now()
    title = Notice(
        gettext_noop("%(subject)s from customer %(name)s (Order: %(order_id)s)"),
        {
            "subject": label(policy.CONTACT_SUBJECTS[subject]),
            "name": order.customer.name,
            "order_id": order.order_id,
        },
    )
    return store_message(
        thread=_order_thread(order, subject=title, at=now),
        direction=Message.Direction.RECEIVED,
        channel=channel,
        sender_name=order.customer.name,
        subject=title.stored(),
        text=body,
        sent_at=now,
        author=author,
        attachments=files,
        notice=ThreadNotice(title),  # each seller user reads the subject in their language
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
    attachments: Sequence[UploadedFile] = (),
) -> Message | None:
    """The seller's Reply box. With "Mark as no response needed" ticked and no text, the
    waiting buyer messages are only marked; with text, the reply is sent and they are marked."""
    body = _check_body(body, allow_empty=no_response_needed and not attachments)
    files = _check_uploads(attachments)
    thread = locks.lock_thread(thread.pk)
    now = sent_at or timezone.now()
    if no_response_needed:
        _mark_waiting_messages(thread, until=now, actor=author)
    if not body:
        return None
    replied = thread.subject.lower().startswith("re:")
    subject = thread.subject if replied else f"Re: {thread.subject}"
    refuse_unsolicited(thread, critical=policy.is_critical(subject=subject))
    return store_message(
        thread=thread,
        direction=Message.Direction.SENT,
        channel=channel,
        sender_name=thread.seller.name,
        subject=subject,
        text=body,
        sent_at=now,
        author=author,
        attachments=files,
        notice=None if replied else _reply_subject(thread),
    )


# "Re:" is RFC 5322's reply prefix (3.6.5), the same in every language: mail programs read it
# to thread a reply, so it is no msgid. The subject after it, when the product wrote it, is
# rendered in the reader's language like the thread's own.
REPLY_SUBJECT = "Re: %(subject)s"


def _reply_subject(thread: Thread) -> ThreadNotice | None:
    if not thread.subject_notice:
        return None  # a subject a person typed: shown as typed
    return ThreadNotice(Notice(REPLY_SUBJECT, {"subject": sentence(Notice.from_json(thread.subject_notice))}))


def _mark_waiting_messages(thread: Thread, *, until: datetime, actor: AbstractBaseUser | None) -> None:
    """Every buyer message of the (locked) thread awaiting a response: no response needed."""
    waiting = dict(
        Message.objects.filter(policy.awaiting_response(), thread=thread, sent_at__lte=until).values_list(
            "pk", "sent_at"
        )
    )
    if waiting:
        Message.objects.filter(pk__in=waiting).update(no_response_needed=True, updated_at=timezone.now())
        events.record_many(list(waiting), MessageEvent.Event.MARKED_NO_RESPONSE_NEEDED, actor=actor, at=until)
        signals.outcome_changed(thread.seller_id, waiting.values())


@transaction.atomic
def mark_no_response_needed(*, message: Message, actor: AbstractBaseUser | None = None) -> Message:
    """Take a buyer message out of every response-time figure."""
    if message.direction != Message.Direction.RECEIVED:
        raise ValidationError(gettext("Only messages from buyers can be marked as needing no response."))
    locked = locks.lock_message(message.pk)
    if not locked.no_response_needed:
        locked.no_response_needed = True
        locked.save(update_fields=["no_response_needed"])
        events.record(locked.pk, MessageEvent.Event.MARKED_NO_RESPONSE_NEEDED, actor=actor)
    message.no_response_needed = True
    return message


def contact_subject(order: Order, reason: str) -> str:
    """The subject of a seller's first message, in the buyer's language; a critical reason's is
    marked "[Important]", so the seller's later replies, by page or mail, keep the mark."""
    with translation.override(languages.buyer_language(order.customer)):
        subject = gettext("%(reason)s (Order: %(order_id)s)") % {
            "reason": policy.ContactReason(reason).label,
            "order_id": order.order_id,
        }
    return f"{policy.IMPORTANT_MARK} {subject}" if policy.is_critical(reason=reason) else subject


@transaction.atomic
def contact_buyer(
    *,
    order: Order,
    reason: str,
    body: str,
    author: AbstractBaseUser | None = None,
    channel: str = Message.Channel.WEB,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """The seller's "Contact buyer" page: the seller writes first about an order, for a reason
    its state offers (``selectors.contact_reasons_for``), in the order's conversation. A buyer
    who opted out of unsolicited messages gets it only when the reason is critical or the buyer
    wrote in that conversation (``refuse_unsolicited``)."""
    if reason not in selectors.contact_reasons_for(order):
        raise ValidationError({"reason": policy.REASON_NOT_OFFERED})
    body = _check_body(body)
    files = _check_uploads(attachments)
    now = timezone.now()
    subject = contact_subject(order, reason)
    thread = _order_thread(order, subject=subject, at=now)
    refuse_unsolicited(thread, critical=policy.is_critical(reason=reason))
    return store_message(
        thread=thread,
        direction=Message.Direction.SENT,
        channel=channel,
        sender_name=order.seller.name,
        subject=subject,
        text=body,
        sent_at=now,
        author=author,
        attachments=files,
    )


@transaction.atomic
def open_thread_for_order(*, order: Order) -> Thread:
    """The order's conversation (made now if there is none yet), for "Contact buyer"."""
    subject = Notice(
        gettext_noop("Your order %(order_id)s with %(seller)s"),
        {"order_id": order.order_id, "seller": order.seller.name},
    )
    return _order_thread(order, subject=subject, at=timezone.now())


@transaction.atomic
def post_system_message(*, order: Order, notice: ThreadNotice) -> Message:
    """A message the product writes into the order's thread ("Return requested", "Refund
    issued" …): its own, signed "Seller Central", never the buyer's (the seller's own decisions
    are among them). Listed under System messages, never needs a response, not relayed (the
    flow that posts it sends its own e-mails). Each reader reads it in their language
    (``notice``); the stored subject and text are the default language's.
    """
    now = timezone.now()
    subject, text = notice.stored()
    return store_message(
        thread=_order_thread(order, subject=notice.subject, at=now),
        direction=Message.Direction.SYSTEM,
        channel=Message.Channel.SYSTEM,
        sender_name=policy.SYSTEM_SENDER_NAME,
        subject=subject,
        text=text,
        sent_at=now,
        relay=False,
        notice=notice,
    )
