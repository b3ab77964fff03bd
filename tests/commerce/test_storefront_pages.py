"""The storefront's "Your orders" and order details, as the seed shows them."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


def test_a_buyer_signs_in_and_lands_on_your_orders(customer):
    client = Client()
    response = client.post(
        reverse("storefront:signin"), {"username": customer.user.username, "password": factories.PASSWORD}
    )
    assert response["Location"] == "/orders/"
    assert "Your orders" in client.get("/orders/").content.decode()


def test_a_seller_cannot_sign_in_to_the_storefront(seller):
    user = factories.seller_user(seller)
    response = Client().post(
        reverse("storefront:signin"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert "no storefront orders" in response.content.decode()


def test_anonymous_buyers_are_sent_to_sign_in():
    response = Client().get("/orders/")
    assert response["Location"] == "/signin/?next=/orders/"


def test_the_home_page_invites_anonymous_visitors_to_sign_in():
    html = Client().get("/").content.decode()
    assert 'href="/signin/"' in html


def test_your_orders_shows_the_seed_order_card(customer, buyer_client):
    order = factories.order_with_items(customer=customer, order_id="202-0697275-2144321", tracking_number="")
    item = order.items.get()
    item.unit_price = Decimal("0.04")
    item.save()
    order.total = Decimal("0.04")
    order.save()
    html = buyer_client.get("/orders/").content.decode()
    for text in [
        "ORDER PLACED",
        "ORDER #",
        "202-0697275-2144321",
        "RECIPIENT",
        "TOTAL",
        "£0.04",
        "DELIVERY ESTIMATE",
        "No tracking information.",
        f"Sold by: {order.seller.name}",
        "Contact seller",
        "File/View Claim",
        "Return items",
        item.product.title,
    ]:
        assert text in html, text


def test_order_details_shows_tracking_when_there_is_one(customer, buyer_client):
    order = factories.order_with_items(customer=customer, tracking_number="QH417362385GB")
    html = buyer_client.get(reverse("storefront:order", args=[order.order_id])).content.decode()
    assert "Tracking number: QH417362385GB" in html
    assert "Order Details" in html


def test_another_buyers_order_is_404(buyer_client):
    theirs = factories.order_with_items()
    assert buyer_client.get(reverse("storefront:order", args=[theirs.order_id])).status_code == 404


def test_your_orders_is_paginated_in_constant_queries(customer, buyer_client, django_assert_max_num_queries):
    for _ in range(12):
        factories.order_with_items(customer=customer, items=2)
    # session, user, customer, count, orders (joined), items (+product)
    with django_assert_max_num_queries(7):
        page_one = buyer_client.get("/orders/").content.decode()
    with django_assert_max_num_queries(7):
        page_two = buyer_client.get("/orders/", {"page": 2}).content.decode()
    assert page_one.count("ORDER PLACED") == 10
    assert page_two.count("ORDER PLACED") == 2


def test_pages_load_no_asset_from_another_host(customer, buyer_client):
    factories.order_with_items(customer=customer)
    for client, url in [(Client(), "/"), (Client(), "/signin/"), (buyer_client, "/orders/")]:
        html = client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        assert "/static/css/app.css" in html
