"""Only an authenticated sender writes through the relay, at both doors.

The relay's SMTP server checks SPF, DKIM and DMARC alignment itself (records published on a DNS
server of the test's own, no trusted network); the webhook believes only its mail provider's
``Authentication-Results`` stamp. A sender who is not authenticated gets the one reply a
stranger gets, whether or not the address is real, and nothing is stored or relayed.
"""

import smtplib

import pytest
from django.core import mail
from django.test import Client

from messaging import services
from messaging.models import Message

from ..mailauth import Key, stamped
from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
REFUSED = (550, b"5.7.1 Sender is not allowed to write to this address")


@pytest.fixture
def untrusted(settings, relay_dns):
    """No trusted network: the client on loopback is a stranger on the Internet."""
    settings.RELAY_TRUSTED_NETWORKS = ()
    relay_dns.publish_txt("evil.example", "v=spf1 ip4:127.0.0.1 -all")  # the attacker's own domain
    relay_dns.publish_txt("_dmarc.example.net", "v=DMARC1; p=reject")
    return relay_dns


def _send(port: int, message, *, envelope_from: str) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        try:
            client.sendmail(envelope_from, [message["To"]], message.as_bytes())
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error
    return 250, b""


def test_a_forged_seller_cannot_write_to_a_buyer(order, relay_server, untrusted):
    # The repro: SPF passes for evil.example, the From: header claims the seller.
    thread = services.open_thread_for_order(order=order)
    forged = plain_mail(
        sender=SELLER_REAL,
        to=thread.buyer_alias.address,
        subject="Refund: confirm your card",
        body="https://evil.example/refund",
    )
    mail.outbox.clear()
    assert _send(relay_server, forged, envelope_from="attacker@evil.example") == REFUSED
    assert not Message.objects.filter(channel="email").exists()
    assert mail.outbox == []


def test_the_refusal_says_nothing_about_which_addresses_are_real(order, relay_server, untrusted):
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    replies = {
        sender: _send(
            relay_server,
            plain_mail(sender=sender, to=seller_alias.address),
            envelope_from="attacker@evil.example",
        )
        for sender in [BUYER_REAL, "nobody.at.all@example.com"]
    }
    assert replies == {BUYER_REAL: REFUSED, "nobody.at.all@example.com": REFUSED}


def test_a_genuine_signed_buyer_mail_is_stored_with_its_verdict(order, relay_server, untrusted):
    key = Key(untrusted, "example.com")
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    message = plain_mail(sender=BUYER_REAL, to=seller_alias.address, subject="Is it Class 10?")
    signed = key.sign(message.as_bytes())
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as client:
        client.sendmail(BUYER_REAL, [seller_alias.address], signed)
    stored = Message.objects.get(channel="email")
    assert stored.direction == "received" and stored.needs_response
    assert "dkim=pass header.d=example.com" in stored.sender_authentication
    assert [relayed.to for relayed in mail.outbox] == [[SELLER_REAL]]


def test_dns_that_does_not_answer_is_a_temporary_refusal(order, relay_server, untrusted):
    untrusted.mode = "servfail"
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    code, text = _send(
        relay_server, plain_mail(sender=BUYER_REAL, to=seller_alias.address), envelope_from=BUYER_REAL
    )
    assert code == 451 and b"4.7.0" in text
    assert not Message.objects.filter(channel="email").exists()


def _webhook(raw: bytes):
    return Client().post(
        "/api/v1/inbound-email/", raw, content_type="message/rfc822", HTTP_X_INBOUND_SECRET="hook-secret"
    )


@pytest.mark.parametrize(
    "provider_stamp",
    [
        "",  # no verdict at all
        "Authentication-Results: mx.elsewhere.example; spf=pass smtp.mailfrom=example.com\r\n",
    ],
    ids=["unstamped", "another provider's stamp"],
)
def test_the_webhook_believes_only_its_own_providers_verdict(order, settings, provider_stamp):
    settings.INBOUND_EMAIL_SECRET = "hook-secret"
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    raw = plain_mail(sender=BUYER_REAL, to=seller_alias.address).as_bytes()
    assert _webhook(provider_stamp.encode() + raw).status_code == 403
    assert not Message.objects.filter(channel="email").exists()
    response = _webhook(stamped(raw))
    assert response.status_code == 202, response.content
    assert "spf=pass" in Message.objects.get(channel="email").sender_authentication
