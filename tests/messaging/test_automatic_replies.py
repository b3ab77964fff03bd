"""A seller's automatic reply (an out-of-office) to a buyer's masked address: stored for the
seller, never relayed to the buyer, and so never shown to the buyer as a message either."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from messaging import services
from messaging.models import Message, OutboundEmail

from .conftest import SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
OUT_OF_OFFICE = "I am away until Monday and will answer your message then."


def test_a_sellers_out_of_office_is_stored_not_relayed_and_not_shown_to_the_buyer(order, smtp, seller_client):
    asked = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    to_seller = next(copy for copy in mail.outbox if copy.to == [SELLER_REAL])
    mail.outbox.clear()

    # The seller's mail program answers the relayed copy by itself.
    smtp.send_message(
        plain_mail(
            sender=SELLER_REAL,
            to=to_seller.extra_headers["Reply-To"],
            subject="Automatic reply: Enquiry",
            body=OUT_OF_OFFICE,
            Auto_Submitted="auto-replied",
            In_Reply_To=to_seller.extra_headers["Message-ID"],
        )
    )
    auto = Message.objects.get(is_auto_reply=True)
    assert (auto.thread_id, auto.direction) == (asked.thread_id, "sent")
    assert mail.outbox == [] and not OutboundEmail.objects.filter(message=auto).exists()  # not relayed
    asked.refresh_from_db()
    assert asked.responded_at is None  # and no answer

    buyer = Client()
    buyer.force_login(order.customer.user)
    page = buyer.get(reverse("messaging:order_messages", args=[order.order_id])).content.decode()
    assert "Is it Class 10?" in page
    assert OUT_OF_OFFICE not in page and f'id="message-{auto.pk}"' not in page

    seller_page = seller_client.get(reverse("messaging:thread", args=[asked.thread_id])).content.decode()
    assert OUT_OF_OFFICE in seller_page  # the seller still sees what their program sent


def test_the_sellers_own_reply_after_it_is_shown_to_the_buyer(order):
    asked = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    services.reply_to_thread(thread=asked.thread, body="It is Class 4.")
    buyer = Client()
    buyer.force_login(order.customer.user)
    page = buyer.get(reverse("messaging:order_messages", args=[order.order_id])).content.decode()
    assert "Is it Class 10?" in page and "It is Class 4." in page
