"""The relay's receive path: mail that continues a conversation in a fixed, small number of
queries (the SMTP server's throughput); first mails the long way, with the same results.

Counted as the SMTP server runs it: the recipient's alias was read at RCPT time
(``check_recipient``) and is handed to ``receive_inbound_email``. Inside the test's
transaction the mail's own transaction is a savepoint (SAVEPOINT/RELEASE are counted where,
in the server, BEGIN/COMMIT stand).
"""

from email.message import EmailMessage

import pytest
from django.core import mail

from commerce import generations
from commerce.services import set_communication_preferences
from messaging import services
from messaging.models import Message, OutboundEmail

from ..mailauth import genuine
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db


def _raw(*, sender: str, to: str, subject: str, **headers) -> bytes:
    return plain_mail(
        sender=sender, to=to, subject=subject, body="One more question about my order.", **headers
    ).as_bytes()


@pytest.fixture
def receive(django_capture_on_commit_callbacks, django_assert_num_queries):
    """Receive ``raw`` for ``to`` in ``queries`` queries; then send its relay copy (the task
    queued on commit, not counted)."""

    def run(raw: bytes, to: str, queries: int) -> Message:
        alias = services.check_recipient(to)  # RCPT TO: one query, before the mail is sent
        with django_capture_on_commit_callbacks() as queued, django_assert_num_queries(queries):
            result = services.receive_inbound_email(
                raw=raw, verdict=genuine(raw), recipients=[to], aliases=[alias]
            )
        # the relay copy's send task (beside the seller's generation bump: commerce/generations.py)
        [send] = [callback for callback in queued if not generations.is_bump(callback)]
        send()
        [message] = result.messages
        return message

    return run


def test_a_buyer_mail_with_the_order_id_in_the_subject(order, on_commit, receive):
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="Is it Class 10?")
    mail.outbox.clear()
    to = first.thread.seller_alias.address
    raw = _raw(
        sender=BUYER_REAL, to=to, subject=f"Re: your order {order.order_id}", Message_ID="<q1@example.com>"
    )
    # 1 the order's thread (locked) with the order, the buyer's alias and "already stored?",
    # 1 the seller's addresses, INSERT message, INSERT its integrator event, 1 the seller's
    # webhook subscriptions (none: no delivery), UPDATE thread, INSERT outbox (+ savepoint
    # pair); the relayed copy's body and its earlier relay ids are read when it is sent
    message = receive(raw, to, 9)
    assert message.thread_id == first.thread_id
    assert (message.direction, message.needs_response) == ("received", True)
    [relayed] = mail.outbox
    assert relayed.to == [SELLER_REAL]
    assert relayed.extra_headers["In-Reply-To"] == first.relay_message_id
    assert f"about order {order.order_id}" in relayed.body


def test_a_buyer_reply_found_by_in_reply_to(order, on_commit, receive):
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="Is it Class 10?")
    [to_seller] = mail.outbox
    mail.outbox.clear()
    to = first.thread.seller_alias.address
    raw = _raw(sender=BUYER_REAL, to=to, subject="Thanks", In_Reply_To=to_seller.extra_headers["Message-ID"])
    # as above, the thread found through the message it answers (in the same query)
    message = receive(raw, to, 9)
    assert message.thread_id == first.thread_id
    assert len(mail.outbox) == 1


def test_a_seller_reply_answers_the_buyer(order, on_commit, receive):
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="Is it Class 10?")
    [to_seller] = mail.outbox
    mail.outbox.clear()
    to = to_seller.extra_headers["Reply-To"]  # the buyer's masked address
    raw = _raw(
        sender=SELLER_REAL, to=to, subject="Re: Enquiry", In_Reply_To=to_seller.extra_headers["Message-ID"]
    )
    # 1 the seller's addresses (may it write?), 1 the thread (locked) with the seller's alias,
    # the order and "already stored?", INSERT message, UPDATE thread, UPDATE answered buyer
    # messages, INSERT outbox (+ savepoint pair)
    message = receive(raw, to, 8)
    assert (message.thread_id, message.direction) == (first.thread_id, "sent")
    first.refresh_from_db()
    assert first.responded_at == message.sent_at
    [relayed] = mail.outbox
    assert relayed.to == [BUYER_REAL]


