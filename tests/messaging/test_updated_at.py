"""A message's ``updated_at`` moves on every write of it, so an integrator who syncs with
``updated_after`` sees each change: answered, marked, overdue, warned, its relayed copy sent,
given up on or bounced. One test per path that writes it."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine

from messaging import services
from messaging.models import Message, OutboundEmail
from messaging.notices import Notice

pytestmark = pytest.mark.django_db

WROTE = datetime(2025, 3, 1, 9, tzinfo=UTC)
CHANGED = WROTE + timedelta(hours=2)


@pytest.fixture
def asked(order) -> Message:
    """Luca's question, stored at 9:00; its relayed copy not sent yet (no commit ran)."""
    with time_machine.travel(WROTE, tick=False):
        return services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")


def updated_at(message: Message) -> datetime:
    return Message.objects.values_list("updated_at", flat=True).get(pk=message.pk)


def test_a_new_message_was_updated_when_it_was_stored(asked):
    assert updated_at(asked) == asked.sent_at == WROTE


def test_a_reply_that_answers_it_moves_it(asked):
    with time_machine.travel(CHANGED, tick=False):
        services.reply_to_thread(thread=asked.thread, body="Yes, Class 10.")
    assert Message.objects.get(pk=asked.pk).responded_at == CHANGED
    assert updated_at(asked) == CHANGED


def test_ticking_no_response_needed_in_the_reply_box_moves_every_waiting_message(asked, order):
    with time_machine.travel(WROTE + timedelta(minutes=5), tick=False):
        second = services.contact_seller(order=order, subject="enquiry", body="Thanks!")
    with time_machine.travel(CHANGED, tick=False):
        services.reply_to_thread(thread=asked.thread, body="", no_response_needed=True)
    assert updated_at(asked) == updated_at(second) == CHANGED


def test_marking_one_message_no_response_needed_moves_it(asked):
    with time_machine.travel(CHANGED, tick=False):
        services.mark_no_response_needed(message=asked)
    assert updated_at(asked) == CHANGED


def test_the_deadline_warning_and_the_overdue_mark_move_it(asked, on_commit):
    warned = asked.response_deadline - timedelta(hours=1)
    on_commit(services.warn_before_deadlines, now=warned)
    assert updated_at(asked) == warned
    late = asked.response_deadline + timedelta(minutes=1)
    assert services.mark_overdue_messages(now=late) == 1
    assert updated_at(asked) == late


def test_its_relayed_copy_sent_moves_it(asked):
    outbound = OutboundEmail.objects.get(message=asked)
    with time_machine.travel(CHANGED, tick=False):
        assert services.deliver_outbound_email(outbound_id=outbound.pk) is True
    assert updated_at(asked) == CHANGED


def test_its_relayed_copy_given_up_moves_it(asked):
    outbound = OutboundEmail.objects.get(message=asked)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        for _ in range(services.MAX_SEND_ATTEMPTS - 1):
            services.deliver_outbound_email(outbound_id=outbound.pk)
        with time_machine.travel(CHANGED, tick=False):
            services.deliver_outbound_email(outbound_id=outbound.pk)  # the last attempt
    assert OutboundEmail.objects.get(pk=outbound.pk).status == "failed"
    assert updated_at(asked) == CHANGED


def test_its_relayed_copy_bounced_moves_it(asked):
    outbound = OutboundEmail.objects.get(message=asked)
    with time_machine.travel(CHANGED, tick=False):
        services.bounce_outbound_email(
            outbound_id=outbound.pk, last_error="550 5.1.1 unknown", notice=Notice("Mailbox unknown")
        )
    assert updated_at(asked) == CHANGED


def test_a_failed_attempt_that_will_be_retried_does_not_move_it(asked):
    outbound = OutboundEmail.objects.get(message=asked)
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")),
        time_machine.travel(CHANGED, tick=False),
    ):
        services.deliver_outbound_email(outbound_id=outbound.pk)
    assert updated_at(asked) == WROTE  # still pending: its delivery status did not change
