"""Sender authentication: SPF, DKIM and DMARC alignment, against a DNS server of our own.

Every record a check reads is published by the test on ``relay_dns`` (loopback, dnslib); the
domains are ``.example`` names or real-looking ones no test could reach elsewhere, so a
look-up that went anywhere but the configured resolver would find nothing.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from ipaddress import ip_network

import authres
import dkim
import pytest

from messaging import dns as messaging_dns
from messaging.authentication import (
    aligned,
    authenticate,
    from_identity,
    organisational_domain,
    verdict_from_authentication_results,
)

from ..dnsserver import closed_port
from ..mailauth import Key

MERCHANT_IP = "192.0.2.10"
ATTACKER_IP = "198.51.100.66"


def mail(
    sender: str = "Orders <orders@merchant.example>", body: str = "Your parcel left today.", **headers
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "a1b2c3@marketplace.uk.sellercentral.test"
    message["Subject"] = "Your order 202-0697275-2144321"
    message["Date"] = "Mon, 04 May 2026 10:00:00 +0000"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def check(
    raw: bytes, *, client_ip=ATTACKER_IP, helo="mx.somewhere.example", envelope_from="x@somewhere.example"
):
    return authenticate(client_ip=client_ip, helo=helo, envelope_from=envelope_from, raw=raw)


# --- SPF --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "client_ip", "spf", "authenticated"),
    [
        ("v=spf1 ip4:192.0.2.0/24 -all", MERCHANT_IP, "pass", True),
        ("v=spf1 ip4:192.0.2.0/24 -all", ATTACKER_IP, "fail", False),
        ("v=spf1 ip4:192.0.2.0/24 ~all", ATTACKER_IP, "softfail", False),
        ("v=spf1 ip4:192.0.2.0/24 ?all", ATTACKER_IP, "neutral", False),
        (None, MERCHANT_IP, "none", False),
    ],
)
def test_spf_of_the_client_ip_for_the_envelope_sender(relay_dns, record, client_ip, spf, authenticated):
    if record:
        relay_dns.publish_txt("merchant.example", record)
    verdict = check(mail(), client_ip=client_ip, envelope_from="bounces@merchant.example")
    assert (verdict.spf, verdict.spf_scope, verdict.spf_domain) == (spf, "mailfrom", "merchant.example")
    assert verdict.authenticated is authenticated
    assert verdict.spf_aligned is authenticated
    assert verdict.temporary is False
    assert ("TXT", "merchant.example") in [(qtype, name) for _, qtype, name in relay_dns.queries]


def test_spf_follows_includes_and_a_records_through_the_configured_server(relay_dns):
    relay_dns.publish_txt(
        "merchant.example", "v=spf1 include:_spf.provider.example a:out.merchant.example -all"
    )
    relay_dns.publish_txt("_spf.provider.example", "v=spf1 ip4:203.0.113.0/24 -all")
    relay_dns.a["out.merchant.example"] = [MERCHANT_IP]
    for client_ip in ("203.0.113.5", MERCHANT_IP):
        assert check(mail(), client_ip=client_ip, envelope_from="bounces@merchant.example").spf == "pass"
    assert check(mail(), client_ip=ATTACKER_IP, envelope_from="bounces@merchant.example").spf == "fail"


def test_a_null_sender_is_checked_by_its_helo_name(relay_dns):
    relay_dns.publish_txt("mx.merchant.example", f"v=spf1 ip4:{MERCHANT_IP} -all")
    verdict = check(
        mail("MAILER-DAEMON@mx.merchant.example"),
        client_ip=MERCHANT_IP,
        helo="mx.merchant.example",
        envelope_from="",
    )
    assert (verdict.spf, verdict.spf_scope, verdict.spf_domain) == ("pass", "helo", "mx.merchant.example")
    assert verdict.authenticated


def test_an_spf_pass_for_another_domain_does_not_vouch_for_the_from_address(relay_dns):
    """The issue's swaks repro: MAIL FROM attacker@evil.example (SPF passes), From: the seller."""
    relay_dns.publish_txt("evil.example", f"v=spf1 ip4:{ATTACKER_IP} -all")
    verdict = check(mail("seller@merchant.example"), envelope_from="attacker@evil.example")
    assert verdict.spf == "pass"
    assert not verdict.spf_aligned
    assert not verdict.authenticated
    assert verdict.result == "fail"


