"""The inbox and the menu's badges come from the cache between writes, and show every committed
write at once (messaging/inbox.py, commerce/todos.py; docs/decisions.md, "Cached pages")."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce import todos
from messaging import deadlines, services
from messaging.models import Message
from metrics import services as metrics_services
from returns import services as returns_services

from .. import factories

pytestmark = pytest.mark.django_db
INBOX = "/seller/messages/"
SECTION = "messaging/partials/inbox_section.html"
MENU = "partials/seller_menu.html"


def _badge(html: str, words: str) -> int:
    found = re.search(rf"\((\d+) {words}\)", html)
    return int(found.group(1)) if found else 0


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r"/seller/messages/threads/\d+/#message-(\d+)", html)]


def _table(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


def _buyer_writes(seller):
    order = factories.order_with_items(seller=seller)
    return services.contact_seller(order=order, subject="enquiry", body="Where is it?")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and what it defers to its commit, as a real commit would."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_a_second_look_at_the_inbox_reads_no_message_and_no_to_do(seller, seller_client, committed):
    committed(lambda: _buyer_writes(seller))
    seller_client.get(INBOX)
    with CaptureQueriesContext(connection) as second:
        html = seller_client.get(INBOX).content.decode()
    read = " ".join(query["sql"] for query in second.captured_queries)
    assert len(_rows(html)) == 1 and _badge(html, "awaiting a response") == 1
    for table in ("messaging_message", "returns_returnrequest", "returns_claim", "metrics_orderfeedback"):
        assert table not in read
    # The session, the user, the seller's membership and account: who is asking.
    assert len(second.captured_queries) <= 4


def test_a_second_look_renders_neither_the_inbox_nor_the_menu_again(seller, seller_client, committed):
    committed(lambda: _buyer_writes(seller))
    first = seller_client.get(INBOX)
    assert {SECTION, MENU} <= {template.name for template in first.templates}
    second = seller_client.get(INBOX)
    assert not {SECTION, MENU} & {template.name for template in second.templates}
    assert _table(second.content.decode()) == _table(first.content.decode())
    # What is the reader's own stays per request: the sign-out form's token is masked afresh.
    tokens = [
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode()) for r in (first, second)
    ]
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]


def test_the_section_is_cached_per_query_string_its_links_keep(seller, seller_client, committed):
    for _ in range(3):
        committed(lambda: _buyer_writes(seller))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("messaging.inbox.MESSAGES_PER_PAGE", 1)
        for campaign in ("spring", "autumn"):
            html = seller_client.get(INBOX, {"utm": campaign}).content.decode()
            older = re.search(r'href="(\?[^"]*before=[^"]*)"', html).group(1)
            assert f"utm={campaign}" in older.replace("&amp;", "&")


def test_the_menu_is_cached_in_each_readers_language(seller, seller_client, committed):
    committed(lambda: _buyer_writes(seller))
    assert "Manage Returns" in seller_client.get(INBOX).content.decode()
    french = seller_client.get(INBOX, headers={"accept-language": "fr"}).content.decode()
    menu = french[
        french.index('<nav class="sc-menu"') : french.index("</nav>", french.index('<nav class="sc-menu"'))
    ]
    assert "Manage Returns" not in menu and "(1 " in menu


def test_the_sidebar_average_is_read_again_each_minute_without_a_write(seller, seller_client, committed):
    # Messages leave the 7 days with no write: the section is kept for the average's minute.
    committed(lambda: _buyer_writes(seller))
    start = timezone.now().replace(second=50, microsecond=0) + timedelta(minutes=1)

    def renders_section(at: timedelta) -> bool:
        with time_machine.travel(start + at, tick=False):
            return SECTION in {template.name for template in seller_client.get(INBOX).templates}

    assert renders_section(timedelta(0))
    assert not renders_section(timedelta(seconds=5))
    assert renders_section(timedelta(seconds=15))  # the next minute, well within the entry's life


# --- Each write to what the inbox shows, seen by the next look ----------------------------------
def _reply(seller, message):
    services.reply_to_thread(thread=message.thread, body="On its way")


def _no_response_needed(seller, message):
    services.mark_no_response_needed(message=message)


def _overdue(seller, message):
    deadlines.mark_overdue_messages(now=message.response_deadline + timedelta(minutes=1))


def _renamed_in_bulk(seller, message):
    Message.objects.filter(pk=message.pk).update(subject="Renamed in bulk", notice=None)


def _deleted(seller, message):
    Message.objects.filter(thread=message.thread).delete()


def _another_buyer_writes(seller, message):
    _buyer_writes(seller)


def _copied_in_bulk(seller, message):
    copy = factories.BuyerMessageFactory.build(thread=message.thread, seller=seller, subject="Bulk copy")
    Message.objects.bulk_create([copy])


def _all_answered_in_bulk(seller, message):
    (waiting := Message.objects.get(pk=message.pk)).responded_at = timezone.now()
    Message.objects.bulk_update([waiting], ["responded_at"])


WRITES = {
    # write: (the inbox asked, what it shows after: rows' words, the badge's count)
    "reply": (_reply, {}, (lambda html: "Awaiting response" not in html, 0)),
    "no response needed": (_no_response_needed, {}, (lambda html: "Awaiting response" not in html, 0)),
    "overdue sweep": (_overdue, {}, (lambda html: "Overdue" in html, 1)),
    "update": (_renamed_in_bulk, {}, (lambda html: "Renamed in bulk" in html, 1)),
    "delete": (_deleted, {}, (lambda html: _rows(html) == [], 0)),
    "new message": (_another_buyer_writes, {}, (lambda html: len(_rows(html)) == 2, 2)),
    "bulk create": (_copied_in_bulk, {}, (lambda html: "Bulk copy" in html, 2)),
    "bulk update": (
        _all_answered_in_bulk,
        {"direction": "received"},
        (lambda html: "Awaiting" not in html, 0),
    ),
}


@pytest.mark.parametrize(("write", "asked", "expected"), WRITES.values(), ids=WRITES.keys())
def test_the_inbox_shows_each_committed_write_at_once(
    seller, seller_client, committed, write, asked, expected
):
    message = committed(lambda: _buyer_writes(seller))
    before = seller_client.get(INBOX, asked).content.decode()
    assert "Awaiting response" in _table(before) and _badge(before, "awaiting a response") == 1
    with CaptureQueriesContext(connection) as again:
        assert _table(seller_client.get(INBOX, asked).content.decode()) == _table(before)
    assert "messaging_message" not in " ".join(query["sql"] for query in again.captured_queries)
    committed(lambda: write(seller, message))
    after = seller_client.get(INBOX, asked).content.decode()
    shows, badge = expected
    assert shows(_table(after)) and _badge(after, "awaiting a response") == badge


def test_another_sellers_write_leaves_the_cached_inbox(seller, seller_client, committed):
    committed(lambda: _buyer_writes(seller))
    seller_client.get(INBOX)
    committed(lambda: _buyer_writes(factories.SellerAccountFactory()))
    with CaptureQueriesContext(connection) as again:
        seller_client.get(INBOX)
    assert "messaging_message" not in " ".join(query["sql"] for query in again.captured_queries)


def test_the_rows_are_written_in_each_readers_language(seller, seller_client, committed):
    committed(lambda: _buyer_writes(seller))
    assert "Awaiting response" in seller_client.get(INBOX).content.decode()
    french = seller_client.get(INBOX, headers={"accept-language": "fr"}).content.decode()
    assert "En attente de réponse" in french


def test_a_row_of_today_shows_its_time_and_the_day_after_its_date(seller, seller_client, committed):
    message = committed(lambda: _buyer_writes(seller))
    written = re.compile(r'<time datetime="[^"]+">([^<]+)</time>')
    clock = timezone.localtime(message.sent_at).strftime("%H:%M")
    assert written.search(seller_client.get(INBOX).content.decode()).group(1) == clock
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert written.search(seller_client.get(INBOX).content.decode()).group(1) != clock


# --- The other to-dos of the menu -------------------------------------------------------------
def test_a_return_request_and_its_authorisation_show_on_the_badge_at_once(seller, seller_client, committed):
    assert _badge(seller_client.get(INBOX).content.decode(), "awaiting authorisation") == 0
    request = committed(
        lambda: factories.ReturnRequestFactory(order=factories.order_with_items(seller=seller))
    )
    assert _badge(seller_client.get(INBOX).content.decode(), "awaiting authorisation") == 1
    committed(
        lambda: returns_services.deny_return(return_request=request, actor=None, reason="other", message="No")
    )
    assert _badge(seller_client.get(INBOX).content.decode(), "awaiting authorisation") == 0


def test_a_claim_answered_leaves_the_badge_at_once(seller, seller_client, committed):
    claim = committed(lambda: factories.ClaimFactory(order=factories.order_with_items(seller=seller)))
    assert _badge(seller_client.get(INBOX).content.decode(), "to answer") == 1
    committed(lambda: returns_services.respond_to_claim(claim=claim, response="Tracked and delivered."))
    assert _badge(seller_client.get(INBOX).content.decode(), "to answer") == 0


def test_negative_feedback_shows_at_once_and_leaves_when_it_can_no_longer_change(
    seller, seller_client, committed
):
    order = factories.order_with_items(seller=seller, status="delivered")
    assert _badge(seller_client.get(INBOX).content.decode(), "to contact") == 0
    committed(lambda: metrics_services.leave_feedback(order=order, customer=order.customer, rating=1))
    assert _badge(seller_client.get(INBOX).content.decode(), "to contact") == 1
    # No write: the feedback ages out of the list, and out of the cached count with it.
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        assert _badge(seller_client.get(INBOX).content.decode(), "to contact") == 0


def test_a_to_do_without_a_scope_is_counted_afresh_every_time(seller, monkeypatch):
    unscoped = [todos.ToDoSource(**{**vars(source), "scope": ""}) for source in todos.sources()]
    monkeypatch.setattr(todos, "sources", lambda: unscoped)
    todos.for_seller(seller)
    with CaptureQueriesContext(connection) as again:
        todos.for_seller(seller)
    assert len(again.captured_queries) == 1
