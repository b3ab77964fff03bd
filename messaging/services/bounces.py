"""Bounces: a mail server says a relayed copy or a notification could not be delivered.

Every mail the product sends goes out from its row's VERP address (``messaging.verp``), so a
bounce comes back to ``bounce+<signed token>@<relay domain>``, by SMTP or the webhook. A
delivery-status report (RFC 3464: ``multipart/report; report-type=delivery-status``) that
says ``Action: failed`` with a ``5.x.x`` status, or a plain bounce from a mail system (a
``5.x.x`` status, or From: MAILER-DAEMON / postmaster; an out-of-office is not one), marks the
row bounced (no more retries), writes the event on the relayed message, and tells its
sender in the thread (a system message: shown, never relayed, never needing a response).
A delay notice (4.x.x, ``Action: delayed``) changes nothing. A bounce is never answered and
never relayed, and a report about a report is dropped: no loops.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .. import events, locks, policy, verp
from ..masking import without_addresses
from ..models import Message, MessageEvent, OutboundEmail, UndeliverableAddress
from ..notices import Notice, ThreadNotice
from ..outbox import delivery_status_changed
from .inbound import _unknown_recipient
from .relay import store_message

NOTICE_SUBJECT = gettext_noop("Your message could not be delivered")
NOT_DELIVERED = gettext_noop("Your message could not be delivered.")
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")


@dataclass(frozen=True)
class Bounce:
    """What a bounce says: ``failed`` for good, and why (no address in it)."""

    failed: bool
    reason: str


def _scrub(text: str) -> str:
    """A mail server's words, without any address (a real one would leak to the sender)."""
    return " ".join(without_addresses(text).split())[:500]


def _is_report(message: EmailMessage) -> bool:
    return message.get_content_type() == "multipart/report" and (
        (message.get_param("report-type") or "").lower() == "delivery-status"
    )


