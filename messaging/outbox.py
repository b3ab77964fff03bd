"""The outbox: every mail the product sends is first a row, written with its cause.

A mail is written into ``OutboundEmail`` inside the transaction of the change that causes it
(a relayed message, a return decision, a deadline warning; a notification rendered in full, a
relayed copy rendered from its stored message when it is sent) and sent by a task once
that transaction commits. A failed send is recorded on the row and tried again by the beat
sweep with backoff (``policy.retry_delay``), until ``policy.MAX_SEND_ATTEMPTS``; so a crash
between commit and send, or a mail server that is down, loses no mail. ``dedupe_key`` (cause
and recipient) stops the same mail being queued twice.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import smtplib
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from . import events, locks, verp
from .mailer import InternationalAddressRefused
from .masking import without_addresses
from .models import Message, MessageEvent, OutboundEmail, UndeliverableAddress
from .notices import Notice
from .policy import MAX_SEND_ATTEMPTS, OUTBOX_SWEEP_BATCH, is_permanent_smtp_failure, retry_delay

logger = logging.getLogger(__name__)


def send_notification(*, key: str, to: list[str], subject: str, template: str, context: dict) -> None:
    """A product e-mail (returns, claims …) through the outbox, HTML + text from
    ``emails/<template>.txt|.html``; ``key`` + recipient make it unique, so a retried
    action does not mail twice. Call inside the transaction of the change it reports, in
    the recipients' language (``translation.override``, ``commerce.languages``): the mail
    is rendered in it and says so in its Content-Language header."""
    language = translation.get_language() or settings.LANGUAGE_CODE
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
                "headers": {"Auto-Submitted": "auto-generated", "Content-Language": language},
                "next_attempt_at": now,
                "created_at": now,
            },
        )
        if created:
            send_after_commit(outbound.pk)


def send_after_commit(outbound_id: int) -> None:
    """Queue the send of an outbox row once the transaction that wrote it commits: a task of
    its own, or a place in the process's next batch when it gathers them (``batched_sends``)."""
    transaction.on_commit(lambda: _queue_send(outbound_id))


def _queue_send(outbound_id: int) -> None:
    batcher = _batcher
    if batcher is not None:
        batcher.put(outbound_id)
        return
    from .tasks import send_outbound_email  # the tasks call back into this module

    send_outbound_email.delay(outbound_id)


class _SendBatcher(threading.Thread):
    """Gathers the sends queued in one process for ``window`` seconds from the first, then
    queues them as one task. The relay runs with one: a task published for each mail would
    cost it about 1 ms of CPU, more than a tenth of taking the mail. A send lost with the
    process (killed before its batch went out) is still pending in the outbox: the sweep
    sends it, a minute later at most."""

    def __init__(self, window: float) -> None:
        super().__init__(name="outbox-send-batcher", daemon=True)
        self.window = window
        self.ids: queue.SimpleQueue[int | None] = queue.SimpleQueue()

    def put(self, outbound_id: int) -> None:
        self.ids.put(outbound_id)

    def run(self) -> None:
        stopping = False
        while not stopping:
            first = self.ids.get()
            batch, stopping = ([] if first is None else [first]), first is None
            deadline = time.monotonic() + self.window
            while not stopping and (left := deadline - time.monotonic()) > 0:
                try:
                    more = self.ids.get(timeout=left)
                except queue.Empty:
                    break
                stopping = more is None
                batch += [] if stopping else [more]
            if batch:
                self._queue(batch)

    @staticmethod
    def _queue(outbound_ids: list[int]) -> None:
        from .tasks import send_outbound_emails  # the tasks call back into this module

        try:
            send_outbound_emails.delay(outbound_ids)
        except Exception:  # the broker is down: the rows wait, pending, for the sweep
            logger.exception("could not queue the sending of outbox mails %s", outbound_ids)


_batcher: _SendBatcher | None = None


@contextlib.contextmanager
def batched_sends(window: float) -> Iterator[None]:
    """While open, this process's sends are queued in batches (``_SendBatcher``); on close
    the last batch is queued before it returns."""
    global _batcher
    batcher = _SendBatcher(window)
    batcher.start()
    _batcher = batcher
    try:
        yield
    finally:
        _batcher = None
        batcher.put(None)
        batcher.join(timeout=30)


def deliver_outbound_email(*, outbound_id: int) -> bool:
    """Send one outbox mail if it is still pending; True when it is (now or already) sent.

    The row stays locked while the mail server talks, so a sweep and a task cannot send
    it twice; a failure is recorded and the next attempt scheduled with backoff. A refusal
    for good is handed to ``services.bounces.bounce_outbound_email`` once this transaction
    has committed: it locks the thread before the row, as every flow does. Until then the row
    waits for its next attempt like any failure, so a crash in between only delays the bounce.
    """
    with transaction.atomic():
        outbound = locks.lock_pending_outbound_email(outbound_id)
        if outbound is None:
            return False  # someone else is sending it right now
        if outbound.status != OutboundEmail.Status.PENDING:
            return outbound.status == OutboundEmail.Status.SENT
        now = timezone.now()
        outbound.attempts += 1
        refusal = _undeliverable(outbound)
        if refusal is not None:
            outbound.save(update_fields=["attempts"])
        else:
            try:  # building the mail (attachments from storage) fails and retries like sending
                compose(outbound).send()
            except Exception as exc:  # a refusal for good is bounced below; the rest retried
                refusal = _refusal(exc)
                _record_failure(outbound, exc, now=now, may_give_up=refusal is None)
                if refusal is None:
                    return False
            else:
                outbound.status = OutboundEmail.Status.SENT
                outbound.sent_at = now
                outbound.save(update_fields=["attempts", "status", "sent_at"])
                delivery_status_changed(outbound, at=now)
                return True
    from .services.bounces import bounce_outbound_email  # the services import this module

    bounce_outbound_email(outbound_id=outbound.pk, **refusal)
    return False


