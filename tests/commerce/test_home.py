"""The seller's home: today's to-dos, and the same counts as badges in the menu (docs/product.md)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce import navigation, todos
from returns.models import ReturnStatus

from .. import factories

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def _todo(html: str, label: str) -> str:
    """The home's card of one to-do."""
    match = re.search(rf'<li class="card todo[^"]*">\s*<h3[^>]*>{label}</h3>(.*?)</li>', html, re.S)
    assert match, label
    return match.group(1)


@pytest.fixture
def waiting_work(seller):
    """Two returns awaiting authorisation (the oldest asked 30 hours ago), one authorised; three
    buyer messages awaiting a response (the oldest 20 hours old), one answered; an open claim
    and an answered one; two negative feedbacks, a neutral and a positive one."""
    now = timezone.now()
    for hours in (30, 2):
        factories.ReturnRequestFactory(order__seller=seller, requested_at=now - hours * H)
    factories.ReturnRequestFactory(order__seller=seller, status=ReturnStatus.AUTHORISED)
    for hours in (20, 5, 1):
        factories.BuyerMessageFactory(order__seller=seller, sent_at=now - hours * H)
    factories.BuyerMessageFactory(order__seller=seller, responded_at=now)
    factories.ClaimFactory(order__seller=seller, filed_at=now - 3 * H)
    factories.ClaimFactory(order__seller=seller, seller_response="Sent", seller_responded_at=now)
    for rating in (1, 2, 3, 5):
        factories.OrderFeedbackFactory(order__seller=seller, rating=rating)
    return now


def test_the_home_lists_todays_to_dos_with_their_counts_and_the_oldest_deadline(seller_client, waiting_work):
    html = seller_client.get("/seller/").content.decode()

    returns = _todo(html, "Returns awaiting authorisation")
    assert '<p class="todo__count">2</p>' in returns
    assert re.search(r"Oldest due in 17 hours 59 minutes", returns)  # 48 hours from a request 30 hours old
    messages = _todo(html, "Buyer messages needing a response")
    assert '<p class="todo__count">3</p>' in messages
    assert re.search(r"Oldest due in 3 hours 59 minutes", messages)  # 24 hours from a message 20 hours old
    assert '<p class="todo__count">1</p>' in _todo(html, "A-to-z claims to answer")
    assert '<p class="todo__count">2</p>' in _todo(html, "Negative feedback to contact")


def test_an_overdue_oldest_row_says_so(seller, seller_client):
    factories.BuyerMessageFactory(order__seller=seller, sent_at=timezone.now() - 30 * H)
    assert "Oldest overdue since" in _todo(
        seller_client.get("/seller/").content.decode(), "Buyer messages needing a response"
    )


def test_with_nothing_waiting_every_to_do_reads_nothing_waiting(seller_client):
    html = seller_client.get("/seller/").content.decode()
    for label in [
        "Returns awaiting authorisation",
        "Buyer messages needing a response",
        "A-to-z claims to answer",
        "Negative feedback to contact",
    ]:
        card = _todo(html, label)
        assert "Nothing waiting" in card
        assert "<a " not in card


def test_each_to_do_is_one_click_from_its_list_filtered_to_exactly_those_rows(seller_client, waiting_work):
    html = seller_client.get("/seller/").content.decode()
    expected = {
        "Returns awaiting authorisation": 2,
        "Buyer messages needing a response": 3,
        "A-to-z claims to answer": 1,
        "Negative feedback to contact": 2,
    }
    for label, count in expected.items():
        href = re.search(r'<a href="([^"]+)"', _todo(html, label)).group(1).replace("&amp;", "&")
        page = seller_client.get(href)
        assert page.status_code == 200, href
        assert len(list(page.context["page"])) == count, href


def test_the_home_lists_the_to_dos_in_a_fixed_order(seller_client):
    html = seller_client.get("/seller/").content.decode()
    labels = re.findall(r'<h3 id="todo-[a-z]+">([^<]+)</h3>', html)
    assert labels == [
        "Returns awaiting authorisation",
        "Buyer messages needing a response",
        "A-to-z claims to answer",
        "Negative feedback to contact",
    ]