def read_bounce(raw: bytes) -> Bounce | None:
    """What a bounce says, or None when it is to be dropped (a report about a report)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if _is_report(message):
        return _read_report(message)
    text = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_content()
            break
    found = _STATUS.search(text)
    sender = str(message.get("From", "")).lower()
    from_mail_system = "mailer-daemon" in sender or "postmaster" in sender
    automatic = str(message.get("Auto-Submitted", "no")).strip().lower() not in ("", "no")
    if (automatic and not from_mail_system) or (found is None and not from_mail_system):
        # An out-of-office (RFC 3834 answers the envelope sender, which is this address) or a
        # person writing to it: not a bounce, and no reason to stop mailing anyone.
        return None
    if found is not None and found.group(1) != "5":
        return Bounce(failed=False, reason=_scrub(found.group(0)))
    subject = str(message.get("Subject", ""))
    return Bounce(failed=True, reason=_scrub(found.group(0) if found else subject or "Undeliverable"))


def _read_report(message: EmailMessage) -> Bounce | None:
    parts = list(message.walk())
    returned = [
        p.get_payload(0) for p in parts if p.get_content_type() == "message/rfc822" and p.is_multipart()
    ]
    if any(_is_report(original) for original in returned):
        return None  # a report about a report
    for part in parts:
        if part.get_content_type() != "message/delivery-status":
            continue
        for fields in part.get_payload()[1:]:  # the per-message block, then one per recipient
            action = str(fields.get("Action", "")).strip().lower()
            status = str(fields.get("Status", "")).strip()
            if action == "failed" or status.startswith("5"):
                diagnostic = str(fields.get("Diagnostic-Code", "")).partition(";")[2] or status
                return Bounce(failed=True, reason=_scrub(f"{status} {diagnostic}".strip()))
        return Bounce(failed=False, reason="delayed")
    return Bounce(failed=True, reason="Undeliverable")


def check_bounce_recipient(address: str) -> int | None:
    """RCPT TO a bounce address: the outbox row its signed token names, or None (refuse)."""
    return verp.outbound_id_of(address)


def receive_bounce(*, address: str, raw: bytes) -> OutboundEmail | None:
    """A bounce to ``address``: the row it bounced, or None when nothing changed (a delay
    notice, a report about a report, a row bounced already). ``address`` is checked."""
    outbound_id = verp.outbound_id_of(address)
    if outbound_id is None:
        raise _unknown_recipient()
    bounce = read_bounce(raw)
    if bounce is None or not bounce.failed:
        return None
    return bounce_outbound_email(
        outbound_id=outbound_id,
        last_error=f"Bounced: {bounce.reason}",
        notice=Notice(
            gettext_noop("The recipient's mail server said: %(reason)s"), {"reason": bounce.reason}
        ),
    )


def bounce_outbound_email(
    *, outbound_id: int, last_error: str, notice: Notice, count: bool = True
) -> OutboundEmail | None:
    """An outbox mail refused for good, however it was learnt (a DSN, the smarthost's 5xx or
    its missing SMTPUTF8 at send time, an undeliverable address): the row bounced and never
    retried, a hard bounce counted (unless ``count`` is False), and for a relayed copy the
    event on its message and ``notice`` (no address in it) told to its sender in the thread.
    Once: a row bounced already changes nothing. The row, or None when nothing changed."""
    row = OutboundEmail.objects.filter(pk=outbound_id).values("message__thread_id").first()
    if row is None:
        return None
    with transaction.atomic():
        thread_id = row["message__thread_id"]
        thread = locks.lock_thread(thread_id) if thread_id is not None else None
        outbound = locks.lock_outbound_email(outbound_id)
        if outbound.status == OutboundEmail.Status.BOUNCED:
            return None
        now = timezone.now()
        outbound.status = OutboundEmail.Status.BOUNCED
        outbound.last_error = last_error[:2000]
        outbound.save(update_fields=["status", "last_error"])
        delivery_status_changed(outbound, at=now)
        if count:
            count_hard_bounce(outbound.to_address, reason=last_error, at=now)
        if outbound.message_id is not None:
            events.record(
                outbound.message_id,
                MessageEvent.Event.RELAY_BOUNCED,
                note=f"Outbox mail #{outbound.pk}, attempt {outbound.attempts}: {outbound.last_error}",
                at=now,
            )
            _tell_the_sender(thread, notice.with_typed(_scrub), now=now)
        return outbound


def count_hard_bounce(address: str, *, reason: str, at) -> None:
    """After ``policy.UNDELIVERABLE_AFTER_BOUNCES`` bounced mails to ``address`` in a row, it is
    undeliverable (the outbox bounces its mails at once). "In a row": since the newest mail to
    it that still stands delivered (a later report may yet bounce that one too), so a mailbox
    that came back is not marked again by one bounce months later."""
    address = address.lower()
    to_address = OutboundEmail.objects.filter(to_address__iexact=address)
    delivered = to_address.filter(status=OutboundEmail.Status.SENT).order_by("-created_at")
    bounces = to_address.filter(status=OutboundEmail.Status.BOUNCED)
    newest_delivered = delivered.values_list("created_at", flat=True).first()
    if newest_delivered is not None:
        bounces = bounces.filter(created_at__gt=newest_delivered)
    count = bounces.count()
    if count >= policy.UNDELIVERABLE_AFTER_BOUNCES:
        UndeliverableAddress.objects.update_or_create(
            email=address, defaults={"hard_bounces": count, "last_reason": reason, "marked_at": at}
        )


def allow_delivery_again(*, emails: list[str]) -> list[UndeliverableAddress]:
    """Staff lift "undeliverable" from addresses (the mailbox is back, say): the outbox tries
    their next mails. Their earlier bounces count until a mail is delivered, so one more hard
    bounce before that marks an address again at once. The rows lifted (gone from the table)."""
    rows = list(UndeliverableAddress.objects.filter(email__in=[email.lower() for email in emails]))
    UndeliverableAddress.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return rows


def _tell_the_sender(thread, notice: Notice, *, now) -> None:
    told = ThreadNotice(Notice(NOTICE_SUBJECT), [Notice(NOT_DELIVERED), notice])
    subject, text = told.stored()
    store_message(
        thread=thread,
        direction=Message.Direction.SYSTEM,
        channel=Message.Channel.SYSTEM,
        sender_name=policy.SYSTEM_SENDER_NAME,
        subject=subject,
        text=text,
        sent_at=now,
        relay=False,
        notice=told,
    )