def test_a_redelivered_mail_is_recognised_and_not_stored_again(
    order, on_commit, receive, django_assert_num_queries
):
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    to = first.thread.seller_alias.address
    raw = _raw(sender=BUYER_REAL, to=to, subject="Again", Message_ID="<again@example.com>")
    receive(raw, to, 9)
    alias = services.check_recipient(to)
    with django_assert_num_queries(3):  # the thread, with "already stored" (+ savepoint pair)
        result = services.receive_inbound_email(
            raw=raw, verdict=genuine(raw), recipients=[to], aliases=[alias]
        )
    assert (result.messages, result.duplicates) == ([], 1)
    assert OutboundEmail.objects.count() == 2


def test_attachments_are_stored_in_one_insert(order, on_commit, receive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    mail.outbox.clear()
    to = first.thread.seller_alias.address
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = BUYER_REAL, to, "Photos"
    message.set_content("Three photos of the damage.")
    for n in range(3):
        message.add_attachment(
            b"\x89PNG\r\n\x1a\n%d" % n, maintype="image", subtype="png", filename=f"photo-{n}.png"
        )
    # as a buyer mail, and 1 INSERT for the three attachments' rows
    stored = receive(message.as_bytes(), to, 10)
    assert [(a.filename, a.file.read()) for a in stored.attachments.all()] == [
        (f"photo-{n}.png", b"\x89PNG\r\n\x1a\n%d" % n) for n in range(3)
    ]
    [relayed] = mail.outbox
    assert [a[0] for a in relayed.attachments] == ["photo-0.png", "photo-1.png", "photo-2.png"]


# --- First mails: no conversation yet, the long way (and the same results) -------------------
def _inbound(raw: bytes, to: str) -> Message:
    [message] = services.receive_inbound_email(raw=raw, verdict=genuine(raw), recipients=[to]).messages
    return message


def test_a_buyers_first_mail_naming_the_order_makes_the_orders_thread(order, on_commit):
    to = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address
    message = on_commit(_inbound, _raw(sender=BUYER_REAL, to=to, subject=f"Where is {order.order_id}?"), to)
    assert message.direction == "received"
    assert (message.thread.order, message.thread.subject) == (order, f"Where is {order.order_id}?")
    assert message.thread.buyer_alias == services.buyer_alias(
        customer=order.customer, seller=order.seller, marketplace=order.marketplace
    )
    [relayed] = mail.outbox
    assert relayed.to == [SELLER_REAL]


def test_a_buyers_first_mail_without_an_order_makes_a_thread_of_its_own(order, on_commit):
    to = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address
    first = on_commit(_inbound, _raw(sender=BUYER_REAL, to=to, subject="A question"), to)
    assert first.thread.order is None
    again = on_commit(_inbound, _raw(sender=BUYER_REAL, to=to, subject="Another question"), to)
    assert again.thread_id == first.thread_id  # the pair's latest thread
    named = on_commit(_inbound, _raw(sender=BUYER_REAL, to=to, subject=f"About {order.order_id}"), to)
    assert named.thread_id != first.thread_id  # the order has no thread yet: it gets its own
    assert named.thread.order == order
    assert len(mail.outbox) == 3


def test_a_sellers_first_mail_to_a_buyer_makes_a_thread(order, on_commit):
    alias = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    message = on_commit(
        _inbound, _raw(sender=SELLER_REAL, to=alias.address, subject="Your parcel"), alias.address
    )
    assert (message.direction, message.sender_name) == ("sent", order.seller.name)
    assert message.thread.buyer_alias == alias
    [relayed] = mail.outbox
    assert relayed.to == [BUYER_REAL]


def test_a_first_mail_delivered_twice_is_stored_once(order, on_commit):
    to = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address
    raw = _raw(sender=BUYER_REAL, to=to, subject="Hello", Message_ID="<first-twice@example.com>")
    on_commit(_inbound, raw, to)
    result = services.receive_inbound_email(raw=raw, verdict=genuine(raw), recipients=[to])
    assert (result.messages, result.duplicates) == ([], 1)
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_seller_reply_to_a_buyer_who_opted_out_reads_one_query_more(order, on_commit, receive):
    set_communication_preferences(customer=order.customer, opted_out_of_unsolicited_messages=True)
    first = on_commit(services.contact_seller, order=order, subject="enquiry", body="Is it Class 10?")
    [to_seller] = mail.outbox
    mail.outbox.clear()
    to = to_seller.extra_headers["Reply-To"]
    raw = _raw(
        sender=SELLER_REAL, to=to, subject="Re: Enquiry", In_Reply_To=to_seller.extra_headers["Message-ID"]
    )
    # as a seller's reply above, and 1 "has the buyer written in this thread?" (the buyer's
    # preference came with the alias at RCPT time: a buyer who did not opt out costs nothing)
    message = receive(raw, to, 9)
    assert (message.thread_id, message.direction) == (first.thread_id, "sent")
