"""The inbox sorted oldest first (``?sort=sent``): the same keyset pages, walked the other way."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from messaging import selectors, services

from .. import factories

pytestmark = pytest.mark.django_db


def _conversation(seller, *, days_ago=0):
    order = factories.order_with_items(seller=seller)
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return services.contact_seller(order=order, subject="enquiry", body="Where is it?")


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/seller/messages/threads/\d+/#message-(\d+)"', html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_oldest_first_walks_every_message_once_in_order_at_constant_cost(
    seller, seller_client, django_assert_max_num_queries
):
    same_moment = timezone.now() - timedelta(hours=5)
    with time_machine.travel(same_moment, tick=False):
        for _ in range(7):  # several sharing one timestamp: the cursor's id breaks the tie
            _conversation(seller)
    for n in range(53):
        _conversation(seller, days_ago=n % 20)
    newest_first = [
        str(pk)
        for pk in selectors.inbox(seller, since=timezone.now() - timedelta(days=30)).values_list(
            "pk", flat=True
        )
    ]
    seen, pages, url = [], [], "/seller/messages/?sort=sent"
    while url:
        with django_assert_max_num_queries(8):  # as newest first: a deep page costs what the first does
            html = seller_client.get(url).content.decode()
        pages.append(html)
        seen += _rows(html)
        newer = _link(html, "next")
        url = f"/seller/messages/{newer}" if newer else None
    assert seen == newest_first[::-1]
    assert [len(_rows(page)) for page in pages] == [25, 25, 10]
    assert 'rel="prev">\u2039 Older' in pages[1] and 'rel="next">Newer \u203a' in pages[1]
    # "Older" from the last page gives the middle page back, then the first page.
    middle = seller_client.get("/seller/messages/" + _link(pages[2], "prev")).content.decode()
    assert _rows(middle) == _rows(pages[1])
    first = seller_client.get("/seller/messages/" + _link(middle, "prev")).content.decode()
    assert _rows(first) == _rows(pages[0]) and _link(first, "prev") is None


def test_the_date_header_flips_the_order_and_keeps_the_filters(seller, seller_client):
    for _ in range(30):
        _conversation(seller)
    html = seller_client.get(
        "/seller/messages/", {"direction": "received", "awaiting": "on", "sort": "sent"}
    ).content.decode()
    header = re.search(r'<th scope="col" aria-sort="ascending" class="sortable"><a href="([^"]+)">Date', html)
    assert header.group(1) == "?direction=received&amp;awaiting=on&amp;sort=-sent"
    assert '<input type="hidden" name="sort" value="sent">' in html
    # The page links keep the order; a new order starts on its first page (no cursor kept)
    newer = _link(html, "next")
    assert "sort=sent" in newer and "before=" not in newer
    deeper = seller_client.get("/seller/messages/" + newer).content.decode()
    flip = re.search(r'aria-sort="ascending" class="sortable"><a href="([^"]+)">', deeper).group(1)
    assert "after=" not in flip and "before=" not in flip


def test_the_order_alone_keeps_the_inbox_on_what_awaits_a_response(seller, seller_client):
    waiting = _conversation(seller, days_ago=2)
    answered = _conversation(seller, days_ago=1)
    services.reply_to_thread(thread=answered.thread, body="Here it is.")
    html = seller_client.get("/seller/messages/", {"sort": "sent"}).content.decode()
    assert _rows(html) == [str(waiting.pk)]


def test_an_unknown_order_is_ignored(seller, seller_client):
    older, newer = _conversation(seller, days_ago=2), _conversation(seller, days_ago=1)
    response = seller_client.get("/seller/messages/", {"sort": "subject"})
    assert response.status_code == 200 and _rows(response.content.decode()) == [str(newer.pk), str(older.pk)]
