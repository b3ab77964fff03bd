"""A message's history: each change after it was stored leaves an event, shown to staff."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.models import MessageEvent, OutboundEmail

from .. import factories

pytestmark = pytest.mark.django_db


def _events(message) -> list[tuple[str, object]]:
    return list(message.events.values_list("event", "actor"))


def test_storing_and_relaying_a_message_writes_no_event(order, on_commit):
    message = on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    on_commit(services.reply_to_thread, thread=message.thread, body="Hi")
    assert not MessageEvent.objects.exists()


def test_the_seller_marking_no_response_needed_is_recorded_once_with_who(order, seller_client):
    message = services.contact_seller(order=order, subject="enquiry", body="Thanks!")
    url = reverse("messaging:no_response_needed", args=[message.pk])
    assert seller_client.post(url).status_code == 302
    assert seller_client.post(url).status_code == 302  # already marked: nothing new
    user = seller_client.session["_auth_user_id"]
    assert _events(message) == [("no_response_needed", int(user))]


def test_ticking_no_response_needed_in_the_reply_box_records_each_waiting_message(order):
    first = services.contact_seller(order=order, subject="enquiry", body="One")
    second = services.contact_seller(order=order, subject="enquiry", body="Two")
    user = factories.seller_user(order.seller)
    services.reply_to_thread(thread=first.thread, body="", no_response_needed=True, author=user)
    assert _events(first) == _events(second) == [("no_response_needed", user.pk)]


def test_the_sweeps_record_their_warnings_and_overdue_marks(order, on_commit):
    message = services.contact_seller(order=order, subject="enquiry", body="Hello?")
    with time_machine.travel(timezone.now() + timedelta(hours=21)):
        assert on_commit(services.warn_before_deadlines) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert services.mark_overdue_messages() == 1
        assert services.mark_overdue_messages() == 0
    assert _events(message) == [("deadline_warning_sent", None), ("overdue", None)]


def test_a_relayed_copy_given_up_is_recorded_on_its_message(order):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        message = services.contact_seller(order=order, subject="enquiry", body="hello")
        outbound = OutboundEmail.objects.get()
        for _ in range(services.MAX_SEND_ATTEMPTS):
            services.deliver_outbound_email(outbound_id=outbound.pk)
    [event] = message.events.all()
    assert (event.event, event.actor) == ("relay_failed", None)
    assert "OSError: no route" in event.note
    assert order.customer.email not in event.note and "@" not in event.note


def test_staff_see_the_events_read_only_on_the_message(order):
    message = services.contact_seller(order=order, subject="enquiry", body="Thanks!")
    services.mark_no_response_needed(message=message)
    staff = Client()
    staff.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    page = staff.get(f"/admin/messaging/message/{message.pk}/change/").content.decode()
    assert "Marked as no response needed" in page
    assert 'name="events-0-event"' not in page  # shown, not editable
