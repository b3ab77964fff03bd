"""The webhooks API and the events feed: a seller manages its own webhooks (another seller's
is a 404), reads each one's delivery log, and catches up on events with a cursor; lists run
in a constant number of queries."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from integrations import services
from integrations.models import Delivery, Event, Subscription
from returns import services as returns

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_api(seller):
    client = APIClient()
    client.force_authenticate(factories.seller_user(seller))
    return client


@pytest.fixture
def other_seller():
    return factories.SellerAccountFactory(name="Another seller")


def record(seller, n: int) -> list[Event]:
    """``n`` claims filed, as their events say (claim ids 0 … n-1)."""
    now = timezone.now()
    return [
        services.record_event(
            seller_id=seller.pk,
            type="claim.filed",
            occurred_at=now,
            data={
                "order_id": f"202-0000000-{i:07d}",
                "marketplace": "uk",
                "claim_id": i,
                "reason": "not_received",
                "status": "open",
                "filed_at": now.isoformat(),
            },
        )
        for i in range(n)
    ]


def test_a_webhook_is_created_with_its_secret_shown_once(seller_api, endpoint):
    created = seller_api.post(
        "/api/v1/seller/webhooks/",
        {"url": endpoint.url, "event_types": ["return.requested", "claim.filed"], "description": "ERP"},
        format="json",
    )

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["return.requested", "claim.filed"]
    assert body["is_active"] is True
    read = seller_api.get(f"/api/v1/seller/webhooks/{body['id']}/").json()
    assert "secret" not in read
    assert [row["id"] for row in seller_api.get("/api/v1/seller/webhooks/").json()["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("url", "field_error"),
    [
        ("http://example.com/hooks", "The URL must start with https://."),
        ("https://10.1.2.3/hooks", "The URL must point to a public internet address."),
        ("https://user:pw@example.com/hooks", "The URL must not contain a user name or password."),
    ],
)
def test_a_webhook_url_must_be_public_https(seller_api, url, field_error):
    answer = seller_api.post(
        "/api/v1/seller/webhooks/", {"url": url, "event_types": ["claim.filed"]}, format="json"
    )

    assert answer.status_code == 400
    assert field_error in str(answer.json())
    assert not Subscription.objects.exists()


def test_loopback_is_refused_unless_the_setting_allows_it(seller_api, endpoint, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False

    answer = seller_api.post(
        "/api/v1/seller/webhooks/", {"url": endpoint.url, "event_types": ["claim.filed"]}, format="json"
    )

    assert answer.status_code == 400


def test_a_webhook_may_be_created_switched_off(seller_api, endpoint):
    created = seller_api.post(
        "/api/v1/seller/webhooks/",
        {"url": endpoint.url, "event_types": ["claim.filed"], "is_active": False},
        format="json",
    )

    assert created.status_code == 201
    assert Subscription.objects.get().is_active is False


def test_unknown_or_no_event_types_are_400(seller_api, endpoint):
    for types in ([], ["webhook.test"], ["order.shipped"]):
        answer = seller_api.post(
            "/api/v1/seller/webhooks/", {"url": endpoint.url, "event_types": types}, format="json"
        )
        assert answer.status_code == 400, types


def test_a_webhook_is_changed_switched_off_and_deleted(seller_api, subscribe):
    subscription = subscribe(["claim.filed"])
    path = f"/api/v1/seller/webhooks/{subscription.pk}/"

    changed = seller_api.patch(path, {"event_types": ["refund.issued"], "is_active": False}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["event_types"], changed.json()["is_active"]) == (["refund.issued"], False)
    assert seller_api.put(path, {}, format="json").status_code == 405
    assert seller_api.delete(path).status_code == 204
    assert not Subscription.objects.exists()


def test_another_sellers_webhook_is_404_everywhere(seller_api, subscribe, other_seller):
    theirs = subscribe(["claim.filed"], to_seller=other_seller)
    path = f"/api/v1/seller/webhooks/{theirs.pk}/"

    assert seller_api.get(path).status_code == 404
    assert seller_api.patch(path, {"is_active": False}, format="json").status_code == 404
    assert seller_api.delete(path).status_code == 404
    assert seller_api.get(path + "deliveries/").status_code == 404
    assert seller_api.post(path + "test/").status_code == 404
    assert seller_api.get("/api/v1/seller/webhooks/").json()["results"] == []
    assert Subscription.objects.get().is_active


def test_the_delivery_log_lists_attempts_in_constant_queries(
    seller_api, subscribe, endpoint, seller, on_commit, django_assert_num_queries
):
    subscription = subscribe(["claim.filed"])
    endpoint.answers = [500]
    on_commit(record, seller, 1)
    path = f"/api/v1/seller/webhooks/{subscription.pk}/deliveries/"
    # the webhook, count, the page with its events, their attempts (the seller's account is
    # read once per signed-in user object, here before the count starts)
    seller_api.get("/api/v1/seller/webhooks/")
    with django_assert_num_queries(4):
        [failed] = seller_api.get(path).json()["results"]
    assert (failed["status"], failed["attempts"], failed["event_type"]) == ("pending", 1, "claim.filed")
    assert failed["attempt_log"][0]["status_code"] == 500
    on_commit(record, seller, 5)
    with django_assert_num_queries(4):
        rows = seller_api.get(path).json()["results"]
    assert [row["status"] for row in rows] == ["delivered"] * 5 + ["pending"]


def test_the_webhook_list_runs_in_constant_queries(seller_api, subscribe, django_assert_num_queries):
    subscribe(["claim.filed"])
    seller_api.get("/api/v1/seller/webhooks/")  # the seller's account, read once per user object
    # count, the page with its pending and failed counts
    with django_assert_num_queries(2):
        seller_api.get("/api/v1/seller/webhooks/")
    for _ in range(4):
        subscribe(["claim.filed"])
    with django_assert_num_queries(2):
        assert len(seller_api.get("/api/v1/seller/webhooks/").json()["results"]) == 5


def test_the_feed_pages_with_after_in_event_order(
    seller_api, seller, other_seller, django_assert_num_queries
):
    mine = record(seller, 5)
    record(other_seller, 3)
    seller_api.get("/api/v1/seller/webhooks/")  # the seller's account, read once per user object
    # the page (one row more than asked, to tell whether more wait)
    with django_assert_num_queries(1):
        first = seller_api.get("/api/v1/seller/events/?limit=2").json()
    assert [event["id"] for event in first["results"]] == [f"evt_{event.pk}" for event in mine[:2]]
    assert first["has_more"] is True
    second = seller_api.get(f"/api/v1/seller/events/?limit=2&after={first['next']}").json()
    third = seller_api.get(f"/api/v1/seller/events/?limit=2&after={second['next']}").json()
    assert [event["data"]["claim_id"] for event in second["results"] + third["results"]] == [2, 3, 4]
    assert third["has_more"] is False
    caught_up = seller_api.get(f"/api/v1/seller/events/?after={third['next']}").json()
    assert (caught_up["results"], caught_up["next"], caught_up["has_more"]) == ([], third["next"], False)
    newer = record(seller, 1)
    assert [
        event["id"]
        for event in seller_api.get(f"/api/v1/seller/events/?after={third['next']}").json()["results"]
    ] == [f"evt_{newer[0].pk}"]


def test_the_feed_leaves_out_test_events_and_refuses_a_bad_cursor(seller_api, subscribe, seller):
    services.send_test_event(subscription=subscribe(["claim.filed"]))

    assert seller_api.get("/api/v1/seller/events/").json()["results"] == []
    assert seller_api.get("/api/v1/seller/events/?after=abc").status_code == 400
    assert seller_api.get("/api/v1/seller/events/?limit=0").status_code == 400


def test_a_feed_event_has_the_shape_a_webhook_posts(
    seller_api, order, customer, subscribe, endpoint, on_commit
):
    subscribe(["return.requested"])
    item = order.items.get()
    on_commit(
        returns.request_return,
        order=order,
        customer=customer,
        items=[returns.RequestedItem(order_item_id=item.pk, quantity=1, reason="missing_parts")],
    )

    [event] = seller_api.get("/api/v1/seller/events/").json()["results"]
    assert event == json.loads(endpoint.received[0].body)
    assert Delivery.objects.get().status == "delivered"


def test_buyers_and_strangers_have_no_feed(customer, endpoint):
    buyer = APIClient()
    buyer.force_authenticate(customer.user)

    assert buyer.get("/api/v1/seller/events/").status_code == 403
    assert APIClient().get("/api/v1/seller/events/").status_code in (401, 403)


def test_the_schema_names_the_operations_and_each_payload():
    schema = APIClient().get("/api/schema/?format=json").json()
    operations = {
        operation["operationId"]
        for path, item in schema["paths"].items()
        if "/webhooks/" in path or path.endswith("/events/")
        for operation in item.values()
    }
    assert operations == {
        "listWebhookSubscriptions",
        "createWebhookSubscription",
        "getWebhookSubscription",
        "updateWebhookSubscription",
        "deleteWebhookSubscription",
        "listWebhookDeliveries",
        "sendWebhookTestEvent",
        "listEvents",
    }
    components = schema["components"]["schemas"]
    for name in (
        "MessageReceivedData",
        "MessageOverdueData",
        "ReturnRequestedData",
        "ReturnAuthorisedData",
        "ReturnClosedData",
        "RefundIssuedData",
        "ClaimFiledData",
        "ClaimDecidedData",
    ):
        assert name in components, name
    assert set(components["Event"]["discriminator"]["mapping"]) >= {"message.received", "claim.decided"}
