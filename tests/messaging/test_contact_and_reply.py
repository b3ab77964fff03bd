"""The page doors: the buyer's "Contact seller" and the seller's Reply box (docs/messaging.md)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.models import Alias, Message, OutboundEmail, Thread

from .. import factories
from .conftest import BUYER_REAL, SELLER_REAL

pytestmark = pytest.mark.django_db


def test_a_buyer_contacts_the_seller_and_the_seller_gets_it_from_a_masked_address(
    order, buyer_client, on_commit
):
    buyer_client.force_login(order.customer.user)
    url = reverse("messaging:contact_seller", args=[order.order_id])
    assert "Enquiry" in buyer_client.get(url).content.decode()
    response = on_commit(
        buyer_client.post, url, {"subject": "order_delivery", "body": "Where is my SD card?"}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.direction, message.needs_response, message.thread.order) == ("received", True, order)
    assert message.response_deadline == message.sent_at + timedelta(hours=24)
    assert message.subject.startswith("Order delivery inquiry from customer Luca de Pasqua")
    [relayed] = mail.outbox
    buyer_alias = Alias.objects.get(kind="buyer")
    assert relayed.to == [SELLER_REAL]
    assert relayed.extra_headers["From"] == f"Luca de Pasqua <{buyer_alias.address}>"
    assert relayed.extra_headers["Reply-To"] == buyer_alias.address
    assert "Where is my SD card?" in relayed.body
    assert BUYER_REAL not in relayed.message().as_string()
    assert OutboundEmail.objects.get().status == "sent"


def test_contact_seller_refuses_over_4000_characters_and_stores_nothing(order, buyer_client):
    buyer_client.force_login(order.customer.user)
    response = buyer_client.post(
        reverse("messaging:contact_seller", args=[order.order_id]), {"subject": "enquiry", "body": "x" * 4001}
    )
    assert response.status_code == 400
    assert "at most 4000 characters" in response.content.decode()
    assert not Message.objects.exists()


def test_contact_seller_needs_a_subject_from_the_list(order):
    with pytest.raises(Exception, match="Choose a subject"):
        services.contact_seller(order=order, subject="free text", body="hi")
    assert not Thread.objects.exists()


def test_another_buyers_order_cannot_be_used_to_contact(order, buyer_client):
    response = buyer_client.get(reverse("messaging:contact_seller", args=[order.order_id]))
    assert response.status_code == 404


def test_a_seller_reply_answers_every_earlier_buyer_message_and_is_relayed(order, seller_client, on_commit):
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        first = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        second = services.contact_seller(order=order, subject="enquiry", body="Hello?")
    mail.outbox.clear()
    thread = first.thread
    response = on_commit(
        seller_client.post, reverse("messaging:thread", args=[thread.pk]), {"body": "It is Class 4."}
    )
    assert response.status_code == 302
    reply = Message.objects.get(direction="sent")
    for buyer_message in (first, second):
        buyer_message.refresh_from_db()
        assert buyer_message.responded_at == reply.sent_at
    [relayed] = mail.outbox
    assert relayed.to == [BUYER_REAL]
    assert relayed.extra_headers["From"] == f"Test UK Seller 4 Luca <{thread.seller_alias.address}>"
    assert relayed.extra_headers["In-Reply-To"] == second.relay_message_id
    assert SELLER_REAL not in relayed.message().as_string()


def test_a_reply_does_not_answer_messages_that_arrive_after_it(order):
    reply_time = timezone.now()
    message = services.contact_seller(order=order, subject="enquiry", body="first")
    with time_machine.travel(reply_time - timedelta(minutes=5), tick=False):
        services.reply_to_thread(thread=message.thread, body="an earlier answer")
    message.refresh_from_db()
    assert message.responded_at is None


def test_mark_as_no_response_needed_without_text_sends_nothing(order, seller_client, on_commit):
    message = services.contact_seller(order=order, subject="other", body="Thank you!")
    mail.outbox.clear()
    response = on_commit(
        seller_client.post,
        reverse("messaging:thread", args=[message.thread_id]),
        {"body": "", "no_response_needed": "on"},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.no_response_needed, message.responded_at) == (True, None)
    assert not message.awaiting_response
    assert mail.outbox == []
    assert Message.objects.count() == 1


def test_an_empty_reply_without_the_box_ticked_is_a_form_error(order, seller_client):
    message = services.contact_seller(order=order, subject="other", body="Hi")
    response = seller_client.post(reverse("messaging:thread", args=[message.thread_id]), {"body": "  "})
    assert response.status_code == 400
    assert "Enter a reply" in response.content.decode()
    assert Message.objects.count() == 1


def test_a_reply_over_4000_characters_is_refused(order, seller_client):
    message = services.contact_seller(order=order, subject="other", body="Hi")
    response = seller_client.post(reverse("messaging:thread", args=[message.thread_id]), {"body": "y" * 4001})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_the_no_response_needed_button_on_a_message(order, seller_client):
    message = services.contact_seller(order=order, subject="other", body="Thanks")
    response = seller_client.post(reverse("messaging:no_response_needed", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.no_response_needed


def test_system_messages_are_stored_never_need_a_response_and_are_not_relayed(order, on_commit):
    message = on_commit(
        services.post_system_message, order=order, notice=factories.notice("Return requested", "1 item")
    )
    assert (message.is_system, message.needs_response, message.response_deadline) == (True, False, None)
    assert mail.outbox == []


def test_aliases_are_random_stable_and_long(order):
    first = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    again = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    seller_side = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    assert first.pk == again.pk
    assert first.token != seller_side.token
    assert first.token == first.token.lower() and len(first.token) <= 40
    assert first.address.endswith("@marketplace.uk.sellercentral.test")
    tokens = {services.new_alias_token() for _ in range(1000)}
    assert len(tokens) == 1000
