"""Outbound DKIM: keys per relay domain, the records to publish, signed mail on the wire."""

from __future__ import annotations

import io
import re
import stat
import threading

import dkim as dkimpy
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from django.core import mail
from django.core.management import call_command

from messaging import dkim
from messaging import dns as messaging_dns
from messaging.authentication import authenticate
from sellercentral.processes import free_port

UK = "marketplace.uk.sellercentral.test"
RECORD = re.compile(r'^(sc1\._domainkey\.[a-z0-9.-]+) TXT "(v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*)"$')


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.RELAY_DKIM_KEY_DIR = tmp_path / "dkim"
    settings.RELAY_DKIM_SELECTOR = "sc1"
    return settings.RELAY_DKIM_KEY_DIR


def run_keys_command() -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("relay_dkim_keys", stdout=out, stderr=err)
    return out.getvalue().splitlines()


@pytest.fixture(scope="session")
def shared_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dkim-keys")  # made once: RSA keys take a while


@pytest.fixture
def published(db, settings, shared_key_dir, relay_dns):
    """The keys made by ``relay_dkim_keys`` and its printed records served by the test's DNS."""
    settings.RELAY_DKIM_KEY_DIR, settings.RELAY_DKIM_SELECTOR = shared_key_dir, "sc1"
    for line in run_keys_command():
        name, value = RECORD.match(line).groups()
        relay_dns.publish_txt(name, value)
    return relay_dns


def signed_headers(message: bytes) -> dict[bytes, bytes]:
    signature = message.split(b"\r\n\r\n", 1)[0].split(b"DKIM-Signature:", 1)[1]
    signature = re.split(rb"\r\n(?=\S)", signature)[0]
    return dkimpy.util.parse_tag_value(signature.strip())


def django_mail(**overrides) -> bytes:
    fields = {
        "subject": "Question about 202-0697275-2144321",
        "body": "Is it Class 10?",
        "from_email": f"Luca <a1b2c3@{UK}>",
        "to": ["orders@test-uk-seller.example.net"],
        "headers": {"Reply-To": f"a1b2c3@{UK}", "Message-ID": f"<m1@{UK}>"},
    }
    return mail.EmailMessage(**{**fields, **overrides}).message().as_bytes(linesep="\r\n")


# --- Keys and records --------------------------------------------------------------------
def test_the_command_makes_a_key_per_relay_domain_and_prints_each_record(db, key_dir, settings):
    lines = run_keys_command()
    domains = [RECORD.match(line).group(1).removeprefix("sc1._domainkey.") for line in lines]
    assert domains == [*settings.RELAY_DOMAINS.values(), "sellercentral.test"]
    for domain in domains:
        path = key_dir / f"{domain}.sc1.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert key.key_size == 2048
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700


def test_existing_keys_are_kept_and_printed_again(db, key_dir):
    first = run_keys_command()
    before = {path.name: path.read_bytes() for path in key_dir.iterdir()}
    assert run_keys_command() == first
    assert {path.name: path.read_bytes() for path in key_dir.iterdir()} == before


def test_the_selector_is_configurable(db, key_dir, settings):
    settings.RELAY_DKIM_SELECTOR = "2026a"
    assert all(line.startswith("2026a._domainkey.") for line in run_keys_command())
    assert (key_dir / f"{UK}.2026a.pem").exists()


def test_private_keys_stay_out_of_the_repository():
    from pathlib import Path

    ignored = Path(__file__).resolve().parents[2].joinpath(".gitignore").read_text().split()
    assert "var/" in ignored  # RELAY_DKIM_KEY_DIR's default is <VAR_DIR>/dkim


def test_a_domain_is_never_a_path(key_dir):
    with pytest.raises(ValueError, match="not a mail domain"):
        dkim.key_path("../../etc/passwd")


