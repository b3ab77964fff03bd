"""The outbound SMTP conversation, against real SMTP servers (aiosmtpd) on loopback: UTF-8
addresses with SMTPUTF8 or a clear bounce, 8-bit bodies announced or downgraded, the EHLO
name and the Message-ID domain (docs/messaging.md, "The outbox")."""

from __future__ import annotations

import email
import email.policy
import ssl

import dkim as dkimpy
import pytest
from aiosmtpd.controller import Controller

from messaging import dns as messaging_dns
from messaging import services
from messaging.mailer import envelope_address
from messaging.models import Message, OutboundEmail
from messaging.services.bounces import NOTICE_SUBJECT
from sellercentral.processes import free_port

from .. import factories
from .conftest import SELLER_REAL
from .test_dkim import RECORD, run_keys_command
from .test_relay_tls import key_and_certificate

pytestmark = pytest.mark.django_db
JURGEN = "jürgen@example.com"
UK = "marketplace.uk.sellercentral.test"


class Recorder:
    """A signing_smarthost that keeps every MAIL it is given (address, parameters), every mail it
    accepts, and the name the client gave in EHLO."""

    def __init__(self):
        self.mails, self.received, self.ehlo_names, self.tls_sessions = [], [], [], []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlo_names.append(hostname)
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails.append((address, list(mail_options)))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.tls_sessions.append(session.ssl is not None)
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture(scope="session")
def _outbound_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dkim-outbound")  # made once: RSA keys take a while


@pytest.fixture
def signing_smarthost(settings, relay_dns, _outbound_key_dir):
    """A real signing_smarthost behind the production backend (DKIM keys made and published).
    ``signing_smarthost(smtputf8=…, eight_bit=…)`` says what its EHLO offers."""
    settings.RELAY_DKIM_KEY_DIR, settings.RELAY_DKIM_SELECTOR = _outbound_key_dir, "sc1"
    for line in run_keys_command():
        relay_dns.publish_txt(*RECORD.match(line).groups())
    started = []

    def start(*, smtputf8: bool = True, eight_bit: bool = True, tls_context=None) -> Recorder:
        recorder = Recorder()
        # decode_data=True is how aiosmtpd leaves 8BITMIME out (and refuses BODY=8BITMIME).
        controller = Controller(
            recorder,
            hostname="127.0.0.1",
            port=free_port(),
            enable_SMTPUTF8=smtputf8,
            decode_data=not eight_bit,
            tls_context=tls_context,
        )
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "messaging.mailer.DKIMSigningSMTPBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
        return recorder

    yield start
    for controller in started:
        controller.stop()


def _raw(envelope) -> bytes:
    return envelope.original_content or envelope.content


