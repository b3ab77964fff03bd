"""The API skeleton of docs/api.md: token sign-in and the buyer's orders."""

import pytest
from rest_framework.test import APIClient

from .. import factories

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_username_and_password_and_then_authenticates(customer):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": customer.user.username, "password": factories.PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/buyer/orders/").status_code == 200


def test_wrong_credentials_are_a_400_with_the_reason(customer):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": customer.user.username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_anonymous_requests_are_401():
    assert APIClient().get("/api/v1/buyer/orders/").status_code == 401


def test_a_seller_is_refused_the_buyer_endpoints(seller):
    client = APIClient()
    client.force_authenticate(factories.seller_user(seller))
    assert client.get("/api/v1/buyer/orders/").status_code == 403


def test_buyer_orders_follow_the_contract(customer):
    order = factories.order_with_items(customer=customer, items=2, order_id="202-0697275-2144321")
    factories.order_with_items()  # someone else's
    client = APIClient()
    client.force_authenticate(customer.user)
    body = client.get("/api/v1/buyer/orders/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    row = body["results"][0]
    assert {"id", "order_id", "marketplace", "placed_at", "seller_name", "total", "currency", "items"} <= set(
        row
    )
    assert row["order_id"] == "202-0697275-2144321"
    assert row["marketplace"] == "uk"
    assert row["seller_name"] == order.seller.name
    assert (row["total"], row["currency"]) == ("12.98", "GBP")
    assert row["placed_at"].endswith(("Z", "+00:00"))
    item = order.items.first()
    assert row["items"][0] == {
        "id": item.id,
        "asin": item.product.asin,
        "sku": item.product.sku,
        "title": item.product.title,
        "quantity": 1,
        "unit_price": "6.49",
        "returnable_quantity": 1,
    }


def test_buyer_orders_are_paginated_in_constant_queries(customer, django_assert_max_num_queries):
    for _ in range(30):
        factories.order_with_items(customer=customer, items=2)
    client = APIClient()
    client.force_authenticate(customer.user)
    # customer, count, orders (joined), items (+product), quantities held by returns
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/buyer/orders/").json()
    assert (body["count"], len(body["results"])) == (30, 25)
    assert "?cursor=" in body["next"]  # the next page by its position (numbered pages on page=)
