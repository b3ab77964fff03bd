"""An operator may take buyers' mail whose sender could not be authenticated (off by default).

Such a mail reaches the seller with a visible warning (in the relayed copy, on the thread page,
in the API) and does not count in Contact Response Time. Mail claiming to be a seller's is
refused as before, with the same reply a stranger gets.
"""

import smtplib

import pytest
from django.core import mail

from messaging import services
from messaging.models import Message

from .conftest import BUYER_REAL, SELLER_REAL, plain_mail
from .test_sender_authentication import REFUSED

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def unverified_buyers_taken(settings, relay_dns):
    """No trusted network, no SPF or DKIM for the buyer's domain, and the operator opts in."""
    settings.RELAY_TRUSTED_NETWORKS = ()
    settings.RELAY_ACCEPT_UNVERIFIED_BUYERS = True
    relay_dns.publish_txt("_dmarc.example.net", "v=DMARC1; p=reject")
    return relay_dns


def _send(port: int, message) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        try:
            client.sendmail(message["From"], [message["To"]], message.as_bytes())
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error
    return 250, b""


def _buyer_mail(order, **kwargs):
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    return plain_mail(sender=BUYER_REAL, to=seller_alias.address, subject="Where is my parcel?", **kwargs)


def test_by_default_an_unverified_buyer_is_refused(order, relay_server, settings, relay_dns):
    settings.RELAY_TRUSTED_NETWORKS = ()
    assert settings.RELAY_ACCEPT_UNVERIFIED_BUYERS is False
    assert _send(relay_server, _buyer_mail(order)) == REFUSED
    assert not Message.objects.filter(channel="email").exists()


def test_an_unverified_buyer_mail_reaches_the_seller_with_a_warning(
    order, relay_server, unverified_buyers_taken, seller_client
):
    mail.outbox.clear()
    assert _send(relay_server, _buyer_mail(order, body="Tracking says nothing")) == (250, b"")
    stored = Message.objects.get(channel="email")
    assert stored.sender_unverified and stored.direction == "received"
    assert "dmarc=none" in stored.sender_authentication or "spf=none" in stored.sender_authentication
    # Anyone could have written it: it does not wait for an answer nor count in response time.
    assert not stored.needs_response and stored.response_deadline is None
    relayed = [sent for sent in mail.outbox if sent.subject == "Where is my parcel?"]
    assert SELLER_REAL in [sent.to[0] for sent in relayed]
    for copy in relayed:  # one per inbox of the seller's
        assert copy.body.startswith("WARNING: unverified sender.")
        assert "Unverified sender." in copy.alternatives[0][0]
    page = seller_client.get(f"/seller/messages/threads/{stored.thread_id}/").content.decode()
    assert "Unverified sender." in page and "Tracking says nothing" in page
    rows = seller_client.get("/api/v1/seller/messages/").json()["results"]
    assert [row["sender_unverified"] for row in rows] == [True]


def test_an_authenticated_buyer_mail_carries_no_warning(order, relay_server, unverified_buyers_taken):
    unverified_buyers_taken.publish_txt("example.com", "v=spf1 ip4:127.0.0.1 -all")
    assert _send(relay_server, _buyer_mail(order)) == (250, b"")
    stored = Message.objects.get(channel="email")
    assert not stored.sender_unverified and stored.needs_response
    assert "WARNING" not in mail.outbox[-1].body


def test_a_sellers_address_always_needs_authentication(order, relay_server, unverified_buyers_taken):
    thread = services.open_thread_for_order(order=order)
    forged = plain_mail(sender=SELLER_REAL, to=thread.buyer_alias.address, body="https://evil.example/refund")
    mail.outbox.clear()
    assert _send(relay_server, forged) == REFUSED
    assert not Message.objects.filter(channel="email").exists() and mail.outbox == []


def test_a_stranger_is_still_refused_with_the_one_reply(order, relay_server, unverified_buyers_taken):
    seller_alias = services.seller_alias(seller=order.seller, marketplace=order.marketplace)
    stranger = plain_mail(sender="nobody.at.all@example.com", to=seller_alias.address)
    assert _send(relay_server, stranger) == REFUSED
    assert not Message.objects.filter(channel="email").exists()