# --- DKIM -------------------------------------------------------------------------------
def test_a_genuine_signed_mail_passes_and_aligns(relay_dns):
    key = Key(relay_dns, "merchant.example")
    verdict = check(key.sign(mail()))
    assert verdict.spf == "none"
    assert verdict.dkim == (("merchant.example", "pass"),)
    assert verdict.dkim_domains == ("merchant.example",)
    assert verdict.dkim_aligned and verdict.authenticated
    assert (verdict.from_address, verdict.from_domain) == ("orders@merchant.example", "merchant.example")


def test_a_forged_from_with_a_valid_signature_of_another_domain_is_not_authenticated(relay_dns):
    relay_dns.publish_txt("_dmarc.merchant.example", "v=DMARC1; p=reject")
    evil = Key(relay_dns, "evil.example")
    verdict = check(evil.sign(mail("Test UK Seller <orders@merchant.example>")))
    assert verdict.dkim == (("evil.example", "pass"),)
    assert not verdict.dkim_aligned
    assert not verdict.authenticated
    assert (verdict.dmarc, verdict.dmarc_policy) == ("fail", "reject")


def test_a_body_altered_after_signing_fails(relay_dns):
    key = Key(relay_dns, "merchant.example")
    signed = key.sign(mail(body="Refund of 10.00 GBP approved."))
    altered = signed.replace(b"10.00 GBP", b"99.00 GBP")
    assert check(signed).authenticated
    verdict = check(altered)
    assert verdict.dkim == (("merchant.example", "fail"),)
    assert not verdict.authenticated and not verdict.temporary


def test_a_from_header_added_above_a_signed_one_is_refused(relay_dns):
    key = Key(relay_dns, "merchant.example")
    forged = b"From: ceo@merchant.example\r\n" + key.sign(mail())
    verdict = check(forged)
    assert verdict.from_address == ""  # two From: headers: no identity at all
    assert not verdict.authenticated
    assert verdict.dmarc == "permerror"


def test_a_length_limited_signature_does_not_count(relay_dns):
    key = Key(relay_dns, "merchant.example")
    signed = key.sign(mail(), length=True)
    appended = signed + b"\r\nClick https://evil.example/refund\r\n"
    assert dkim.verify(appended, dnsfunc=messaging_dns.dkim_txt)  # dkimpy alone would accept it
    verdict = check(appended)
    assert verdict.dkim == (("merchant.example", "policy"),)
    assert not verdict.authenticated


def test_every_signature_is_verified_and_one_aligned_pass_is_enough(relay_dns):
    evil, merchant = Key(relay_dns, "evil.example"), Key(relay_dns, "merchant.example", "s2")
    both = evil.sign(merchant.sign(mail()))
    verdict = check(both)
    assert verdict.dkim == (("evil.example", "pass"), ("merchant.example", "pass"))
    assert verdict.authenticated


def test_a_signature_whose_key_is_not_published_fails_without_being_temporary(relay_dns):
    key = Key(relay_dns, "merchant.example")
    relay_dns.txt.clear()
    verdict = check(key.sign(mail()))
    assert verdict.dkim == (("merchant.example", "fail"),)
    assert (verdict.authenticated, verdict.temporary, verdict.result) == (False, False, "fail")


# --- Alignment through organisational domains --------------------------------------------
def test_relaxed_alignment_through_the_organisational_domain(relay_dns):
    key = Key(relay_dns, "mail.example.com")
    relay_dns.publish_txt("bounce.example.com", f"v=spf1 ip4:{MERCHANT_IP} -all")
    relay_dns.publish_txt("_dmarc.example.com", "v=DMARC1; p=quarantine; sp=reject")
    signed = check(key.sign(mail("News <news@example.com>")))
    assert signed.dkim_aligned and signed.authenticated
    assert (signed.dmarc, signed.dmarc_policy) == ("pass", "quarantine")
    by_spf = check(mail("news@shop.example.com"), client_ip=MERCHANT_IP, envelope_from="b@bounce.example.com")
    assert by_spf.spf_aligned and by_spf.authenticated
    assert (by_spf.dmarc, by_spf.dmarc_policy) == ("pass", "reject")  # sp= of the organisational domain


@pytest.mark.parametrize(
    ("domain", "from_domain", "expected"),
    [
        ("mail.example.com", "example.com", True),
        ("example.com", "shop.example.com", True),
        ("example.com.evil.example", "example.com", False),
        ("mail.example.co.uk", "example.co.uk", True),
        ("other.co.uk", "example.co.uk", False),  # co.uk is a public suffix, not one organisation
        ("", "example.com", False),
    ],
)
def test_alignment_is_by_organisational_domain(domain, from_domain, expected):
    assert aligned(domain, from_domain) is expected
    assert organisational_domain("a.b.example.co.uk") == "example.co.uk"


