"""Round trips through the real relay SMTP server (aiosmtpd on a free port), both ways."""

import smtplib
import threading
import time

import pytest
from django.core import mail

from messaging import services
from messaging.models import Message, OutboundEmail
from sellercentral.processes import free_port
from tests.privacy import assert_no_real_address

from .. import factories
from .conftest import BUYER_REAL, SELLER_REAL
from .conftest import plain_mail as _mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_seller_and_buyer_answer_by_plain_email_and_each_is_relayed(order, smtp):
    buyer_message = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    thread = buyer_message.thread
    [to_seller] = mail.outbox
    assert_no_real_address(to_seller, [BUYER_REAL])
    mail.outbox.clear()

    # The seller answers the relayed mail from their mail client.
    reply = _mail(
        sender=f"Test Seller <{SELLER_REAL}>",
        to=to_seller.extra_headers["Reply-To"],
        body=f"It is Class 4.\n\nOn Monday <{BUYER_REAL}> wrote:\n> Is it Class 10?\n-- \n{SELLER_REAL}",
        In_Reply_To=to_seller.extra_headers["Message-ID"],
    )
    smtp.send_message(reply)
    seller_message = Message.objects.get(direction="sent")
    assert seller_message.thread_id == thread.pk
    assert seller_message.channel == "email"
    buyer_message.refresh_from_db()
    assert buyer_message.responded_at == seller_message.sent_at
    [to_buyer] = mail.outbox
    assert to_buyer.to == [BUYER_REAL]
    assert to_buyer.extra_headers["From"].endswith(f"<{thread.seller_alias.address}>")
    assert "It is Class 4." in to_buyer.body
    assert_no_real_address(to_buyer, [SELLER_REAL, BUYER_REAL])
    mail.outbox.clear()

    # The buyer answers that one from their own mail client.
    smtp.send_message(
        _mail(
            sender=BUYER_REAL,
            to=to_buyer.extra_headers["Reply-To"],
            body="Thanks, then I will return it.",
            In_Reply_To=to_buyer.extra_headers["Message-ID"],
        )
    )
    latest = Message.objects.get(direction="received", channel="email")
    assert latest.thread_id == thread.pk
    assert latest.needs_response
    [to_seller_again] = mail.outbox
    assert to_seller_again.to == [SELLER_REAL]
    assert_no_real_address(to_seller_again, [BUYER_REAL])


def test_unknown_masked_addresses_are_refused_at_rcpt_time(order, smtp):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp.send_message(_mail(sender=BUYER_REAL, to="nobody@marketplace.uk.sellercentral.test"))
    assert refused.value.recipients["nobody@marketplace.uk.sellercentral.test"][0] == 550
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.send_message(_mail(sender=BUYER_REAL, to="someone@gmail.example"))
    assert not Message.objects.exists()


def test_a_sender_who_is_not_the_registered_address_is_refused_and_nothing_is_relayed(order, smtp):
    alias = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.send_message(_mail(sender="impostor@example.org", to=alias.address))
    assert refused.value.smtp_code == 550
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_registered_alternate_address_may_write_through_the_relay(order, smtp):
    services.add_alternate_address(seller=order.seller, email="Support@Test-UK-Seller.example.net")
    alias = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    smtp.send_message(
        _mail(sender="support@test-uk-seller.example.net", to=alias.address, subject="Your order")
    )
    assert Message.objects.get().direction == "sent"
    assert_no_real_address(mail.outbox[0], ["support@test-uk-seller.example.net", SELLER_REAL])


def test_a_buyer_who_never_dealt_with_the_seller_cannot_use_the_seller_address(order, smtp):
    stranger = factories.CustomerFactory(email="stranger@example.com")
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp.send_message(_mail(sender=stranger.email, to=seller_alias.address))
    assert refused.value.smtp_code == 550


def test_oversize_mail_is_refused_with_552(order, smtp):
    alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    with pytest.raises(smtplib.SMTPException) as refused:
        smtp.send_message(_mail(sender=BUYER_REAL, to=alias.address, body="x" * (3 * 1024 * 1024)))
    assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", None) == 552
    assert not Message.objects.exists()


def test_the_same_message_id_twice_is_stored_and_relayed_once(order, smtp):
    alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    message = _mail(sender=BUYER_REAL, to=alias.address, Message_ID="<dup-1@mail.example.com>")
    smtp.send_message(message)
    smtp.send_message(message)
    assert Message.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_the_order_id_in_the_subject_finds_the_orders_thread(order, smtp):
    other = factories.order_with_items(
        seller=order.seller, customer=order.customer, order_id="203-4841771-0925113"
    )
    services.contact_seller(order=order, subject="enquiry", body="about the first")
    services.contact_seller(order=other, subject="enquiry", body="about the second")
    alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    smtp.send_message(_mail(sender=BUYER_REAL, to=alias.address, subject="Question on 202-0697275-2144321"))
    stored = Message.objects.get(channel="email")
    assert stored.thread.order == order


