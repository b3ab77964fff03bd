"""Postfix as the MX in front of the relay: genuine mail from the Internet lands in its thread,
forged mail is refused by the relay and bounced by Postfix to the envelope sender only, and an
unknown masked address is refused at RCPT (no bounce to anyone)."""

import smtplib

import pytest

from messaging import services
from messaging.models import Message

from ..mailauth import Key
from .conftest import ATTACKER, BUYER_REAL, INTERNET, SELLER_REAL, internet_mail, wait_for

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_genuine_buyer_and_seller_mail_through_the_mx_lands_in_the_thread(world, order):
    first = services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    thread = first.thread
    to_seller = wait_for(lambda: world.smarthost.messages(SELLER_REAL), what="the contact mail relayed")[-1]

    # The seller answers the relayed mail from their own server: DKIM-signed, SPF passing.
    reply = internet_mail(
        sender=f"Test Seller <{SELLER_REAL}>",
        to=to_seller["Reply-To"],
        subject=f"Re: {to_seller['Subject']}",
        body="It is Class 4.",
        In_Reply_To=to_seller["Message-ID"],
    )
    signed = world.keys["test-uk-seller.example.net"].sign(reply.as_bytes())
    world.send(signed, envelope_from=SELLER_REAL, to=[str(to_seller["Reply-To"].addresses[0].addr_spec)])
    stored = wait_for(
        lambda: Message.objects.filter(direction="sent", channel="email").first(), what="stored"
    )
    assert stored.thread_id == thread.pk
    # SPF was checked against the seller's server on the Internet, as the MX forwarded it.
    assert "spf=pass smtp.mailfrom=test-uk-seller.example.net" in stored.sender_authentication
    assert "dkim=pass header.d=test-uk-seller.example.net" in stored.sender_authentication
    assert "trusted network" not in stored.sender_authentication
    to_buyer = wait_for(lambda: world.smarthost.messages(BUYER_REAL), what="the reply relayed")[-1]
    assert "It is Class 4." in to_buyer.get_body(("plain",)).get_content()

    # The buyer answers that one.
    answer = internet_mail(
        sender=BUYER_REAL,
        to=to_buyer["Reply-To"],
        subject=f"Re: {to_buyer['Subject']}",
        body="Thanks, then I will return it.",
        In_Reply_To=to_buyer["Message-ID"],
    )
    signed = world.keys["example.com"].sign(answer.as_bytes())
    world.send(signed, envelope_from=BUYER_REAL, to=[to_buyer["Reply-To"].addresses[0].addr_spec])
    latest = wait_for(
        lambda: Message.objects.filter(direction="received", channel="email").first(), what="buyer's answer"
    )
    assert latest.thread_id == thread.pk and latest.needs_response
    wait_for(lambda: len(world.smarthost.delivered(SELLER_REAL)) == 2, what="the answer relayed")


def _forgeries(world, order) -> list[tuple[str, bytes, str]]:
    """(what, raw mail, masked recipient): each claims the buyer or the seller in ``From:``."""
    thread = services.open_thread_for_order(order=order)
    buyer_alias, seller_alias = thread.buyer_alias.address, thread.seller_alias.address

    def forged(sender, to, subject="Refund: confirm your card", **headers) -> bytes:
        return internet_mail(
            sender=sender, to=to, subject=subject, body="https://evil.example/refund", **headers
        ).as_bytes()

    stranger_key = Key(world.dns, "evil.example", selector="x1")
    wrong_key = Key(world.dns, "elsewhere.example", selector="x2")
    wrong_key.domain = "test-uk-seller.example.net"  # signs as the seller, with a key not theirs
    stamp = "mx.sellercentral.test; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com"
    return [
        ("seller's From:, attacker's envelope (SPF passes for evil.example)", forged(SELLER_REAL, buyer_alias), buyer_alias),
        ("buyer's From:, attacker's envelope", forged(BUYER_REAL, seller_alias), seller_alias),
        ("seller's From:, DKIM-signed by evil.example", stranger_key.sign(forged(SELLER_REAL, buyer_alias)), buyer_alias),
        ("seller's From:, DKIM signature as the seller with a key not theirs", wrong_key.sign(forged(SELLER_REAL, buyer_alias)), buyer_alias),
        ("buyer's From:, a forged Authentication-Results stamp", forged(BUYER_REAL, seller_alias, Authentication_Results=stamp), seller_alias),
        ("seller's From: with the seller's display name", forged(f"Test UK Seller 4 Luca <{SELLER_REAL}>", buyer_alias), buyer_alias),
    ]  # fmt: skip


def test_forged_from_is_refused_and_postfix_bounces_to_the_envelope_sender_only(world, order):
    forgeries = _forgeries(world, order)
    before = {
        address: len(world.smarthost.delivered(address)) for address in (ATTACKER, BUYER_REAL, SELLER_REAL)
    }
    for _what, raw, to in forgeries:
        assert world.send(raw, envelope_from=ATTACKER, to=[to]) == {}  # the MX takes it for now
    # Each is refused by the relay at DATA; the MX's DSN goes to the envelope sender.
    wait_for(
        lambda: len(world.smarthost.delivered(ATTACKER)) == before[ATTACKER] + len(forgeries),
        what="a DSN per forgery",
    )
    dsns = world.smarthost.messages(ATTACKER)[before[ATTACKER] :]
    refused = [dsn for dsn in dsns if "5.7.1 Sender is not allowed" in dsn.as_string()]
    world.mx.wait_until(lambda: world.mx.queued() == 0, timeout=20, what="the MX's queue empties")
    assert not Message.objects.filter(channel="email").exists()
    assert {address: len(world.smarthost.delivered(address)) for address in (BUYER_REAL, SELLER_REAL)} == {
        BUYER_REAL: before[BUYER_REAL],
        SELLER_REAL: before[SELLER_REAL],
    }
    assert len(refused) == len(forgeries)
    world.figures["forged mails"] = [
        f"refused by the relay: {len(refused)} of {len(forgeries)} tried "
        f"(a DSN to the envelope sender for each, 0 to the forged party)",
        *(f"  - {what}" for what, _, _ in forgeries),
    ]


def test_an_unknown_alias_is_refused_at_rcpt_and_nobody_gets_a_bounce(world, order):
    before = {
        address: len(world.smarthost.delivered(address)) for address in (ATTACKER, BUYER_REAL, SELLER_REAL)
    }
    domain = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address.rpartition(
        "@"
    )[2]
    unknown = f"kobe.mari.tulo.deni.vasu.pole.ri@{domain}"  # the shape of a real one, nobody's
    raw = internet_mail(sender=ATTACKER, to=unknown, subject="hello", body="guessing").as_bytes()
    for _ in range(20):  # 450 while the MX's probe of the relay is in flight, then the answer
        try:
            world.send(raw, envelope_from=ATTACKER, to=[unknown])
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = refused.recipients[unknown]
            if code == 550:
                break
            assert code == 450, (code, text)
    else:
        pytest.fail("the MX did not refuse the unknown alias")
    assert b"5.1.1" in text
    assert world.mx.queued() == 0
    after = {
        address: len(world.smarthost.delivered(address)) for address in (ATTACKER, BUYER_REAL, SELLER_REAL)
    }
    assert after == before  # no bounce: the client was told at RCPT
    assert INTERNET in world.mx.log()  # the client really came from the Internet's side