# --- Trusted networks ------------------------------------------------------------------
@pytest.mark.parametrize("client_ip", ["127.0.0.1", "::ffff:127.0.0.1", "10.1.2.3"])
def test_a_client_in_a_trusted_network_counts_as_an_aligned_spf_pass(relay_dns, settings, client_ip):
    settings.RELAY_TRUSTED_NETWORKS = (ip_network("127.0.0.0/8"), ip_network("10.0.0.0/8"))
    relay_dns.mode = "servfail"  # no look-up is needed, and none would answer
    verdict = check(mail(), client_ip=client_ip)
    assert verdict.trusted_network and verdict.spf_aligned and verdict.authenticated
    assert verdict.summary().startswith("spf=pass (trusted network)")
    outside = check(mail(), client_ip="192.168.1.1")
    assert not outside.trusted_network and not outside.authenticated


# --- DNS failures are temporary -----------------------------------------------------------
@pytest.mark.parametrize("failure", ["servfail", "silent", "no server"])
def test_dns_down_is_a_temporary_error_not_a_failure(relay_dns, settings, monkeypatch, failure):
    key = Key(relay_dns, "merchant.example")
    relay_dns.publish_txt("merchant.example", f"v=spf1 ip4:{MERCHANT_IP} -all")
    signed = key.sign(mail())
    monkeypatch.setattr(messaging_dns, "LIFETIME", 0.5)  # each look-up gives up after 0.5 s
    if failure == "no server":
        settings.RELAY_DNS_NAMESERVERS = [("127.0.0.1", closed_port())]
    else:
        relay_dns.mode = failure
    verdict = check(signed, client_ip=MERCHANT_IP, envelope_from="bounces@merchant.example")
    assert (verdict.spf, verdict.dkim) == ("temperror", (("merchant.example", "temperror"),))
    assert (verdict.authenticated, verdict.temporary, verdict.result) == (False, True, "temperror")


def test_txt_records_longer_than_a_udp_answer_come_over_tcp(relay_dns):
    long_record = "v=DKIM1; k=rsa; p=" + "A" * 1500
    relay_dns.publish_txt("big._domainkey.merchant.example", long_record)
    assert messaging_dns.txt_records("big._domainkey.merchant.example") == [long_record]
    protocols = {
        protocol for protocol, _, name in relay_dns.queries if name == "big._domainkey.merchant.example"
    }
    assert protocols == {"udp", "tcp"}


def test_answers_are_kept_for_their_ttl_and_asked_again_when_it_is_zero(relay_dns):
    key = Key(relay_dns, "merchant.example")
    relay_dns.publish_txt("merchant.example", "v=spf1 ip4:192.0.2.0/24 -all")
    relay_dns.publish_txt("_dmarc.merchant.example", "v=DMARC1; p=reject")
    relay_dns.ttl = 300
    for _ in range(3):
        assert check(
            key.sign(mail()), client_ip=MERCHANT_IP, envelope_from="bounces@merchant.example"
        ).authenticated
    cached = [name for _, _, name in relay_dns.queries]
    relay_dns.ttl, relay_dns.queries[:] = 0, []
    relay_dns.publish_txt("_dmarc.shop.example", "v=DMARC1; p=none")
    for _ in range(2):  # a TTL of 0: not kept at all
        assert messaging_dns.txt_records("_dmarc.shop.example") == ["v=DMARC1; p=none"]
    assert sorted(cached) == sorted(
        ["merchant.example", f"{key.selector}._domainkey.merchant.example", "_dmarc.merchant.example"]
    )
    assert [name for _, _, name in relay_dns.queries] == ["_dmarc.shop.example"] * 2


# --- The From: identity -------------------------------------------------------------------
@pytest.mark.parametrize(
    "from_value",
    [
        "seller@merchant.example, attacker@evil.example",
        "undisclosed-recipients:;",
        "no address here",
        '"seller@merchant.example" <attacker@evil.example',
        "seller@merchant.example <attacker@evil.example>",
        "<seller@merchant.example>@evil.example",
        "Seller <seller@merchant.example> <attacker@evil.example>",
    ],
)
def test_a_from_header_without_exactly_one_address_authenticates_nobody(relay_dns, from_value):
    relay_dns.publish_txt("merchant.example", f"v=spf1 ip4:{MERCHANT_IP} -all")
    raw = b"From: " + from_value.encode() + b"\r\nSubject: hi\r\n\r\nbody\r\n"
    verdict = check(raw, client_ip=MERCHANT_IP, envelope_from="orders@merchant.example")
    assert verdict.from_address == ""
    assert not verdict.authenticated and not verdict.temporary


