"""The outbox: nothing is lost while the mail server is down, nothing is sent twice."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from messaging import services, tasks
from messaging.models import Message, OutboundEmail
from messaging.services.bounces import NOTICE_SUBJECT

pytestmark = pytest.mark.django_db


def test_a_failed_send_is_kept_and_retried_with_backoff_by_the_sweep(order, on_commit):
    # The edge of the world: the mail provider refuses connections.
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("mail server down")
    ):
        on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == ("pending", 1)
    assert "mail server down" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now()
    assert mail.outbox == []
    assert tasks.send_due_outbound_email() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.send_due_outbound_email() == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
    assert tasks.send_due_outbound_email() == 0  # a second sweep finds nothing


def test_sending_twice_sends_once(order, on_commit):
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    outbound = OutboundEmail.objects.get()
    assert services.deliver_outbound_email(outbound_id=outbound.pk) is True
    assert tasks.send_outbound_email(outbound.pk) is True
    assert len(mail.outbox) == 1


def test_a_mail_that_keeps_failing_is_given_up_after_the_last_attempt(order):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        services.contact_seller(order=order, subject="enquiry", body="hello")
        outbound = OutboundEmail.objects.get()
        for _ in range(services.MAX_SEND_ATTEMPTS):
            services.deliver_outbound_email(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("failed", services.MAX_SEND_ATTEMPTS)


def test_the_outbox_row_is_written_with_the_message_in_one_transaction(order):
    with (
        pytest.raises(RuntimeError),
        mock.patch("messaging.services.relay._queue_relay", side_effect=RuntimeError),
    ):
        services.contact_seller(order=order, subject="enquiry", body="hello")
    assert not order.threads.exists()


def test_a_real_mail_server_that_is_down_then_back_gets_every_mail_once(order, on_commit, settings):
    """A real SMTP conversation: nothing listens at first, then an SMTP server comes up."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    for n in range(3):
        on_commit(services.contact_seller, order=order, subject="enquiry", body=f"message {n}")
    assert OutboundEmail.objects.filter(status="pending", attempts=1).count() == 3

    received = []

    class Provider:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    provider = Controller(Provider(), hostname="127.0.0.1", port=port)
    provider.start()
    try:
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            assert tasks.send_due_outbound_email() == 3
            assert tasks.send_due_outbound_email() == 0
    finally:
        provider.stop()
    assert len(received) == 3
    assert sorted(b"message" in body for body in received) == [True, True, True]
    assert OutboundEmail.objects.filter(status="sent").count() == 3


def test_a_permanent_refusal_bounces_the_mail_at_once_and_it_is_never_retried(order, on_commit, smarthost):
    # Given a smarthost that refuses the seller's mailbox for good
    smarthost("550 5.1.1 Mailbox does not exist")
    # When the buyer writes and the relayed copy is sent
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then the copy is bounced after one attempt, with the server's reason and no address
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == ("bounced", 1)
    assert "550 5.1.1 Mailbox does not exist" in outbound.last_error
    assert "@" not in outbound.last_error
    # and the message's history says so
    assert list(outbound.message.events.values_list("event", flat=True)) == ["relay_bounced"]
    # and the buyer is told in the thread, as a DSN would tell them: no address, never relayed
    _assert_told_once(outbound, "The mail server said: 550 5.1.1 Mailbox does not exist")
    # and no sweep tries it again, however late
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert services.due_outbound_email_ids() == []
        assert services.deliver_outbound_email(outbound_id=outbound.pk) is False
    outbound.refresh_from_db()
    assert outbound.attempts == 1
    # and a DSN for the same copy arriving later changes nothing: told once
    assert services.bounce_outbound_email(outbound_id=outbound.pk, last_error="Bounced", notice="x") is None
    _assert_told_once(outbound, "550 5.1.1")


def _assert_told_once(outbound, said):
    [notice] = Message.objects.filter(thread=outbound.message.thread, subject=NOTICE_SUBJECT)
    assert notice.body_text.startswith(f"{NOTICE_SUBJECT}.\n") and said in notice.body_text
    assert (notice.is_system, notice.needs_response) == (True, False)
    assert "@" not in notice.body_text
    assert not notice.outbound_emails.exists()


def test_a_temporary_refusal_is_retried_with_backoff(order, on_commit, smarthost):
    # Given a smarthost that defers the mail (greylisting)
    greylisting = smarthost("451 4.7.1 Greylisted, try again later")
    # When the buyer writes
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then the copy waits for its next attempt
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == ("pending", 1)
    assert "451" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now()
    # and when the smarthost accepts it later, the sweep sends it
    greylisting.rcpt_reply = "250 OK"
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.send_due_outbound_email() == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("sent", 2)
    assert len(greylisting.received) == 1


def test_a_permanent_refusal_of_the_data_bounces_too(order, on_commit, smarthost):
    # Given a smarthost that takes the recipient but refuses the content for good
    host = smarthost("250 OK")

    async def refuse(server, session, envelope):
        return "554 5.7.1 Message rejected as spam"

    host.handle_DATA = refuse
    # When the buyer writes
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then the copy is bounced at once
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == ("bounced", 1)
    assert "554 5.7.1" in outbound.last_error
    _assert_told_once(outbound, "The mail server said: 554 5.7.1 Message rejected as spam")


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the batch is sent from a thread of its own
def test_sends_gathered_in_a_window_are_queued_as_one_task(order):
    from celery import signals

    from messaging.outbox import batched_sends

    ran = []

    def record(task=None, args=None, **kwargs):
        ran.append((task.name, args))

    signals.task_prerun.connect(record, weak=False)
    try:
        with batched_sends(window=1.0):
            for n in range(3):
                services.contact_seller(order=order, subject="enquiry", body=f"question {n}")
            assert mail.outbox == []  # not yet: gathered for a second
    finally:
        signals.task_prerun.disconnect(record)
    ids = sorted(OutboundEmail.objects.values_list("pk", flat=True))
    assert len(ids) == 3
    assert [(name, sorted(args[0])) for name, args in ran] == [("messaging.tasks.send_outbound_emails", ids)]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3
