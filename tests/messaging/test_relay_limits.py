"""The relay's limits, through real SMTP conversations with the real relay server.

Each refusal comes as early in the session as the information allows: a declared size at
MAIL FROM, a sender over its rate at MAIL FROM, a masked address over its rate at RCPT TO, a
connection over the session cap at once; and an oversize mail that declared nothing is not
kept in memory while the rest of it is read.
"""

import smtplib
import socket
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail

from messaging import services
from messaging.models import Message
from messaging.smtpd import relay_controller
from sellercentral.processes import free_port

from .. import factories
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LIMIT = 2 * 1024 * 1024  # the relay_server fixture's INBOUND_EMAIL_MAX_BYTES


def _to_seller(order):
    return services.seller_alias(seller=order.seller, marketplace=order.marketplace).address


def test_a_declared_size_over_the_limit_is_refused_at_mail_from(order, smtp):
    smtp.ehlo("mx.example.com")
    assert smtp.has_extn("size") and int(smtp.esmtp_features["size"]) == LIMIT
    code, text = smtp.mail(BUYER_REAL, [f"SIZE={LIMIT + 1}"])
    assert (code, text[:5]) == (552, b"5.3.4")
    assert smtp.mail(BUYER_REAL, [f"SIZE={LIMIT}"])[0] == 250  # at the limit: welcome


def _recv_reply(sock: socket.socket) -> bytes:
    reply = b""
    while not reply.endswith(b"\r\n"):
        reply += sock.recv(4096)
    return reply


def test_an_oversize_mail_that_declared_nothing_is_refused_and_not_kept_in_memory(order, relay_server):
    """20 MB against a 2 MB limit, streamed by a client that holds none of it: what the server
    allocates at its peak stays near the limit, not near the mail."""
    to = _to_seller(order)
    line = b"x" * 76 + b"\r\n"
    chunk = line * 800  # 62 kB
    headers = f"From: {BUYER_REAL}\r\nTo: {to}\r\nSubject: big\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", relay_server), timeout=60) as sock:
        for command in [None, b"EHLO mx.example.com", f"MAIL FROM:<{BUYER_REAL}>".encode(),
                        f"RCPT TO:<{to}>".encode(), b"DATA"]:  # fmt: skip
            if command:
                sock.sendall(command + b"\r\n")
            while True:  # multi-line replies (EHLO) end with "ddd "
                reply = _recv_reply(sock)
                if reply.splitlines()[-1][3:4] == b" ":
                    break
        assert reply.startswith(b"354")
        tracemalloc.start()
        try:
            sock.sendall(headers)
            sent = len(headers)
            while sent < 20 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
            sock.sendall(b".\r\n")
            reply = _recv_reply(sock)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(f"\n20 MB mail against a {LIMIT} byte limit: peak traced allocation {peak / 1e6:.1f} MB")
    assert reply.startswith(b"552")
    assert peak < 3 * LIMIT
    assert not Message.objects.exists()


@pytest.fixture
def mid_window():
    """The middle of an hour: a test's mails all fall in one fixed hourly window of the counters."""
    hour = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
    with time_machine.travel(hour, tick=True):
        yield


def test_a_sender_over_its_rate_gets_451_at_mail_from_and_nothing_more_is_stored(
    order, smtp, settings, mid_window
):
    settings.RELAY_RATE_PER_SENDER = (3, 3600)
    to = _to_seller(order)
    for n in range(3):
        smtp.send_message(plain_mail(sender=BUYER_REAL, to=to, subject=f"Question {n}"))
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp.send_message(plain_mail(sender=BUYER_REAL, to=to, subject="Question 4"))
    assert (refused.value.smtp_code, refused.value.smtp_error[:5]) == (451, b"4.7.1")
    assert Message.objects.filter(channel="email").count() == 3
    # Another sender is not held back by this one.
    thread = services.open_thread_for_order(order=order)
    smtp.send_message(plain_mail(sender=SELLER_REAL, to=thread.buyer_alias.address, subject="Answer"))
    assert Message.objects.filter(channel="email").count() == 4
    # The next window (the counter is the cache's, shared by every relay process) is a new start.
    with time_machine.travel(timedelta(hours=1)):
        smtp.send_message(plain_mail(sender=BUYER_REAL, to=to, subject="Question 5"))
    assert Message.objects.filter(channel="email").count() == 5


