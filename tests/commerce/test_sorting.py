"""Sortable lists: a whitelist of ``?sort=`` values, headers that link to the other order with
aria-sort on the sorted column, filters and pagination kept; Manage Orders sorted by each."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from commerce.selectors import ORDER_SORTING, orders_for_seller
from commerce.sorting import Column, Sorting

from .. import factories

SORTING = Sorting(
    columns=(
        Column("placed", "Order date", ("placed_at",), first_descending=True),
        Column("order_id", "Order ID", ("order_id",)),
        Column("return_by", "Return by", ("return_by",), one_way=True, nullable=True),
    ),
    default="-placed",
)


@pytest.mark.parametrize(
    "asked, read",
    [
        (None, "-placed"),
        ("", "-placed"),
        ("placed", "placed"),
        ("-order_id", "-order_id"),
        ("return_by", "return_by"),
        ("-return_by", "-placed"),  # offered one way only
        ("customer__user__password", "-placed"),  # never a column from the URL
        ("--placed", "-placed"),
        ("placed_at", "-placed"),
    ],
)
def test_only_whitelisted_sorts_are_read(asked, read):
    assert SORTING.read(asked) == read


def test_each_order_ends_on_the_primary_key_and_keeps_nulls_last_where_they_can_be():
    assert [str(o) for o in SORTING.order_by("-placed")] == [
        "OrderBy(F(placed_at), descending=True)",
        "OrderBy(F(pk), descending=True)",
    ]
    assert SORTING.order_by("return_by")[0].nulls_last
    assert not SORTING.order_by("placed")[0].nulls_last  # NOT NULL: its index serves the order


def test_the_header_links_flip_the_sorted_column_and_keep_the_other_parameters():
    links = SORTING.links(QueryDict("q=202&page=3&sort=-placed"), "-placed")
    placed, order_id, return_by = links
    assert (placed.aria_sort, placed.url) == ("descending", "?q=202&sort=placed")
    assert (order_id.aria_sort, order_id.url) == ("", "?q=202&sort=order_id")
    assert return_by.url == "?q=202&sort=return_by"
    flipped = SORTING.links(QueryDict("sort=order_id"), "order_id")
    assert (flipped[1].aria_sort, flipped[1].url) == ("ascending", "?sort=-order_id")
    one_way = SORTING.links(QueryDict("sort=return_by"), "return_by")
    assert one_way[2].url == "?sort=return_by"


# --- Manage Orders ------------------------------------------------------------------------------
@pytest.fixture
def orders(seller):
    now = timezone.now()
    return {
        name: factories.OrderFactory(
            seller=seller, order_id=order_id, total=Decimal(total), placed_at=now - timedelta(days=days)
        )
        for name, order_id, total, days in [
            ("old_cheap", "203-0000001-0000001", "5.00", 9),
            ("new_dear", "202-0000002-0000002", "90.00", 1),
            ("mid", "204-0000003-0000003", "40.00", 4),
        ]
    }


def listed(html: str) -> list[str]:
    return re.findall(r'<a class="order-id" href="/seller/orders/([0-9-]+)/"', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sort, expected",
    [
        (None, ["new_dear", "mid", "old_cheap"]),
        ("-placed", ["new_dear", "mid", "old_cheap"]),
        ("placed", ["old_cheap", "mid", "new_dear"]),
        ("order_id", ["new_dear", "old_cheap", "mid"]),
        ("-order_id", ["mid", "old_cheap", "new_dear"]),
        ("total", ["old_cheap", "mid", "new_dear"]),
        ("-total", ["new_dear", "mid", "old_cheap"]),
        ("customer__name", ["new_dear", "mid", "old_cheap"]),  # unknown: the default order
    ],
)
def test_manage_orders_sorts_by_each_whitelisted_column(seller_client, orders, sort, expected):
    response = seller_client.get("/seller/orders/", {"sort": sort} if sort else {})
    assert response.status_code == 200
    assert listed(response.content.decode()) == [orders[name].order_id for name in expected]


@pytest.mark.django_db
def test_manage_orders_headers_say_how_the_list_is_sorted(seller_client, orders):
    html = seller_client.get("/seller/orders/", {"sort": "total", "q": "20"}).content.decode()
    assert (
        '<th scope="col" aria-sort="ascending" class="sortable num"><a href="?sort=-total&amp;q=20">' in html
    )
    assert '<th scope="col" class="sortable"><a href="?sort=-placed&amp;q=20">Order date</a></th>' in html
    assert html.count("aria-sort=") == 1
    # The search box keeps the order
    assert '<input type="hidden" name="sort" value="total">' in html
    default = seller_client.get("/seller/orders/").content.decode()
    assert 'aria-sort="descending" class="sortable"><a href="?sort=placed">Order date' in default


@pytest.mark.django_db
def test_manage_orders_pages_keep_the_sort_in_constant_queries(
    seller, seller_client, django_assert_max_num_queries
):
    for _ in range(30):
        factories.order_with_items(seller=seller, items=2)
    # session, user, seller account, count, orders page (joined), items (+product), marketplaces of the shell
    with django_assert_max_num_queries(8):
        first = seller_client.get("/seller/orders/", {"sort": "total"}).content.decode()
    with django_assert_max_num_queries(8):
        second = seller_client.get("/seller/orders/", {"sort": "total", "page": 2}).content.decode()
    assert len(listed(first)) == 25 and len(listed(second)) == 5
    assert 'href="?sort=total&amp;page=2" rel="next"' in first
    assert set(listed(first)).isdisjoint(listed(second))


def assert_ordered_by_an_index(queryset) -> None:
    """PostgreSQL reads the rows in the list's order from an index: with sorting priced out
    (``enable_sort``), its plan still needs no Sort step."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_sort")
        cursor.execute("RESET enable_seqscan")
    assert "Sort" not in plan and "Index" in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("sort", [f"{d}{c.key}" for c in ORDER_SORTING.columns for d in ("", "-")])
def test_every_sort_of_manage_orders_is_read_from_an_index(seller, sort):
    assert_ordered_by_an_index(orders_for_seller(seller, sort=sort)[:25])