def _headers(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


@pytest.fixture
def jurgens_order(order):
    """Jürgen, whose real address has a UTF-8 local part, bought from the seller."""
    jurgen = factories.CustomerFactory(name="Jürgen Groß", email=JURGEN)
    return factories.order_with_items(seller=order.seller, customer=jurgen, order_id="203-4841771-0925113")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jurgen_writes_through_the_relay_and_the_sellers_reply_reaches_him_with_smtputf8(
    jurgens_order, smtp, signing_smarthost
):
    host = signing_smarthost(smtputf8=True)
    # Given Jürgen writes to the seller's masked address through the relay, from his UTF-8 address
    seller_alias = services.seller_alias(seller=jurgens_order.seller, marketplace=jurgens_order.marketplace)
    raw = (
        f"From: Jürgen Groß <{JURGEN}>\r\nTo: {seller_alias.address}\r\nSubject: Größe?\r\n"
        "Message-ID: <utf8-1@example.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Welche Größe hat die Karte?\r\n"
    ).encode()
    smtp.sendmail(JURGEN, [seller_alias.address], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    question = Message.objects.get(channel="email")
    assert question.thread.customer.email == JURGEN
    # and its relayed copy to the seller (ASCII addresses, 8-bit body) asked for no SMTPUTF8
    [(_, to_seller_options)] = host.mails
    assert "SMTPUTF8" not in to_seller_options and "BODY=8BITMIME" in to_seller_options
    # When the seller replies from Seller Central
    services.reply_to_thread(thread=question.thread, body="Sie hat 8 GB, Grüße")
    # Then the reply reaches Jürgen's own address, sent with SMTPUTF8 and BODY=8BITMIME
    reply = OutboundEmail.objects.get(to_address=JURGEN)
    assert (reply.status, reply.attempts, reply.last_error) == ("sent", 1, "")
    (_, options), envelope = host.mails[-1], host.received[-1]
    assert envelope.rcpt_tos == [JURGEN] and envelope.smtp_utf8
    assert "SMTPUTF8" in options and "BODY=8BITMIME" in options
    # with his address in UTF-8 in To: (RFC 6532), never as an encoded word
    sent = _raw(envelope)
    assert f"To: {JURGEN}".encode() in _headers(sent)
    assert b"=?utf-8?" not in _headers(sent).split(b"\r\nTo:")[1].split(b"\r\n")[0].lower()
    # (the standard library reads raw header bytes as ASCII: decode the UTF-8 first)
    parsed = email.message_from_string(sent.decode("utf-8"), policy=email.policy.SMTPUTF8)
    assert parsed["To"].addresses[0].addr_spec == JURGEN
    assert "Sie hat 8 GB, Grüße".encode() in sent  # the 8-bit body, as it was written
    # from the seller's masked address, signed so that it verifies against the published key
    assert parsed["From"].addresses[0].addr_spec == seller_alias.address
    assert dkimpy.verify(sent, dnsfunc=messaging_dns.dkim_txt)
    # and the client named itself as the relay, not as this machine
    assert set(host.ehlo_names) == {"relay.sellercentral.test"}


def test_without_smtputf8_the_reply_bounces_with_a_clear_reason_and_the_seller_is_told(
    jurgens_order, signing_smarthost, on_commit
):
    # Given a signing_smarthost that does not offer SMTPUTF8, and a thread with Jürgen
    host = signing_smarthost(smtputf8=False)
    thread = services.open_thread_for_order(order=jurgens_order)
    # When the seller writes to him
    on_commit(services.reply_to_thread, thread=thread, body="Ihre Bestellung ist unterwegs")
    # Then the mail is never started (no RFC 2047 address, no ASCII guess at his mailbox)
    assert host.mails == [] and host.received == []
    # and the copy is bounced at once, for good, with a reason that says why
    outbound = OutboundEmail.objects.get(to_address=JURGEN)
    assert (outbound.status, outbound.attempts) == ("bounced", 1)
    assert "SMTPUTF8" in outbound.last_error and "@" not in outbound.last_error
    assert services.due_outbound_email_ids() == []
    assert "relay_bounced" in outbound.message.events.values_list("event", flat=True)
    # and the seller is told in the thread, once, without Jürgen's address
    [notice] = Message.objects.filter(thread=thread, subject=NOTICE_SUBJECT)
    assert "non-ASCII characters" in notice.body_text and "SMTPUTF8" in notice.body_text
    assert JURGEN not in notice.body_text and "@" not in notice.body_text
    assert not notice.outbound_emails.exists()


def test_an_ascii_mail_asks_for_nothing_and_an_8bit_body_is_announced(order, signing_smarthost, on_commit):
    host = signing_smarthost()
    on_commit(services.contact_seller, order=order, subject="enquiry", body="plain words")
    on_commit(services.contact_seller, order=order, subject="enquiry", body="Größe?")
    [(_, ascii_options), (_, eight_bit_options)] = host.mails
    assert not any(option in ascii_options for option in ("SMTPUTF8", "BODY=8BITMIME"))
    assert "BODY=8BITMIME" in eight_bit_options and "SMTPUTF8" not in eight_bit_options
    assert host.received[0].rcpt_tos == [SELLER_REAL]


def test_a_server_without_8bitmime_gets_the_body_in_quoted_printable(order, signing_smarthost, on_commit):
    # Given a signing_smarthost that does not offer 8BITMIME (it would refuse BODY=8BITMIME)
    host = signing_smarthost(eight_bit=False)
    # When the buyer writes in German
    on_commit(services.contact_seller, order=order, subject="enquiry", body="Welche Größe hat die Karte?")
    # Then the mail arrives in 7 bits, announced as nothing, and reads the same
    [(_, options)] = host.mails
    assert options == [] or all(not option.startswith("BODY") for option in options)
    sent = _raw(host.received[0])
    assert sent.isascii() and b"quoted-printable" in sent
    parsed = email.message_from_bytes(sent, policy=email.policy.default)
    assert "Welche Größe hat die Karte?" in parsed.get_body(("plain",)).get_content()
    assert dkimpy.verify(sent, dnsfunc=messaging_dns.dkim_txt)
    assert OutboundEmail.objects.get().status == "sent"


def test_the_ehlo_name_and_the_message_id_domain_are_the_relays(db, signing_smarthost, settings, on_commit):
    host = signing_smarthost()
    settings.RELAY_HOSTNAME = "mx-out.example.org"
    # When the product sends a notification (it names no Message-ID of its own)
    on_commit(
        services.send_notification,
        key="test",
        to=["someone@example.org"],
        subject="Hello",
        template="notification",
        context={"lines": ["Hello"]},
    )
    # Then the client greets with the configured name and the Message-ID is at the relay domain
    assert host.ehlo_names == ["mx-out.example.org"]
    parsed = email.message_from_bytes(_raw(host.received[0]), policy=email.policy.default)
    assert parsed["Message-ID"].endswith("@sellercentral.test>")


def test_with_email_use_tls_the_mail_goes_over_verified_starttls(
    order, signing_smarthost, settings, tmp_path, monkeypatch, on_commit
):
    # Given a smarthost with a certificate the client trusts (standing in for a public CA's)
    key_pem, cert_pem = key_and_certificate("smarthost.example", ip="127.0.0.1")
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))  # what OpenSSL trusts
    host = signing_smarthost(tls_context=server_context)
    settings.EMAIL_USE_TLS = True
    # When the buyer writes
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Then the copy went over TLS
    assert OutboundEmail.objects.get().status == "sent"
    assert len(host.received) == 1 and host.tls_sessions == [True]