def test_automatic_replies_are_stored_flagged_and_never_relayed(order, smtp):
    services.contact_seller(order=order, subject="enquiry", body="hi")
    mail.outbox.clear()
    alias = services.buyer_alias(customer=order.customer, seller=order.seller, marketplace=order.marketplace)
    smtp.send_message(
        _mail(
            sender=SELLER_REAL,
            to=alias.address,
            subject="Automatic reply: Enquiry",
            Auto_Submitted="auto-replied",
        )
    )
    stored = Message.objects.get(channel="email")
    assert (stored.is_auto_reply, stored.needs_response) == (True, False)
    assert Message.objects.get(channel="web").responded_at is None  # an auto-reply is not an answer
    assert mail.outbox == []


SMTP_CODES = {400: 554, 403: 550, 404: 550, 413: 552, 422: 554}


def test_the_hostile_corpus_through_the_smtp_server_never_crashes_it(order, relay_server):
    """Each corpus mail gets a 250 or the 5xx its refusal names; never a 451 (a crash)."""
    import re

    from .corpus import CORPUS

    services.contact_seller(order=order, subject="enquiry", body="hello")
    to = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address
    for name, template, expected in CORPUS:
        raw = (
            template.replace("{to}", to)
            .replace("{sender}", BUYER_REAL)
            .replace("{sender_upper}", BUYER_REAL.upper())
        )
        header_to = re.search(r"^To: (\S+)", raw, flags=re.M)
        recipient = header_to.group(1) if header_to else to
        with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as client:
            try:
                client.sendmail(BUYER_REAL, [recipient], raw.encode("utf-8"))
                outcome = 250
            except smtplib.SMTPRecipientsRefused as refused:
                outcome = refused.recipients[recipient][0]
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as refused:
                outcome = refused.smtp_code
        wanted = SMTP_CODES.get(expected, 250) if isinstance(expected, int) else 250
        if name in {"huge header", "thousand recipients", "long line body"}:
            wanted = 500  # RFC 5321: an SMTP line is at most 1,000 octets; aiosmtpd says "Line too long"
        assert outcome == wanted, name


def test_relay_processes_can_share_one_port_and_each_takes_mail(order, settings):
    from messaging.smtpd import relay_controller

    port = free_port()
    first = relay_controller(host="127.0.0.1", port=port, reuse_port=True)
    second = relay_controller(host="127.0.0.1", port=port, reuse_port=True)
    first.start()
    second.start()  # a second listener on the same port: no "address already in use"
    try:
        buyer_message = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
        reply_to = mail.outbox[0].extra_headers["Reply-To"]
        for n in range(6):  # new connections, spread by the kernel between the two servers
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.send_message(_mail(sender=SELLER_REAL, to=reply_to, body=f"Answer {n}"))
    finally:
        first.stop()
        second.stop()
    sent = Message.objects.filter(thread=buyer_message.thread, direction="sent")
    assert sorted(body.strip() for body in sent.values_list("body_text", flat=True)) == [
        f"Answer {n}" for n in range(6)
    ]


def _wait_for_a_lock_wait() -> None:
    """Until a session of the test database waits for a row lock."""
    from django.db import connection

    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("nobody waited for the lock")


def test_a_mail_waiting_on_its_conversations_lock_does_not_hold_up_another(order, relay_server):
    """The relay's database work runs in several threads: while one mail waits for a thread
    row another transaction holds, a mail to another conversation is taken."""
    from django.db import connection, connections, transaction

    from messaging import locks

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite locks the whole database)")

    first = services.contact_seller(order=order, subject="enquiry", body="first").thread
    other_order = factories.order_with_items(seller=order.seller, customer=order.customer)
    second = services.contact_seller(order=other_order, subject="enquiry", body="second").thread
    holding, release, replies = threading.Event(), threading.Event(), {}

    def hold_first_thread() -> None:
        with transaction.atomic():
            locks.lock_thread(first.pk)
            holding.set()
            release.wait(30)
        connections.close_all()

    def write(thread, key: str) -> None:
        message = _mail(sender=BUYER_REAL, to=thread.seller_alias.address, subject=f"Re: {thread.subject}")
        with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as client:
            replies[key] = client.send_message(message)

    holder = threading.Thread(target=hold_first_thread)
    holder.start()
    assert holding.wait(10)
    waiting = threading.Thread(target=write, args=(first, "first"))
    waiting.start()
    _wait_for_a_lock_wait()
    write(second, "second")  # answered while the first is still waiting on the lock
    assert "first" not in replies
    assert Message.objects.filter(thread=second, direction="received").count() == 2
    release.set()
    holder.join(10)
    waiting.join(30)
    assert replies == {"first": {}, "second": {}}
    assert Message.objects.filter(thread=first, direction="received").count() == 2
