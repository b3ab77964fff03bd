"""XFORWARD (docs/messaging.md): behind our Postfix MX the relay judges the client the MX saw.

The MX here is a client on 127.0.0.2 (``RELAY_MX_NETWORKS``); loopback stays a trusted network,
as in ``make run``, which is exactly the trap: without XFORWARD every mail through the MX would
come from a trusted address. The buyer's domain publishes SPF for one Internet address only.
"""

import ipaddress
import smtplib

import pytest

from messaging import services, xforward
from messaging.models import Message

from .conftest import BUYER_REAL, plain_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MX = ("127.0.0.2", 0)
BUYERS_SERVER = "203.0.113.25"  # example.com's SPF names it
ELSEWHERE = "198.51.100.66"  # an address example.com's SPF does not name
REFUSED = (550, b"5.7.1 Sender is not allowed to write to this address")


@pytest.fixture
def behind_mx(settings, relay_dns):
    settings.RELAY_MX_NETWORKS = (ipaddress.ip_network("127.0.0.2/32"),)
    settings.RELAY_TRUSTED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    relay_dns.publish_txt("example.com", f"v=spf1 ip4:{BUYERS_SERVER} -all")
    relay_dns.publish_txt("_dmarc.example.com", "v=DMARC1; p=reject")
    return relay_dns


def _deliver(port, alias, *, source=MX, commands=()) -> tuple[int, bytes]:
    """One buyer mail to ``alias`` from ``source``, after ``commands`` (e.g. an XFORWARD)."""
    message = plain_mail(sender=BUYER_REAL, to=alias.address, subject="Is it Class 10?")
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=source) as client:
        client.ehlo("mx.sellercentral.test")
        for command in commands:
            code, text = client.docmd(command)
            assert code == 250, (command, code, text)
        try:
            client.sendmail(BUYER_REAL, [alias.address], message.as_bytes())
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error
    return 250, b""


def _alias(order):
    return services.seller_alias(seller=order.seller, marketplace=order.marketplace)


def test_the_mx_forwards_the_buyers_server_and_spf_passes_for_it(order, relay_server, behind_mx):
    command = f"XFORWARD NAME=mail.example.com ADDR={BUYERS_SERVER} PROTO=ESMTP HELO=mail.example.com"
    assert _deliver(relay_server, _alias(order), commands=[command])[0] == 250
    stored = Message.objects.get(channel="email")
    assert "spf=pass smtp.mailfrom=example.com" in stored.sender_authentication
    assert "trusted network" not in stored.sender_authentication


def test_mail_the_mx_got_from_elsewhere_is_refused_though_the_mx_is_trusted(order, relay_server, behind_mx):
    assert _deliver(relay_server, _alias(order), commands=[f"XFORWARD ADDR={ELSEWHERE}"]) == REFUSED
    assert not Message.objects.filter(channel="email").exists()


def test_an_mx_that_forwards_nothing_is_not_taken_for_the_client(order, relay_server, behind_mx):
    # A Postfix without smtp_send_xforward_command: its own trusted address must not count.
    assert _deliver(relay_server, _alias(order)) == REFUSED


def test_the_forwarded_client_holds_for_one_mail_only(order, relay_server, behind_mx):
    alias = _alias(order)
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30, source_address=MX) as client:
        client.ehlo("mx.sellercentral.test")
        assert client.docmd(f"XFORWARD ADDR={BUYERS_SERVER} HELO=mail.example.com")[0] == 250
        first = plain_mail(sender=BUYER_REAL, to=alias.address, subject="first")
        client.sendmail(BUYER_REAL, [alias.address], first.as_bytes())
        second = plain_mail(sender=BUYER_REAL, to=alias.address, subject="second")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail(BUYER_REAL, [alias.address], second.as_bytes())
    assert (refused.value.smtp_code, refused.value.smtp_error) == REFUSED
    assert list(Message.objects.filter(channel="email").values_list("subject", flat=True)) == ["first"]


def test_only_the_mx_is_told_of_xforward_and_nobody_else_may_claim_an_address(order, relay_server, behind_mx):
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30, source_address=MX) as mx:
        mx.ehlo("mx.sellercentral.test")
        assert mx.esmtp_features["xforward"].split() == list(xforward.ATTRIBUTES)
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30) as stranger:  # from 127.0.0.1
        stranger.ehlo("mail.example.com")
        assert not stranger.has_extn("xforward")
        assert stranger.docmd(f"XFORWARD ADDR={BUYERS_SERVER}") == (
            550,
            b"5.7.0 Insufficient authorization",
        )
    # 127.0.0.1 is a trusted network here, and the stranger is judged by it, not by its claim.
    assert _deliver(relay_server, _alias(order), source=("127.0.0.1", 0))[0] == 250
    assert "trusted network" in Message.objects.get(channel="email").sender_authentication


def test_xforward_in_the_middle_of_a_mail_or_malformed_is_refused(order, relay_server, behind_mx):
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30, source_address=MX) as mx:
        mx.ehlo("mx.sellercentral.test")
        assert mx.docmd("XFORWARD ADDR=not-an-address")[0] == 501
        assert mx.docmd("XFORWARD COLOUR=blue")[0] == 501
        assert mx.docmd("XFORWARD")[0] == 501
        assert mx.docmd("MAIL FROM:<luca@example.com>")[0] == 250
        assert mx.docmd(f"XFORWARD ADDR={BUYERS_SERVER}")[0] == 503


@pytest.mark.parametrize(
    ("arg", "parsed"),
    [
        ("NAME=mail.example.com ADDR=203.0.113.25", {"NAME": "mail.example.com", "ADDR": "203.0.113.25"}),
        ("addr=IPv6:2001:db8::1 helo=[UNAVAILABLE]", {"ADDR": "2001:db8::1", "HELO": ""}),
        ("HELO=odd+2Bname+20x IDENT=[TEMPUNAVAIL]", {"HELO": "odd+name x", "IDENT": ""}),
        ("SOURCE=REMOTE PORT=40123 PROTO=ESMTP", {"SOURCE": "REMOTE", "PORT": "40123", "PROTO": "ESMTP"}),
    ],
)
def test_attributes_are_read_as_postfix_writes_them(arg, parsed):
    assert xforward.parse(arg) == parsed


@pytest.mark.parametrize("arg", ["", "ADDR", "ADDR=300.1.1.1", "HELO=a+zz", "HELO=a+", "X=1"])
def test_malformed_attributes_are_refused(arg):
    with pytest.raises(ValueError):
        xforward.parse(arg)


def test_whether_the_peer_is_our_mx_is_decided_once_a_connection(order, relay_server, behind_mx, monkeypatch):
    # Counted where the networks are matched: EHLO, XFORWARD and two mails' DATA read one answer.
    matched = []
    real = xforward.in_networks
    monkeypatch.setattr(xforward, "in_networks", lambda *args: matched.append(args) or real(*args))
    alias = _alias(order)
    with smtplib.SMTP("127.0.0.1", relay_server, timeout=30, source_address=MX) as mx:
        mx.ehlo("mx.sellercentral.test")
        for subject in ["first", "second"]:
            assert mx.docmd(f"XFORWARD ADDR={BUYERS_SERVER} HELO=mail.example.com")[0] == 250
            mail = plain_mail(sender=BUYER_REAL, to=alias.address, subject=subject)
            mx.sendmail(BUYER_REAL, [alias.address], mail.as_bytes())
    assert Message.objects.filter(channel="email").count() == 2
    assert len(matched) == 1