def deliver_outbound_emails(*, outbound_ids: list[int]) -> int:
    """``deliver_outbound_email`` for each; how many are sent."""
    return sum(deliver_outbound_email(outbound_id=pk) for pk in outbound_ids)


def _undeliverable(outbound: OutboundEmail) -> dict | None:
    """It bounced for good too often: not tried again, bounced at once (not counted again)."""
    undeliverable = UndeliverableAddress.objects.filter(email=outbound.to_address.lower()).first()
    if undeliverable is None:
        return None
    return {
        "last_error": f"Undeliverable address: {undeliverable.last_reason}",
        "notice": Notice(
            gettext_noop(
                "The recipient's address has refused mail for good too often; nothing more is sent to it."
            )
        ),
        "count": False,
    }


def _refusal(exc: Exception) -> dict | None:
    """How a refusal for good is bounced, or None for a temporary failure. For good: a 5xx
    for the recipients all, the sender or the data, or a server that cannot take the
    recipient's international address; connection errors and 4xx replies are temporary."""
    if isinstance(exc, InternationalAddressRefused):
        return {"last_error": f"{type(exc).__name__}: {exc.reason}", "notice": Notice.typed(exc.reason)}
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(is_permanent_smtp_failure(code) for code in codes)
    elif isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        permanent = is_permanent_smtp_failure(exc.smtp_code)
    else:
        permanent = False
    if not permanent:
        return None
    reason = without_addresses(_smtp_reason(exc))[:500]
    return {
        "last_error": f"{type(exc).__name__}: {reason}",
        "notice": Notice(gettext_noop("The mail server said: %(reason)s"), {"reason": reason}),
    }


def _smtp_reason(exc: Exception) -> str:
    """The server's reply, without the addresses smtplib puts beside it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    else:
        code, text = exc.smtp_code, exc.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"


def _record_failure(outbound: OutboundEmail, exc: Exception, *, now, may_give_up: bool) -> None:
    """A failed attempt, tried again with backoff; given up after the last one unless
    ``may_give_up`` is False (a refusal for good, bounced instead)."""
    outbound.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if may_give_up and outbound.attempts >= MAX_SEND_ATTEMPTS:
        outbound.status = OutboundEmail.Status.FAILED
        if outbound.message_id is not None:  # a relayed copy: the message's history says so
            events.record(
                outbound.message_id,
                MessageEvent.Event.RELAY_FAILED,
                note=f"Outbox mail #{outbound.pk}, {outbound.attempts} attempts: {outbound.last_error}",
                at=now,
            )
    outbound.next_attempt_at = now + retry_delay(outbound.attempts)
    outbound.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    if outbound.status == OutboundEmail.Status.FAILED:
        delivery_status_changed(outbound, at=now)


def delivery_status_changed(outbound: OutboundEmail, *, at) -> None:
    """A relayed copy was sent, given up on or bounced: its message's ``delivery_status``
    changed in the API, so the message counts as updated for integrators who sync."""
    if outbound.message_id is not None:
        Message.objects.filter(pk=outbound.message_id).update(updated_at=at)


def compose(outbound: OutboundEmail) -> EmailMultiAlternatives:
    """The mail of an outbox row, as the mail server gets it (a relayed copy with the
    message's attachments), from its VERP envelope sender (``verp.bounce_address``).

    A relayed copy written without a body is rendered from its message now (the body is
    stored once, with the message); rows written with one (notifications, and relayed copies
    queued before that) are sent as written."""
    body_text, body_html, headers = outbound.body_text, outbound.body_html, dict(outbound.headers)
    attachments = list(outbound.message.attachments.all()) if outbound.message_id is not None else []
    if outbound.message_id is not None and not body_text:
        from .services.relay import relayed_copy  # the services import this module

        with translation.override(headers.get("Content-Language") or settings.LANGUAGE_CODE):
            copy = relayed_copy(outbound.message, attachments)
        body_text, body_html, headers = copy.text, copy.html, {**headers, **copy.headers}
    mail = EmailMultiAlternatives(
        subject=outbound.subject,
        body=body_text,
        # The envelope sender is the row's VERP address, where its bounces come back to;
        # the From: header is the row's (a masked address, or the product's no-reply).
        from_email=verp.bounce_address(outbound.pk, from_address=outbound.from_address),
        to=[outbound.to_address],
        headers={"From": outbound.from_address, **headers},
    )
    if body_html:
        mail.attach_alternative(body_html, "text/html")
    for attachment in attachments:  # a relayed message's attachments go with it
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail


def due_outbound_email_ids(*, limit: int = OUTBOX_SWEEP_BATCH) -> list[int]:
    """The pending mails whose next attempt is due, the longest waiting first."""
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
