"""Seller Central: sign-in, the shell, and the Orders list (docs/product.md, issue 2)."""

import pytest
from django.test import Client
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


def test_anonymous_seller_pages_redirect_to_seller_sign_in():
    for url in ["/seller/", "/seller/orders/", "/seller/orders/202-0697275-2144321/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/seller/signin/?next=")


def test_a_seller_signs_in_with_username_and_password(seller):
    factories.seller_user(seller, username="seller")
    client = Client()
    response = client.post(reverse("seller:signin"), {"username": "seller", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/seller/"
    page = client.get("/seller/")
    assert "Test UK Seller 4 Luca" in page.content.decode()


def test_a_wrong_password_shows_a_form_error_and_signs_nobody_in(seller):
    factories.seller_user(seller, username="seller")
    client = Client()
    response = client.post(reverse("seller:signin"), {"username": "seller", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/seller/").status_code == 302


def test_a_buyer_cannot_sign_in_to_seller_central(customer):
    response = Client().post(
        reverse("seller:signin"), {"username": customer.user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "not a Seller Central account" in response.content.decode()


def test_a_signed_in_buyer_gets_404_on_seller_pages(buyer_client):
    assert buyer_client.get("/seller/orders/").status_code == 404


def test_the_shell_shows_merchant_name_menu_and_search(seller_client):
    html = seller_client.get("/seller/").content.decode()
    assert "Test UK Seller 4 Luca" in html
    for label in ["ORDERS", "STOREFRONT", "PERFORMANCE", "SETTINGS"]:
        assert f"<summary>{label}</summary>" in html
    assert 'role="search"' in html
    assert 'href="/seller/orders/">Manage Orders' in html


def test_the_orders_list_shows_only_this_sellers_orders(seller, seller_client):
    mine = factories.order_with_items(seller=seller)
    theirs = factories.order_with_items()
    html = seller_client.get("/seller/orders/").content.decode()
    assert mine.order_id in html
    assert theirs.order_id not in html


def test_the_orders_list_is_searchable_by_order_id(seller, seller_client):
    wanted = factories.order_with_items(seller=seller, order_id="202-0697275-2144321")
    other = factories.order_with_items(seller=seller, order_id="203-4841771-0925113")
    html = seller_client.get("/seller/orders/", {"q": "202-0697275"}).content.decode()
    assert wanted.order_id in html
    assert other.order_id not in html


def test_the_orders_list_is_paginated_in_constant_queries(
    seller, seller_client, django_assert_max_num_queries
):
    for _ in range(30):
        factories.order_with_items(seller=seller, items=2)
    # session, user, seller account, count, orders page (joined), items (+product), marketplaces of the shell
    with django_assert_max_num_queries(8):
        first = seller_client.get("/seller/orders/")
    with django_assert_max_num_queries(8):
        second = seller_client.get("/seller/orders/", {"page": 2})
    assert first.content.decode().count('href="/seller/orders/202-') == 25
    assert second.content.decode().count('href="/seller/orders/202-') == 5
    assert "Page 2 of 2" in second.content.decode()


def test_another_sellers_order_is_404(seller_client):
    theirs = factories.order_with_items()
    assert seller_client.get(reverse("seller:order", args=[theirs.order_id])).status_code == 404


def test_the_order_page_never_shows_the_buyers_real_address(seller, seller_client):
    order = factories.order_with_items(seller=seller)
    html = seller_client.get(reverse("seller:order", args=[order.order_id])).content.decode()
    assert order.customer.name in html
    assert order.customer.email not in html


def test_sign_out_is_a_post(seller_client):
    response = seller_client.post(reverse("seller:signout"))
    assert response.status_code == 302
    assert seller_client.get("/seller/").status_code == 302
