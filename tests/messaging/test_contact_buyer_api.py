"""The API's "Contact buyer" (docs/api.md): the reasons an order offers, and the message; and the
inbound webhook's refusal of a seller's unsolicited mail."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from commerce import services as commerce_services
from messaging import services
from messaging.models import Message

from .. import factories
from ..api_errors import fields_in_error
from ..mailauth import stamped
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_api(order):
    client = APIClient()
    client.force_authenticate(order.seller.users.get())
    return client


def _url(order) -> str:
    return f"/api/v1/seller/orders/{order.order_id}/contact-buyer/"


def test_the_reasons_the_order_offers_and_the_buyers_preference(order, seller_api):
    response = seller_api.get(_url(order))
    assert response.json() == {
        "reasons": [
            {"code": "delivery_information", "label": "Delivery information"},
            {"code": "additional_information", "label": "Additional information required"},
        ],
        "buyer_opted_out": False,
    }


def test_the_seller_writes_first(order, seller_api, on_commit):
    response = on_commit(
        seller_api.post,
        _url(order),
        {"reason": "delivery_information", "body": "It left today."},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["message"]["direction"] == "sent"
    assert body["message"]["subject"] == f"Delivery information (Order: {order.order_id})"
    assert Message.objects.get().channel == "api"
    assert mail.outbox[0].to == [BUYER_REAL]


def test_a_reason_not_offered_is_a_400_on_reason(order, seller_api):
    response = seller_api.post(
        _url(order), {"reason": "fulfilment_problem", "body": "Out of stock"}, format="json"
    )
    assert response.status_code == 400
    assert fields_in_error(response) == {"reason"}
    assert not Message.objects.exists()


def test_an_opted_out_buyer_refuses_it_with_a_400_that_says_why(order, seller_api):
    commerce_services.set_communication_preferences(
        customer=order.customer, opted_out_of_unsolicited_messages=True
    )
    assert seller_api.get(_url(order)).json()["buyer_opted_out"] is True
    response = seller_api.post(
        _url(order), {"reason": "delivery_information", "body": "Sale!"}, format="json"
    )
    assert response.status_code == 400
    assert "chosen not to receive unsolicited messages" in response.json()["detail"]
    assert not Message.objects.exists()


def test_another_sellers_order_is_a_404(order):
    client = APIClient()
    client.force_authenticate(factories.seller_user())
    assert client.get(_url(order)).status_code == 404
    assert client.post(_url(order), {"reason": "delivery_information", "body": "Hi"}).status_code == 404


def test_the_inbound_webhook_refuses_unsolicited_mail_with_a_403(order, settings):
    settings.INBOUND_EMAIL_SECRET = "dev-inbound-secret"
    commerce_services.set_communication_preferences(
        customer=order.customer, opted_out_of_unsolicited_messages=True
    )
    to = services.buyer_alias(
        customer=order.customer, seller=order.seller, marketplace=order.marketplace
    ).address

    def post(subject: str):
        raw = plain_mail(sender=SELLER_REAL, to=to, subject=subject).as_bytes()
        return Client().post(
            "/api/v1/inbound-email/",
            stamped(raw),
            content_type="message/rfc822",
            HTTP_X_INBOUND_SECRET="dev-inbound-secret",
        )

    assert post("Our summer sale").status_code == 403
    assert not Message.objects.exists()
    assert post("[Important] Your delivery address").status_code == 202
    assert Message.objects.get().direction == "sent"