def test_with_email_use_tls_a_smarthost_without_starttls_gets_nothing_in_the_clear(
    order, signing_smarthost, settings, on_commit
):
    host = signing_smarthost()
    settings.EMAIL_USE_TLS = True
    on_commit(services.contact_seller, order=order, subject="enquiry", body="hello")
    # Nothing was said in the clear, and the copy waits to be tried again (a setup to fix)
    assert host.mails == [] and host.received == []
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == ("pending", 1)
    assert "STARTTLS" in outbound.last_error


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("luca@example.com", ("luca@example.com", False)),
        ("Luca <luca@example.com>", ("luca@example.com", False)),
        (JURGEN, (JURGEN, True)),
        ("Jürgen <jürgen@bücher.example>", ("jürgen@xn--bcher-kva.example", True)),
        ("luca@bücher.example", ("luca@xn--bcher-kva.example", False)),
    ],
)
def test_the_envelope_address_keeps_the_local_part_and_encodes_only_the_domain(address, expected):
    assert envelope_address(address) == expected


@pytest.mark.parametrize("address", ["jürgen@example.com\r\nRCPT TO:<x@evil.example>", "not an address"])
def test_an_address_that_would_inject_a_command_is_refused(address):
    with pytest.raises(ValueError):
        envelope_address(address)
