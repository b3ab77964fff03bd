"""Manage Inventory: the seller's products with units sold, units returned and the return
rate; searchable, sortable, paginated (docs/product.md, "Manage Inventory")."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commerce.models import Order
from returns import services as returns

from .. import factories

pytestmark = pytest.mark.django_db

# A 1x1 PNG: the smallest image a product can have.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63"
    "f8cfc0f01f0005000201a5d1c7e40000000049454e44ae426082"
)


def inventory(client, **params) -> str:
    response = client.get(reverse("seller:inventory"), params)
    assert response.status_code == 200
    return response.content.decode()


def sell(product, quantity: int, *, status=Order.Status.DELIVERED):
    order = factories.OrderFactory(seller=product.seller, status=status)
    return factories.OrderItemFactory(order=order, product=product, quantity=quantity)


def take_back(item, quantity: int, *, authorise: bool = True):
    """The buyer asks to return ``quantity`` of ``item``; the seller authorises it."""
    request, _ = returns.request_return(
        order=item.order,
        customer=item.order.customer,
        items=[returns.RequestedItem(item.pk, quantity, "defective", "")],
    )
    if authorise:
        returns.authorise_return(return_request=request, actor=None)
    return request


@pytest.fixture(autouse=True)
def _return_address(seller):
    factories.return_address(seller)


def titles_in_order(html: str) -> list[str]:
    return re.findall(r"<td>(Product [A-Z])</td>", html)


def test_the_menu_has_an_inventory_group_with_manage_inventory(seller_client):
    html = seller_client.get(reverse("seller:home")).content.decode()
    assert "<summary>INVENTORY</summary>" in html
    assert f'href="{reverse("seller:inventory")}">Manage Inventory' in html


def test_each_product_shows_its_asin_sku_title_category_and_figures(seller, seller_client):
    card = factories.ProductFactory(seller=seller, asin="B0000F2F36", sku="KING-8GB", title="Product A")
    factories.ProductFactory(seller=seller, title="Product B", is_returnable=False)
    factories.ProductFactory(title="Someone else's product")
    item = sell(card, 4)
    take_back(item, 1)
    sell(card, 5, status=Order.Status.CANCELLED)  # a cancelled order sold nothing
    html = inventory(seller_client)
    assert "B0000F2F36" in html and "KING-8GB" in html
    assert "Someone else" not in html
    row = html[html.index("B0000F2F36") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["4", "1", "25%"]
    assert titles_in_order(html) == ["Product A", "Product B"]
    never_sold = html[html.index("Product B") :].split("</tr>")[0]
    assert "<td>No <span" in never_sold and '<td class="num">--</td>' in never_sold


def test_only_authorised_or_refunded_returns_count_as_returned(seller, seller_client):
    product = factories.ProductFactory(seller=seller, title="Product A")
    take_back(sell(product, 1), 1, authorise=False)  # still waiting for the seller
    refunded = take_back(sell(product, 1), 1)
    returns.issue_refund(return_request=refunded, actor=None, idempotency_key="k", amount=Decimal("6.49"))
    html = inventory(seller_client)
    row = html[html.index("Product A") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["2", "1", "50%"]


@pytest.fixture
def three_products(seller):
    """A sells 10 and 1 comes back (10%); B sells 2, 1 back (50%); C sells nothing."""
    a = factories.ProductFactory(seller=seller, title="Product A", sku="AAA-1", asin="B00000000A")
    b = factories.ProductFactory(seller=seller, title="Product B", sku="BBB-1", asin="B00000000B")
    factories.ProductFactory(seller=seller, title="Product C", sku="CCC-1", asin="B00000000C")
    take_back(sell(a, 10), 1)
    take_back(sell(b, 2), 1)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Product A", "Product B", "Product C"]),
        ("-title", ["Product C", "Product B", "Product A"]),
        ("-units_sold", ["Product A", "Product B", "Product C"]),
        ("units_sold", ["Product C", "Product B", "Product A"]),
        ("-return_rate", ["Product B", "Product A", "Product C"]),  # never sold: last either way
        ("return_rate", ["Product A", "Product B", "Product C"]),
    ],
)
def test_the_list_sorts_by_title_units_sold_or_return_rate(seller_client, three_products, sort, expected):
    assert titles_in_order(inventory(seller_client, sort=sort)) == expected


def test_the_sorted_column_says_so_to_screen_readers_and_its_link_reverses_it(seller_client, three_products):
    html = inventory(seller_client, sort="-return_rate")
    assert re.search(r'aria-sort="descending" class="sortable num"><a href="\?sort=return_rate">', html)
    assert re.search(r'<th scope="col" class="sortable num"><a href="\?sort=-units_sold">', html)
    assert re.search(r'<th scope="col" class="sortable"><a href="\?sort=title">', html)


def test_an_unknown_sort_is_ignored_and_the_list_keeps_its_title_order(seller_client, three_products):
    # As on every sortable list (commerce.sorting): an old bookmark or an edited link still shows the list.
    response = seller_client.get(reverse("seller:inventory"), {"sort": "price; DROP TABLE"})
    assert response.status_code == 200
    assert titles_in_order(response.content.decode()) == ["Product A", "Product B", "Product C"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("b00000000b", ["Product B"]),  # an ASIN, in any case
        ("CCC", ["Product C"]),  # the start of a SKU
        ("duct a", ["Product A"]),  # part of a title
        ("nothing like it", []),
    ],
)
def test_the_list_is_searchable_by_asin_sku_or_title(seller_client, three_products, search, expected):
    html = inventory(seller_client, q=search)
    assert titles_in_order(html) == expected
    if not expected:
        assert "No products match this search." in html


@pytest.mark.parametrize("products", [3, 30])
def test_the_list_is_paginated_in_constant_queries(
    seller, seller_client, products, django_assert_num_queries
):
    for n in range(products):
        product = factories.ProductFactory(seller=seller)
        take_back(sell(product, 2), 1) if n % 3 == 0 else sell(product, 1)
    # session, user, seller membership, the menu's to-dos, the count, the page's products
    # (units sold and returned annotated)
    with django_assert_num_queries(6):
        html = inventory(seller_client)
    assert html.count("<tr>") - 1 == min(products, 25)  # the header's row, then the products
    if products > 25:
        with django_assert_num_queries(6):
            second = inventory(seller_client, page=2)
        assert "Page 2 of 2" in second


def test_a_product_image_shows_to_its_seller_only(seller, seller_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = factories.ProductFactory(
        seller=seller, image=SimpleUploadedFile("card.png", PNG, content_type="image/png")
    )
    plain = factories.ProductFactory(seller=seller)
    html = inventory(seller_client)
    url = reverse("seller:product_image", args=[product.pk])
    assert f'src="{url}"' in html
    response = seller_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert seller_client.get(reverse("seller:product_image", args=[plain.pk])).status_code == 404
    other = factories.seller_user(factories.SellerAccountFactory())
    seller_client.force_login(other)
    assert seller_client.get(url).status_code == 404


def test_a_product_image_whose_file_is_gone_is_a_404(seller, seller_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = factories.ProductFactory(seller=seller, image="products/lost.png")
    assert seller_client.get(reverse("seller:product_image", args=[product.pk])).status_code == 404
