"""The seller's orders in the API: with items, the buyer by name and masked address only, the
lists' instant filters and cursor pages, one query count however many orders."""

import pytest
from rest_framework.test import APIClient

from messaging import services

from .. import factories
from .conftest import BUYER_REAL

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/seller/orders/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))  # a fresh user: nothing cached
    return client


@pytest.fixture
def seller_api(order):
    return api_as(order.seller.users.get())


def test_an_order_shows_its_items_and_the_buyer_masked(order, seller_api):
    thread = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?").thread
    response = seller_api.get(ORDERS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["order_id"] == order.order_id
    assert (row["marketplace"], row["buyer_name"]) == ("uk", "Luca de Pasqua")
    assert row["buyer_address"] == thread.buyer_alias.address
    assert BUYER_REAL not in response.content.decode()
    item = order.items.get()
    assert row["items"] == [
        {
            "id": item.pk,
            "asin": "B0000F2F36",
            "sku": item.product.sku,
            "title": "Kingston - Flash memory card - 8 GB - Class 4 - SDHC",
            "quantity": 1,
            "unit_price": "6.49",
        }
    ]
    assert row["updated_at"].endswith("Z")
    assert seller_api.get(f"{ORDERS}{order.order_id}/").json() == row


def test_a_buyer_who_never_wrote_has_no_masked_address_yet(order, seller_api):
    [row] = seller_api.get(ORDERS).json()["results"]
    assert row["buyer_address"] is None and row["buyer_name"] == "Luca de Pasqua"


def test_another_sellers_order_is_not_found_and_not_listed(order, seller_api):
    other = factories.order_with_items()
    assert seller_api.get(f"{ORDERS}{other.order_id}/").status_code == 404
    assert [row["order_id"] for row in seller_api.get(ORDERS).json()["results"]] == [order.order_id]


def test_buyers_are_refused(order):
    assert api_as(order.customer.user).get(ORDERS).status_code == 403


def test_orders_filter_by_instants_and_walk_by_cursor(order, seller_api):
    later = [factories.order_with_items(seller=order.seller) for _ in range(4)]
    placed = order.placed_at.isoformat()
    response = seller_api.get(ORDERS, {"created_before": placed, "page_size": 2})
    assert response.json()["count"] == 0
    first = seller_api.get(ORDERS, {"created_after": placed, "page_size": 2}).json()
    second = seller_api.get(first["next"]).json()
    third = seller_api.get(second["next"]).json()
    walked = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert sorted(walked) == sorted([order.pk, *(o.pk for o in later)]) and third["next"] is None


def test_the_list_costs_the_same_queries_for_2_or_25_orders(order, django_assert_num_queries):
    user = order.seller.users.get()
    for size in (2, 25):
        while order.seller.orders.count() < size:
            buyer = factories.CustomerFactory()
            extra = factories.order_with_items(seller=order.seller, customer=buyer, items=2)
            services.contact_seller(order=extra, subject="enquiry", body="Hello")
        client = api_as(user)
        # membership, count, orders (with marketplace, seller, buyer), items (with products),
        # the buyers' masked addresses (with their marketplaces)
        with django_assert_num_queries(5):
            body = client.get(ORDERS).json()
        assert len(body["results"]) == size
        assert all(row["buyer_address"] for row in body["results"] if row["id"] != order.pk)