# --- Signing -------------------------------------------------------------------------------
def test_outbound_mail_verifies_against_the_printed_record(published):
    signed = dkim.sign(django_mail(), domain=UK)
    assert dkimpy.verify(signed, dnsfunc=messaging_dns.dkim_txt)
    tags = signed_headers(signed)
    assert (tags[b"d"], tags[b"s"], tags[b"c"], tags[b"a"]) == (
        UK.encode(),
        b"sc1",
        b"relaxed/relaxed",
        b"rsa-sha256",
    )
    listed = [name.strip() for name in tags[b"h"].split(b":")]
    assert listed.count(b"from") == 2  # oversigned: no From: can be added
    for name in (b"to", b"subject", b"date", b"message-id", b"reply-to", b"mime-version", b"content-type"):
        assert name in listed
    verdict = authenticate(client_ip="203.0.113.9", helo="out.example", envelope_from="", raw=signed)
    assert verdict.dkim == ((UK, "pass"),) and verdict.authenticated


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: m.replace(b"Is it Class 10?", b"Is it Class 4?"),
        lambda m: m.replace(b"Subject: Question", b"Subject: Urgent question"),
        lambda m: b"Reply-To: attacker@evil.example\r\n" + m.replace(b"Reply-To:", b"X-Old-Reply-To:"),
        lambda m: b"Subject: Your refund\r\n" + m,
        lambda m: b"Cc: attacker@evil.example\r\n" + m,
    ],
    ids=["body", "subject", "reply-to replaced", "second subject added", "cc added"],
)
def test_a_signed_mail_changed_in_transit_no_longer_verifies(published, tamper):
    signed = dkim.sign(django_mail(), domain=UK)
    assert not dkimpy.verify(tamper(signed), dnsfunc=messaging_dns.dkim_txt)


@pytest.mark.parametrize(
    ("from_email", "domain"),
    [
        (f"Luca <a1b2c3@{UK}>", UK),
        ("Seller Central <no-reply@sellercentral.test>", "sellercentral.test"),
        ("someone@elsewhere.example", "sellercentral.test"),
    ],
)
def test_the_signing_domain_is_the_from_domain_when_it_is_ours(settings, from_email, domain):
    assert dkim.signing_domain(django_mail(from_email=from_email)) == domain


def test_signing_without_a_key_says_how_to_make_one(key_dir):
    with pytest.raises(dkim.MissingDKIMKey, match="relay_dkim_keys"):
        dkim.sign(django_mail(), domain=UK)


# --- The backend, against a real SMTP server ---------------------------------------------------
class Recorder:
    def __init__(self):
        self.envelopes = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.received.set()
        return "250 OK"


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, recorder
    controller.stop()


def test_the_backend_sends_signed_bytes_with_its_own_envelope_sender(published, smtp_server):
    port, recorder = smtp_server
    connection = mail.get_connection("messaging.mailer.DKIMSigningSMTPBackend", host="127.0.0.1", port=port)
    message = mail.EmailMessage(
        subject="Question about 202-0697275-2144321",
        body="Is it Class 10?",
        from_email=f"bounce+x7@{UK}",  # the envelope (VERP later); the From: header differs
        to=["orders@test-uk-seller.example.net"],
        headers={"From": f"Luca <a1b2c3@{UK}>", "Reply-To": f"a1b2c3@{UK}"},
        connection=connection,
    )
    assert message.send() == 1
    assert recorder.received.wait(10)
    mail_from, rcpt_tos, content = recorder.envelopes[0]
    assert (mail_from, rcpt_tos) == (f"bounce+x7@{UK}", ["orders@test-uk-seller.example.net"])
    assert content.startswith(b"DKIM-Signature:")
    assert f"From: Luca <a1b2c3@{UK}>".encode() in content
    assert dkimpy.verify(content, dnsfunc=messaging_dns.dkim_txt)
    assert signed_headers(content)[b"d"] == UK.encode()


def test_product_notifications_are_signed_for_the_product_domain(published, smtp_server):
    port, recorder = smtp_server
    connection = mail.get_connection("messaging.mailer.DKIMSigningSMTPBackend", host="127.0.0.1", port=port)
    mail.EmailMessage(
        "Return authorised", "Your return was authorised.", None, ["luca@example.com"], connection=connection
    ).send()
    assert recorder.received.wait(10)
    mail_from, _, content = recorder.envelopes[0]
    assert mail_from == "no-reply@sellercentral.test"
    assert signed_headers(content)[b"d"] == b"sellercentral.test"
    assert dkimpy.verify(content, dnsfunc=messaging_dns.dkim_txt)


def test_the_backend_refuses_to_send_unsigned(key_dir, smtp_server):
    """No key (the operator did not run relay_dkim_keys): the send fails and the outbox retries."""
    port, recorder = smtp_server
    connection = mail.get_connection("messaging.mailer.DKIMSigningSMTPBackend", host="127.0.0.1", port=port)
    with pytest.raises(dkim.MissingDKIMKey):
        mail.EmailMessage("s", "b", None, ["luca@example.com"], connection=connection).send()
    assert recorder.envelopes == []
