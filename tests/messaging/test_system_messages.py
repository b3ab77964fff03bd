"""System messages ("Return denied", "Refund issued" …) are the product's, never the buyer's:
their own direction and sender, their own folder of the inbox, out of every figure."""

import importlib
import inspect
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Message
from messaging.services.relay import store_message

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(seller):
    customer = factories.CustomerFactory(name="Jan Smit")
    return factories.order_with_items(seller=seller, customer=customer)


def _decision(order, subject="Return denied"):
    """What returns.notifications posts when the seller denies a return."""
    return services.post_system_message(
        order=order,
        notice=factories.notice(f"{subject} (order {order.order_id})", "Item damaged or used by the buyer"),
    )


def test_a_system_message_is_seller_centrals_not_the_buyers(order):
    message = _decision(order)
    assert (message.direction, message.sender_name, message.is_system) == ("system", "Seller Central", True)
    assert (message.needs_response, message.response_deadline) == (False, None)
    assert not message.outbound_emails.exists()  # never relayed


def test_a_message_is_a_system_one_by_its_direction_alone(order):
    # Storing takes no separate flag to disagree with the direction: it is derived from it.
    assert "is_system" not in inspect.signature(store_message).parameters
    asked = services.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    answered = services.reply_to_thread(thread=asked.thread, body="Posted today")
    denied = _decision(order)
    assert [(m.direction, m.is_system) for m in (asked, answered, denied)] == [
        ("received", False),
        ("sent", False),
        ("system", True),
    ]
    assert (asked.needs_response, answered.needs_response) == (True, False)
    asked.refresh_from_db()
    assert asked.responded_at == answered.sent_at  # a reply answers; a system message never does


def test_the_inbox_opens_on_what_buyers_wrote_and_lists_system_messages_apart(seller, seller_client, order):
    asked = services.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    denied = _decision(order)
    refunded = _decision(order, "Refund issued")

    def rows(**query) -> str:
        return seller_client.get("/seller/messages/", query).content.decode()

    default = rows()
    assert f"#message-{asked.pk}" in default
    assert f"#message-{denied.pk}" not in default and "Refund issued" not in default
    system = rows(direction="system")
    assert f"#message-{denied.pk}" in system and f"#message-{refunded.pk}" in system
    assert f"#message-{asked.pk}" not in system
    assert "<td>Seller Central</td>" in system and "<td>Jan Smit</td>" not in system
    everything = rows(direction="all")
    assert all(f"#message-{m.pk}" in everything for m in (asked, denied, refunded))
    assert 'href="?direction=system"' in default and 'href="?direction=all"' in default


def test_every_folder_of_the_inbox_runs_in_constant_queries(
    seller, seller_client, order, django_assert_max_num_queries
):
    for _ in range(5):
        services.contact_seller(order=order, subject="enquiry", body="?")
        _decision(order)
    for folder in ["received", "sent", "system", "all"]:
        # session, user, seller, count, page of messages (joined), 7-day average
        with django_assert_max_num_queries(8):  # +1: the menu's to-do badges, +1: the 7-day average's roll-up
            assert seller_client.get("/seller/messages/", {"direction": folder}).status_code == 200


def test_the_thread_page_shows_a_system_message_as_seller_centrals(seller_client, order):
    services.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    denied = _decision(order)
    html = seller_client.get(reverse("messaging:thread", args=[denied.thread_id])).content.decode()
    found = re.search(rf'<article class="([^"]+)" id="message-{denied.pk}".*?</article>', html, re.S)
    classes, article = found.group(1), found.group(0)
    assert classes == "message message--system" and "<strong>Seller Central</strong>" in article
    assert "Jan Smit" not in article
    assert "Mark as no response needed</button>" not in article


def test_the_api_gives_system_messages_their_own_direction_and_no_address(seller, order):
    asked = services.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    denied = _decision(order)
    api = APIClient()
    api.force_authenticate(factories.seller_user(seller))
    received = api.get("/api/v1/seller/messages/").json()["results"]
    assert [row["id"] for row in received] == [asked.pk]
    [row] = api.get("/api/v1/seller/messages/", {"direction": "system"}).json()["results"]
    assert (row["id"], row["direction"], row["sender_name"]) == (denied.pk, "system", "Seller Central")
    assert row["sender_address"] is None and row["is_system"] is True
    assert api.get("/api/v1/seller/messages/", {"direction": "all"}).json()["count"] == 2
    thread = api.get(f"/api/v1/seller/threads/{denied.thread_id}/").json()
    assert [m["direction"] for m in thread["messages"]] == ["received", "system"]
    refused = api.post(f"/api/v1/seller/messages/{denied.pk}/no-response-needed/")
    assert refused.status_code == 404  # only a buyer's message can be marked


def test_the_data_migration_moves_earlier_system_messages_to_seller_central(order):
    """Rows stored before: received from the buyer, under the buyer's name."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's schema editor can not drop the constraint inside the test's transaction")
    migration = importlib.import_module("messaging.migrations.0013_system_messages_their_own_sender")
    constraint = next(c for c in Message._meta.constraints if c.name == "message_system_is_its_own_sender")
    with connection.schema_editor() as editor:  # the table as it was before (rolled back after)
        editor.remove_constraint(Message, constraint)
    asked = services.contact_seller(order=order, subject="enquiry", body="Where is my card?")
    old = _decision(order)
    Message.objects.filter(pk=old.pk).update(direction="received", sender_name="Jan Smit")
    migration.to_their_own_sender(apps, None)
    old.refresh_from_db()
    asked.refresh_from_db()
    assert (old.direction, old.sender_name) == ("system", "Seller Central")
    assert (asked.direction, asked.sender_name) == ("received", "Jan Smit")
    with connection.cursor() as cursor:  # no pending foreign key checks may stand in ALTER's way
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:  # every row now holds the constraint 0014 adds
        editor.add_constraint(Message, constraint)
