"""Staff see threads, messages, aliases, alternate addresses, the outbox and undeliverable
addresses in admin."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from messaging import services
from messaging.models import Alias, AlternateAddress, Message, OutboundEmail, Thread, UndeliverableAddress

from .. import factories
from ..mailauth import genuine
from .conftest import SELLER_REAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [Alias, AlternateAddress, Thread, Message, OutboundEmail, UndeliverableAddress],
    ids=lambda m: m.__name__,
)
def test_each_messaging_model_has_a_working_changelist(model, order, staff_client):
    services.contact_seller(order=order, subject="enquiry", body="hello")
    services.add_alternate_address(seller=order.seller, email="help@shop.example")
    assert admin.site._registry[model].search_fields
    url = f"/admin/messaging/{model._meta.model_name}/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": order.order_id}).status_code == 200


def test_staff_find_a_message_by_order_id_and_alias_and_see_its_raw_source_read_only(
    order, staff_client, settings
):
    settings.INBOUND_EMAIL_SECRET = "s"
    services.contact_seller(order=order, subject="enquiry", body="hello")
    alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    raw = f"From: {order.customer.email}\r\nTo: {alias.address}\r\nSubject: raw <b>source</b>\r\n\r\nbody".encode()
    services.receive_inbound_email(raw=raw, verdict=genuine(raw))
    message = Message.objects.get(channel="email")
    token = message.thread.buyer_alias.token
    for term in [order.order_id, token]:
        html = staff_client.get("/admin/messaging/message/", {"q": term}).content.decode()
        assert f"/admin/messaging/message/{message.pk}/change/" in html
    page = staff_client.get(f"/admin/messaging/message/{message.pk}/change/").content.decode()
    assert "raw &lt;b&gt;source&lt;/b&gt;" in page
    assert 'name="raw"' not in page  # not editable


def test_staff_see_an_undeliverable_address_and_allow_delivery_again(order, staff_client, on_commit):
    # Given the seller's mailbox was marked undeliverable after three hard bounces
    UndeliverableAddress.objects.create(
        email=SELLER_REAL,
        hard_bounces=3,
        last_reason="550 5.1.1 Mailbox does not exist",
        marked_at=timezone.now(),
    )
    # When staff look for it
    page = staff_client.get(
        "/admin/messaging/undeliverableaddress/", {"q": "test-uk-seller"}
    ).content.decode()
    assert SELLER_REAL in page and "550 5.1.1 Mailbox does not exist" in page
    # Then the one action offered says what it does (no bare "Delete selected")
    assert "Allow delivery again" in page and "delete_selected" not in page
    # When staff allow delivery again
    row = UndeliverableAddress.objects.get()
    response = staff_client.post(
        "/admin/messaging/undeliverableaddress/",
        {"action": "allow_delivery_again", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "Delivery allowed again to 1 address." in response.content.decode()
    # Then the address is no longer undeliverable, and the admin history says who and why
    assert not UndeliverableAddress.objects.exists()
    [entry] = LogEntry.objects.filter(object_repr=SELLER_REAL)
    assert entry.is_deletion() and "Allowed delivery again" in entry.change_message
    assert "3 hard bounces" in entry.change_message
    # and the next relayed copy to it is sent
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello again")
    assert OutboundEmail.objects.get(to_address=SELLER_REAL).status == "sent"