def test_from_identity_reads_utf8_addresses_and_display_names():
    raw = "From: Jürgen Müller <jürgen@Merchant.Example>\r\n\r\nHallo\r\n".encode()
    assert from_identity(raw) == ("jürgen@merchant.example", "merchant.example")


# --- What is stored ---------------------------------------------------------------------
def test_the_summary_is_a_valid_authentication_results_value(relay_dns):
    relay_dns.publish_txt("_dmarc.merchant.example", "v=DMARC1; p=reject")
    evil, merchant = Key(relay_dns, "evil.example"), Key(relay_dns, "merchant.example")
    verdict = check(evil.sign(merchant.sign(mail())), envelope_from="bounces@merchant.example")
    header = authres.AuthenticationResultsHeader.parse_value(f"relay.sellercentral.test; {verdict.summary()}")
    read = [
        (r.method, r.result, {p.type + "." + p.name: p.value for p in r.properties}) for r in header.results
    ]
    assert read == [
        ("spf", "none", {"smtp.mailfrom": "merchant.example"}),
        ("dkim", "pass", {"header.d": "evil.example"}),
        ("dkim", "pass", {"header.d": "merchant.example"}),
        ("dmarc", "pass", {"policy.dmarc": "reject", "header.from": "merchant.example"}),
    ]


# --- The webhook: the provider's Authentication-Results -------------------------------------
PROVIDER = "mx.provider.example"


def received(*results: str, sender="Orders <orders@merchant.example>") -> bytes:
    stamped = "".join(f"Authentication-Results: {value}\r\n" for value in results)
    return stamped.encode() + mail(sender)


@pytest.mark.parametrize(
    ("results", "authenticated"),
    [
        (f"{PROVIDER}; spf=pass smtp.mailfrom=bounce@mail.merchant.example; dkim=none", True),
        (f"{PROVIDER}; spf=fail smtp.mailfrom=merchant.example; dkim=pass header.d=merchant.example", True),
        (f"{PROVIDER}; spf=pass smtp.mailfrom=attacker@evil.example; dkim=pass header.d=evil.example", False),
        (
            f"{PROVIDER}; spf=softfail smtp.mailfrom=merchant.example; dkim=fail header.d=merchant.example",
            False,
        ),
        (f"{PROVIDER}; dmarc=pass header.from=merchant.example", True),
        (f"{PROVIDER}; dmarc=pass header.from=evil.example", False),
        (f"{PROVIDER.upper()}; spf=pass smtp.mailfrom=merchant.example", True),
    ],
)
def test_the_configured_providers_results_decide_with_our_alignment(results, authenticated):
    verdict = verdict_from_authentication_results(received(results), PROVIDER)
    assert verdict.authenticated is authenticated
    assert verdict.authserv_id == PROVIDER
    assert verdict.from_domain == "merchant.example"


def test_results_stamped_by_anyone_else_are_ignored():
    forged = "attacker.example; spf=pass smtp.mailfrom=merchant.example; dkim=pass header.d=merchant.example"
    verdict = verdict_from_authentication_results(received(forged), PROVIDER)
    assert (verdict.authenticated, verdict.authserv_id, verdict.spf, verdict.dkim) == (False, "", "none", ())
    assert not verdict_from_authentication_results(
        received(forged.replace("attacker.example", PROVIDER)), ""
    ).authenticated


def test_only_the_topmost_header_of_the_provider_counts():
    """The provider prepends its own header; a lower one with its name came in with the mail."""
    own = f"{PROVIDER}; spf=fail smtp.mailfrom=attacker@evil.example; dkim=none"
    smuggled = f"{PROVIDER}; spf=pass smtp.mailfrom=merchant.example; dkim=pass header.d=merchant.example"
    verdict = verdict_from_authentication_results(received(own, smuggled), PROVIDER)
    assert not verdict.authenticated
    assert verdict.spf == "fail"


def test_a_providers_temporary_error_is_temporary():
    verdict = verdict_from_authentication_results(
        received(
            f"{PROVIDER}; spf=temperror smtp.mailfrom=merchant.example; dkim=temperror header.d=merchant.example"
        ),
        PROVIDER,
    )
    assert (verdict.authenticated, verdict.temporary, verdict.result) == (False, True, "temperror")