def test_a_masked_address_over_its_rate_gets_451_at_rcpt_and_nothing_more_is_stored(
    order, smtp, settings, mid_window
):
    settings.RELAY_RATE_PER_ALIAS = (2, 3600)
    other = factories.CustomerFactory(email="second.buyer@example.com")
    factories.order_with_items(seller=order.seller, customer=other, order_id="203-4841771-0925113")
    to = _to_seller(order)
    smtp.send_message(plain_mail(sender=BUYER_REAL, to=to, subject="One"))
    smtp.send_message(plain_mail(sender=other.email, to=to, subject="Two"))
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp.send_message(plain_mail(sender=other.email, to=to, subject="Three"))
    assert refused.value.recipients[to][0] == 451 and refused.value.recipients[to][1][:5] == b"4.7.1"
    assert Message.objects.filter(channel="email").count() == 2


def test_connections_over_the_session_cap_get_421_and_are_closed(order, settings):
    settings.RELAY_MAX_SESSIONS = 2
    port = free_port()
    controller = relay_controller(host="127.0.0.1", port=port)
    controller.start()
    try:
        first = smtplib.SMTP("127.0.0.1", port, timeout=10)
        second = smtplib.SMTP("127.0.0.1", port, timeout=10)
        with pytest.raises(smtplib.SMTPConnectError) as refused:
            smtplib.SMTP("127.0.0.1", port, timeout=10)
        assert refused.value.smtp_code == 421 and refused.value.smtp_error[:5] == b"4.3.2"
        first.quit()
        second.noop()  # the sessions within the cap go on
        for _ in range(100):  # the server sees the first one go
            if len(controller.sessions) < 2:
                break
            __import__("time").sleep(0.02)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as third:
            assert third.noop()[0] == 250
        second.quit()
    finally:
        controller.stop()


def test_a_utf8_sender_is_accepted_and_stored(order, smtp):
    buyer = factories.CustomerFactory(name="Jürgen Groß", email="jürgen@example.com")
    factories.order_with_items(seller=order.seller, customer=buyer, order_id="203-4841771-0925113")
    to = _to_seller(order)
    raw = (
        f"From: Jürgen Groß <jürgen@example.com>\r\nTo: {to}\r\nSubject: Größe?\r\n"
        "Message-ID: <utf8-1@example.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Welche Größe hat die Karte?\r\n"
    ).encode()
    smtp.ehlo("mx.example.com")
    assert smtp.ehlo_resp.splitlines()[0] == b"relay.sellercentral.test"  # its own name, not the host's
    assert smtp.has_extn("smtputf8") and smtp.has_extn("8bitmime")
    smtp.sendmail("jürgen@example.com", [to], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    stored = Message.objects.get(channel="email")
    assert stored.thread.customer == buyer
    assert stored.subject == "Größe?" and "Welche Größe" in stored.body_text
    assert [relayed.to for relayed in mail.outbox] == [[SELLER_REAL]]


def test_a_null_envelope_sender_makes_a_mail_automatic(order, smtp):
    services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    mail.outbox.clear()
    to = _to_seller(order)
    message = plain_mail(sender=BUYER_REAL, to=to, subject="Re: Enquiry", body="I am away until Monday.")
    smtp.sendmail("<>", [to], message.as_bytes())
    stored = Message.objects.get(channel="email")
    assert (stored.is_auto_reply, stored.needs_response) == (True, False)
    assert mail.outbox == []  # stored, shown, not relayed


@pytest.mark.skipif(
    not django_settings.CELERY_BROKER_URL.startswith("redis://"), reason="the tests' broker is not Redis"
)
def test_the_relays_counts_share_one_redis_connection_across_mails(settings):
    import asyncio
    import threading
    import uuid

    import redis

    from messaging import smtp_limits

    settings.CACHES = {
        "default": {
            "BACKEND": "sellercentral.cache.RedisCache",
            "LOCATION": django_settings.CELERY_BROKER_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    smtp_limits._counters.cache_clear()
    server = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    opened = server.info("stats")["total_connections_received"]

    async def session() -> list[bool]:  # as aiosmtpd runs each MAIL FROM: counted in a thread
        return [await smtp_limits.sender_within_rate(f"buyer{n % 3}@example.com") for n in range(20)]

    answers = []  # the event loop in a thread of its own, as aiosmtpd's controller runs it
    loop = threading.Thread(target=lambda: answers.extend(asyncio.run(session())))
    try:
        loop.start()
        loop.join(30)
        assert len(answers) == 20 and all(answers)
        assert server.info("stats")["total_connections_received"] - opened <= 2  # ours, and the probe's
    finally:
        smtp_limits._counters.cache_clear()
