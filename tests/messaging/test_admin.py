"""Staff see threads, messages, aliases, alternate addresses and the outbox in admin."""

import pytest
from django.contrib import admin
from django.test import Client

from messaging import services
from messaging.models import Alias, AlternateAddress, Message, OutboundEmail, Thread

from .. import factories
from ..mailauth import genuine

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", [Alias, AlternateAddress, Thread, Message, OutboundEmail], ids=lambda m: m.__name__
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