def test_a_link_reaches_rows_older_than_the_lists_usual_30_days(seller, seller_client):
    long_ago = timezone.now() - timedelta(days=45)
    factories.ReturnRequestFactory(order__seller=seller, requested_at=long_ago)
    factories.BuyerMessageFactory(order__seller=seller, sent_at=long_ago)
    html = seller_client.get("/seller/").content.decode()
    for label in ["Returns awaiting authorisation", "Buyer messages needing a response"]:
        href = re.search(r'<a href="([^"]+)"', _todo(html, label)).group(1).replace("&amp;", "&")
        assert len(list(seller_client.get(href).context["page"])) == 1, href


def test_the_to_dos_are_read_in_one_query_however_many_rows_wait(seller, django_assert_max_num_queries):
    now = timezone.now()
    factories.ReturnRequestFactory.create_batch(15, order__seller=seller, requested_at=now - H)
    for _ in range(15):
        factories.BuyerMessageFactory(order__seller=seller)
    factories.ClaimFactory.create_batch(5, order__seller=seller)
    factories.OrderFeedbackFactory.create_batch(5, order__seller=seller, rating=1)
    with django_assert_max_num_queries(1):
        counted = {todo.source.key: todo.count for todo in todos.for_seller(seller)}
    assert counted == {"messages": 15, "returns": 15, "claims": 5, "feedback": 5}


def test_a_page_with_the_menu_costs_the_same_queries_with_few_or_many_rows_waiting(seller, seller_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert seller_client.get("/seller/settings/account-info/").status_code == 200
        return len(captured)

    factories.ReturnRequestFactory(order__seller=seller)
    factories.BuyerMessageFactory(order__seller=seller)
    factories.ClaimFactory(order__seller=seller)
    few = queries()
    factories.ReturnRequestFactory.create_batch(10, order__seller=seller)
    for _ in range(10):
        factories.BuyerMessageFactory(order__seller=seller)
    factories.ClaimFactory.create_batch(3, order__seller=seller)
    assert queries() == few


def test_the_home_counts_once_for_the_to_dos_and_the_menu(seller_client, waiting_work):
    with CaptureQueriesContext(connection) as captured:
        seller_client.get("/seller/")
    assert sum("response_deadline" in query["sql"] for query in captured) == 1


def test_the_menu_shows_the_counts_as_badges_with_words_for_screen_readers(seller_client, waiting_work):
    html = seller_client.get("/seller/orders/").content.decode()
    assert re.search(r'Manage Returns <span class="badge"><span aria-hidden="true">2</span>'
                     r'<span class="visually-hidden">\(2 awaiting authorisation\)</span>', html)  # fmt: skip
    assert "(3 awaiting a response)" in html
    assert "(1 to answer)" in html
    assert "(2 to contact)" in html
    # The closed ORDERS menu shows returns and claims together.
    assert re.search(r'<summary>ORDERS <span class="badge" aria-hidden="true">3</span>', html)


def test_an_entry_with_nothing_waiting_has_no_badge(seller_client):
    assert 'class="badge"' not in seller_client.get("/seller/orders/").content.decode()


def test_the_menu_lists_only_pages_that_exist():
    entries = [entry for menu in navigation.seller_menu() for entry in menu.entries]
    assert entries and all(entry.url for entry in entries)
    assert all(menu.entries for menu in navigation.seller_menu())


def test_the_menu_html_has_no_greyed_out_entries(seller_client):
    html = seller_client.get("/seller/").content.decode()
    assert "Not available yet" not in html
    assert 'aria-disabled="true"' not in html


def test_open_menus_close_on_an_outside_click_and_on_escape(seller_client):
    html = seller_client.get("/seller/").content.decode()
    assert '<details class="sc-menu__group" data-menu>' in html
    script = (Path(settings.BASE_DIR) / "static" / "js" / "app.js").read_text()
    assert "details[data-menu][open]" in script
    assert '"Escape"' in script and 'addEventListener("click"' in script


def test_the_home_lists_the_latest_orders_in_one_query_without_their_items(seller, seller_client):
    # Given more orders than the home lists, each with items
    orders = [
        factories.order_with_items(items=2, seller=seller, placed_at=timezone.now() - timedelta(days=n))
        for n in range(7)
    ]
    # When the home is shown
    with CaptureQueriesContext(connection) as captured:
        html = seller_client.get("/seller/").content.decode()
    # Then the five newest link to their pages, and neither items nor products were read
    for order in orders[:5]:
        assert f'<a href="/seller/orders/{order.order_id}/">{order.order_id}</a>' in html
    assert orders[5].order_id not in html
    read = " ".join(query["sql"] for query in captured)
    assert "commerce_orderitem" not in read and "commerce_product" not in read
