"""The messaging rows of docs/api.md, field for field."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Message

from .. import factories
from ..api_errors import fields_in_error
from .conftest import BUYER_REAL, SELLER_REAL

pytestmark = pytest.mark.django_db

ROW_FIELDS = {
    "id", "thread", "direction", "sender_name", "sender_address", "subject", "order_id", "sent_at",
    "needs_response", "no_response_needed", "is_auto_reply", "responded_at", "response_deadline",
}  # fmt: skip


@pytest.fixture
def buyer_api(order):
    client = APIClient()
    client.force_authenticate(order.customer.user)
    return client


@pytest.fixture
def seller_api(order):
    client = APIClient()
    client.force_authenticate(order.seller.users.get())
    return client


def test_a_buyer_contacts_the_seller(order, buyer_api, on_commit):
    response = on_commit(
        buyer_api.post,
        f"/api/v1/buyer/orders/{order.order_id}/messages/",
        {"subject": "enquiry", "body": "Is it Class 10?"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["thread"] == body["message"]["thread"]
    assert body["message"]["sender_address"].endswith("@marketplace.uk.sellercentral.test")
    assert BUYER_REAL not in response.content.decode()
    assert mail.outbox[0].to == [SELLER_REAL]


def test_contact_errors_are_400_by_field_and_store_nothing(order, buyer_api):
    response = buyer_api.post(
        f"/api/v1/buyer/orders/{order.order_id}/messages/",
        {"subject": "nope", "body": "x" * 4001},
        format="json",
    )
    assert response.status_code == 400
    assert fields_in_error(response) == {"subject", "body"}
    assert not Message.objects.exists()


def test_another_buyers_order_is_404(order):
    client = APIClient()
    client.force_authenticate(factories.CustomerFactory().user)
    response = client.post(
        f"/api/v1/buyer/orders/{order.order_id}/messages/", {"subject": "enquiry", "body": "hi"}
    )
    assert response.status_code == 404


def test_the_seller_message_list_and_its_filters(order, seller_api):
    first = services.contact_seller(order=order, subject="enquiry", body="one")
    services.reply_to_thread(thread=first.thread, body="answer")
    waiting = services.contact_seller(order=order, subject="other", body="two")
    body = seller_api.get("/api/v1/seller/messages/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert set(body["results"][0]) >= ROW_FIELDS
    assert body["results"][0]["order_id"] == order.order_id
    assert seller_api.get("/api/v1/seller/messages/", {"direction": "sent"}).json()["count"] == 1
    awaiting = seller_api.get("/api/v1/seller/messages/", {"awaiting_response": "true"}).json()
    assert [row["id"] for row in awaiting["results"]] == [waiting.pk]
    assert seller_api.get("/api/v1/seller/messages/", {"q": order.order_id}).json()["count"] == 2
    assert seller_api.get("/api/v1/seller/messages/", {"since": "nonsense"}).status_code == 400
    assert BUYER_REAL not in str(body)


def test_thread_reply_and_no_response_needed(order, seller_api, on_commit):
    message = services.contact_seller(order=order, subject="enquiry", body="one")
    thread = seller_api.get(f"/api/v1/seller/threads/{message.thread_id}/").json()
    assert {"id", "buyer_name", "buyer_address", "order", "messages"} <= set(thread)
    assert thread["order"]["order_id"] == order.order_id
    assert thread["buyer_address"] == message.thread.buyer_alias.address
    mail.outbox.clear()
    reply = on_commit(
        seller_api.post, f"/api/v1/seller/threads/{message.thread_id}/reply/", {"body": "Yes"}, format="json"
    )
    assert reply.status_code == 201
    assert reply.json()["direction"] == "sent"
    assert mail.outbox[0].to == [BUYER_REAL]
    assert (
        seller_api.post(
            f"/api/v1/seller/threads/{message.thread_id}/reply/", {"body": ""}, format="json"
        ).status_code
        == 400
    )
    other = services.contact_seller(order=order, subject="other", body="thanks!")
    marked = seller_api.post(f"/api/v1/seller/messages/{other.pk}/no-response-needed/")
    assert marked.status_code == 200 and marked.json()["no_response_needed"] is True


def test_other_sellers_threads_and_messages_are_404(order):
    message = services.contact_seller(order=order, subject="enquiry", body="one")
    client = APIClient()
    client.force_authenticate(factories.seller_user())
    assert client.get(f"/api/v1/seller/threads/{message.thread_id}/").status_code == 404
    assert client.post(f"/api/v1/seller/threads/{message.thread_id}/reply/", {"body": "x"}).status_code == 404
    assert client.post(f"/api/v1/seller/messages/{message.pk}/no-response-needed/").status_code == 404
    assert client.get("/api/v1/seller/messages/").json()["count"] == 0


def test_the_seller_list_runs_in_constant_queries(order, seller_api, django_assert_max_num_queries):
    for n in range(30):
        services.contact_seller(order=order, subject="enquiry", body=f"m{n}")
    # seller, count, page (joined)
    with django_assert_max_num_queries(3):
        body = seller_api.get("/api/v1/seller/messages/").json()
    assert len(body["results"]) == 25


def test_a_sync_reaches_messages_older_than_the_inboxs_30_days(order, seller_api):
    """The list's default window is the inbox's last 30 days; an instant filter replaces it,
    so a message answered today that came 40 days ago is found by ``updated_after``."""
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        old = services.contact_seller(order=order, subject="enquiry", body="Still there?")
    services.reply_to_thread(thread=old.thread, body="Yes!")
    assert old.pk not in [row["id"] for row in seller_api.get("/api/v1/seller/messages/").json()["results"]]
    since_an_hour = (timezone.now() - timedelta(hours=1)).isoformat()
    found = seller_api.get("/api/v1/seller/messages/", {"updated_after": since_an_hour}).json()
    assert [row["id"] for row in found["results"]] == [old.pk]
