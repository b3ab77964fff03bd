"""Seller Central's Messages pages: inbox, thread, alternate addresses (docs/messaging.md)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from messaging import selectors, services
from messaging.models import AlternateAddress, Message

from .. import factories

pytestmark = pytest.mark.django_db
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script><svg onload=alert(3)>'


def _conversation(seller, *, buyer_name="Jan Smit", days_ago=0, body="Where is it?"):
    customer = factories.CustomerFactory(name=buyer_name)
    order = factories.order_with_items(seller=seller, customer=customer)
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return services.contact_seller(order=order, subject="enquiry", body=body)


def test_the_inbox_lists_received_messages_of_the_last_30_days(seller, seller_client):
    recent = _conversation(seller, buyer_name="Recent Buyer", days_ago=2)
    _conversation(seller, buyer_name="Old Buyer", days_ago=45)
    html = seller_client.get("/seller/messages/").content.decode()
    for column in ["Sender", "Subject", "Reference"]:
        assert f'<th scope="col">{column}</th>' in html
    # Newest first: the date's header says so and links to the other order
    assert '<th scope="col" aria-sort="descending" class="sortable"><a href="?sort=sent">Date' in html
    assert "Recent Buyer" in html and "Old Buyer" not in html
    assert recent.thread.order.order_id in html
    assert "7 day average response time" in html
    assert 'href="/seller/messages/alternate-addresses/">Alternate Address' in html


def test_the_sent_tab_shows_the_sellers_replies(seller, seller_client):
    message = _conversation(seller)
    services.reply_to_thread(thread=message.thread, body="On its way")
    sent = seller_client.get("/seller/messages/", {"direction": "sent"}).content.decode()
    received = seller_client.get("/seller/messages/").content.decode()
    assert "Re: Enquiry" in sent
    assert "Re: Enquiry" not in received


def test_the_inbox_opens_on_what_needs_a_response_and_its_tab_shows_every_received(seller, seller_client):
    waiting = _conversation(seller, buyer_name="Waiting Buyer")
    answered = _conversation(seller, buyer_name="Answered Buyer")
    services.reply_to_thread(thread=answered.thread, body="done")
    opened = seller_client.get("/seller/messages/").content.decode()
    assert waiting.sender_name in opened and "Answered Buyer" not in opened
    assert re.search(r'<input type="checkbox" name="awaiting" value="on"\s+checked>', opened)
    received = seller_client.get("/seller/messages/", {"direction": "received"}).content.decode()
    assert "Waiting Buyer" in received and "Answered Buyer" in received


def test_the_default_views_next_page_still_shows_only_what_awaits_a_response(
    seller, seller_client, monkeypatch
):
    monkeypatch.setattr("messaging.inbox.MESSAGES_PER_PAGE", 1)
    older = _conversation(seller, buyer_name="Older Waiting", days_ago=3)
    answered = _conversation(seller, buyer_name="Answered Buyer", days_ago=2)
    services.reply_to_thread(thread=answered.thread, body="done")
    _conversation(seller, buyer_name="Newest Waiting", days_ago=1)
    first = seller_client.get("/seller/messages/").content.decode()
    assert "Newest Waiting" in first
    older_link = re.search(r'<a class="button button--secondary" href="([^"]+)" rel="next">', first).group(1)
    second = seller_client.get("/seller/messages/" + older_link.replace("&amp;", "&")).content.decode()
    assert older.sender_name in second and "Answered Buyer" not in second


def test_awaiting_response_filter(seller, seller_client):
    waiting = _conversation(seller, buyer_name="Waiting Buyer")
    answered = _conversation(seller, buyer_name="Answered Buyer")
    services.reply_to_thread(thread=answered.thread, body="done")
    html = seller_client.get("/seller/messages/", {"awaiting": "on"}).content.decode()
    assert waiting.sender_name in html and "Answered Buyer" not in html


@pytest.mark.parametrize("how", ["order_id", "order_prefix", "asin", "masked_address"])
def test_one_search_box_for_order_id_asin_or_address(seller, seller_client, how):
    wanted = _conversation(seller, buyer_name="Wanted Buyer")
    _conversation(seller, buyer_name="Other Buyer")
    order = wanted.thread.order
    term = {
        "order_id": order.order_id,
        "order_prefix": order.order_id[:11],
        "asin": order.items.get().product.asin.lower(),
        "masked_address": wanted.thread.buyer_alias.address.upper(),
    }[how]
    html = seller_client.get("/seller/messages/", {"q": term}).content.decode()
    assert "Wanted Buyer" in html and "Other Buyer" not in html


def test_a_real_buyer_address_finds_nothing(seller, seller_client):
    message = _conversation(seller, buyer_name="Private Buyer")
    html = seller_client.get("/seller/messages/", {"q": message.thread.customer.email}).content.decode()
    assert "Private Buyer" not in html


def test_a_bad_date_range_is_a_form_error(seller, seller_client):
    html = seller_client.get(
        "/seller/messages/", {"since": "2026-11-20", "until": "2026-11-01"}
    ).content.decode()
    assert "The end date must be on or after the start date." in html


def test_the_inbox_runs_in_constant_queries(seller, seller_client, django_assert_max_num_queries):
    for _ in range(3):
        _conversation(seller)
    # session, user, seller, count, page of messages (joined), 7-day average (2: its settled
    # hours from the roll-up, the rest live)
    with django_assert_max_num_queries(8):  # +1: the menu's to-do badges
        seller_client.get("/seller/messages/")
    for _ in range(30):
        _conversation(seller)
    with django_assert_max_num_queries(8):  # +1: the menu's to-do badges
        page = seller_client.get("/seller/messages/").content.decode()
    assert page.count("/seller/messages/threads/") == 25


def test_the_thread_page_shows_messages_order_and_reply_box_in_constant_queries(
    seller, seller_client, django_assert_max_num_queries
):
    message = _conversation(seller)
    url = reverse("messaging:thread", args=[message.thread_id])
    with django_assert_max_num_queries(10):  # +1: the menu's to-do badges
        seller_client.get(url)
    for n in range(10):
        services.reply_to_thread(thread=message.thread, body=f"reply {n}")
    # session, user, seller, thread (joined), messages, attachments, order items
    with django_assert_max_num_queries(10):  # +1: the menu's to-do badges
        html = seller_client.get(url).content.decode()
    assert "Where is it?" in html and "reply 9" in html
    assert message.thread.order.order_id in html
    assert "Mark as no response needed (optional)" in html
    assert 'data-counter="4000"' in html
    assert message.thread.customer.email not in html


def test_another_sellers_thread_is_404(seller_client):
    theirs = _conversation(factories.SellerAccountFactory())
    assert seller_client.get(reverse("messaging:thread", args=[theirs.thread_id])).status_code == 404
    assert seller_client.post(reverse("messaging:no_response_needed", args=[theirs.pk])).status_code == 404


def test_a_buyers_script_never_reaches_the_sellers_page_as_markup(seller, seller_client):
    message = _conversation(seller, buyer_name=XSS, body=XSS)
    for url in ["/seller/messages/", reverse("messaging:thread", args=[message.thread_id])]:
        html = seller_client.get(url).content.decode()
        assert "<script>alert(2)" not in html
        assert "<img src=x" not in html and "<svg onload" not in html
        assert "&lt;script&gt;" in html


def test_alternate_addresses_are_added_listed_and_removed(seller, seller_client):
    url = reverse("messaging:alternate_addresses")
    assert seller_client.post(url, {"email": "Help@Shop.example"}).status_code == 302
    assert "help@shop.example" in seller_client.get(url).content.decode()
    duplicate = seller_client.post(url, {"email": "help@shop.example"})
    assert duplicate.status_code == 400 and "already registered" in duplicate.content.decode()
    bad = seller_client.post(url, {"email": "not-an-address"})
    assert bad.status_code == 400 and "Enter a valid email address" in bad.content.decode()
    masked = seller_client.post(url, {"email": "abc@marketplace.uk.sellercentral.test"})
    assert masked.status_code == 400
    address = AlternateAddress.objects.get()
    seller_client.post(reverse("messaging:remove_alternate_address", args=[address.pk]))
    assert not AlternateAddress.objects.exists()


def test_buyers_see_their_emails_with_the_seller_on_the_order(seller, buyer_client, customer):
    order = factories.order_with_items(seller=seller, customer=customer)
    message = services.contact_seller(order=order, subject="enquiry", body="Question from me")
    services.reply_to_thread(thread=message.thread, body="Answer from the seller")
    html = buyer_client.get(reverse("messaging:order_messages", args=[order.order_id])).content.decode()
    assert "Question from me" in html and "Answer from the seller" in html
    assert "Awaiting response" not in html
    order_page = buyer_client.get(reverse("storefront:order", args=[order.order_id])).content.decode()
    assert f'href="/orders/{order.order_id}/contact/"' in order_page


def _rows(html: str) -> list[str]:
    return re.findall(r"/seller/messages/threads/\d+/#message-(\d+)", html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_older_and_newer_pages_walk_every_message_once_in_order_at_constant_cost(
    seller, seller_client, django_assert_max_num_queries
):
    # 60 messages, several sharing one timestamp: the cursor's id breaks the tie.
    same_moment = timezone.now() - timedelta(hours=5)
    with time_machine.travel(same_moment, tick=False):
        tied = [_conversation(seller).pk for _ in range(7)]
    for n in range(53):
        _conversation(seller, days_ago=n % 20)
    expected = [
        str(pk)
        for pk in selectors.inbox(seller, since=timezone.now() - timedelta(days=30)).values_list(
            "pk", flat=True
        )
    ]
    seen, pages, url = [], [], "/seller/messages/"
    while url:
        with django_assert_max_num_queries(
            8
        ):  # +1 the menu's badges, +1 the 7-day average's roll-up; a deep page costs what the first one does
            html = seller_client.get(url).content.decode()
        pages.append(html)
        seen += _rows(html)
        older = _link(html, "next")
        url = f"/seller/messages/{older}" if older else None
    assert seen == expected and len(seen) == 60 and set(map(str, tied)) <= set(seen)
    assert [len(_rows(page)) for page in pages] == [25, 25, 10]
    assert "60 messages" in pages[2]
    # "Newer" from the last page gives the middle page back, then the first page.
    middle = seller_client.get("/seller/messages/" + _link(pages[2], "prev")).content.decode()
    assert _rows(middle) == _rows(pages[1])
    first = seller_client.get("/seller/messages/" + _link(middle, "prev")).content.decode()
    assert _rows(first) == _rows(pages[0]) and _link(first, "prev") is None


@pytest.mark.parametrize(
    "cursor", ["x", "12.", ".5", "1" * 40 + ".1", "-5.3", "1e9.2", "\u00b2.1", "999999999999999999.1"]
)
def test_a_malformed_cursor_shows_the_first_page_and_says_so(seller, seller_client, cursor):
    for _ in range(30):
        _conversation(seller)
    first = _rows(seller_client.get("/seller/messages/").content.decode())
    response = seller_client.get("/seller/messages/", {"before": cursor})
    html = response.content.decode()
    assert response.status_code == 400 and _rows(html) == first
    assert "This link to a page of the list is not valid: showing the first page." in html


def test_a_big_inbox_says_more_than_the_count_cap(seller, seller_client, settings, monkeypatch):
    from messaging import inbox

    monkeypatch.setattr(inbox, "MESSAGE_COUNT_CAP", 5)
    for _ in range(6):
        _conversation(seller)
    assert "more than 5 messages" in seller_client.get("/seller/messages/").content.decode()
    monkeypatch.setattr(inbox, "MESSAGE_COUNT_CAP", 6)
    assert "6 messages" in seller_client.get("/seller/messages/").content.decode()


SIDEBAR_AVERAGE = re.compile(r"7 day average response time</p>\s*<p><strong>([^<]+)</strong>")
HEALTH_AVERAGE = re.compile(r"Average response time</th><td>([^<]+)</td>")


def test_the_sidebar_and_account_health_show_the_same_average_at_once_after_a_reply(seller, seller_client):
    # Given a buyer message answered after 10 hours, seen on both pages
    with time_machine.travel(timezone.now() - timedelta(hours=12), tick=False):
        first = _conversation(seller)
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        services.reply_to_thread(thread=first.thread, body="Answer")
    inbox = seller_client.get("/seller/messages/").content.decode()
    assert SIDEBAR_AVERAGE.search(inbox).group(1) == "10 hours"
    # When another one is answered within the hour
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        later = _conversation(seller)
    services.reply_to_thread(thread=later.thread, body="Quick answer")
    # Then both pages show the new average at once, and the same one
    inbox = seller_client.get("/seller/messages/").content.decode()
    health = seller_client.get("/seller/performance/account-health/").content.decode()
    assert SIDEBAR_AVERAGE.search(inbox).group(1) == HEALTH_AVERAGE.search(health).group(1)
    assert SIDEBAR_AVERAGE.search(inbox).group(1) == "5 hours 30 minutes"


def test_an_emptied_page_still_leads_back_to_the_messages(seller, seller_client):
    # Page 2 of "awaiting response" empties once its messages are answered: "Newer" remains.
    for _ in range(30):
        _conversation(seller)
    first = seller_client.get("/seller/messages/", {"awaiting": "on"}).content.decode()
    older = _link(first, "next")
    page_two_ids = [int(pk) for pk in _rows(seller_client.get("/seller/messages/" + older).content.decode())]
    for message in Message.objects.filter(pk__in=page_two_ids).select_related("thread"):
        services.reply_to_thread(thread=message.thread, body="Answered")
    emptied = seller_client.get("/seller/messages/" + older).content.decode()
    assert _rows(emptied) == [] and _link(emptied, "next") is None
    back = seller_client.get("/seller/messages/" + _link(emptied, "prev")).content.decode()
    assert _rows(back) == _rows(first)[-len(_rows(back)) :] and _rows(back)


def test_the_messages_awaiting_a_response_are_the_inbox_filters_rows(seller):
    waiting = factories.BuyerMessageFactory(order__seller=seller)
    factories.BuyerMessageFactory(order__seller=seller, responded_at=timezone.now())
    factories.BuyerMessageFactory(order__seller=seller, no_response_needed=True)
    factories.BuyerMessageFactory()  # another seller's

    assert list(selectors.awaiting_for_seller(seller)) == [waiting]
    assert list(selectors.inbox(seller, awaiting_response=True)) == [waiting]
