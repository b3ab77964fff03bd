"""STARTTLS on the relay's SMTP server: offered when a certificate is configured, not
otherwise, and a certificate that cannot be used stops the relay at start."""

from __future__ import annotations

import datetime
import ipaddress
import smtplib
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from messaging import services
from messaging.models import Message
from messaging.smtpd import relay_controller
from sellercentral.processes import free_port

from .conftest import BUYER_REAL, SELLER_REAL, plain_mail

# The relay's server runs in a thread of its own, with its own database connection.
through_the_relay = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RELAY_NAME = "relay.sellercentral.test"


def key_and_certificate(name: str, *, ip: str | None = None) -> tuple[bytes, bytes]:
    """A fresh key and a self-signed certificate for ``name`` (and ``ip``), both in PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(name), *([x509.IPAddress(ipaddress.ip_address(ip))] if ip else [])]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for the relay's name, and its key, in files."""
    key_pem, cert_pem = key_and_certificate(RELAY_NAME)
    (tmp_path / "relay.key").write_bytes(key_pem)
    (tmp_path / "relay.crt").write_bytes(cert_pem)
    return tmp_path / "relay.crt", tmp_path / "relay.key"


def _running_relay():
    controller = relay_controller(host="127.0.0.1", port=free_port())
    controller.start()
    return controller


@through_the_relay
def test_with_a_certificate_the_relay_offers_starttls_and_mail_over_it_lands(order, settings, certificate):
    # Given the relay configured with a certificate
    settings.RELAY_TLS_CERT, settings.RELAY_TLS_KEY = certificate
    controller = _running_relay()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as client:
            # When a sending server sees STARTTLS offered and takes it, checking the certificate
            client.ehlo("mx.example.com")
            assert client.has_extn("starttls")
            trusting = ssl.create_default_context(cafile=str(certificate[0]))
            client._host = RELAY_NAME  # the name the sender checks the certificate against
            code, _ = client.starttls(context=trusting)
            assert code == 220
            assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
            client.ehlo("mx.example.com")
            assert not client.has_extn("starttls")  # offered once, before TLS only
            # and the buyer's mail goes over the encrypted session
            to = services.seller_alias(seller=order.seller, marketplace=order.marketplace).address
            client.send_message(
                plain_mail(sender=BUYER_REAL, to=to, subject="Re: enquiry", body="Is it Class 10?")
            )
    finally:
        controller.stop()
    # Then it lands in the thread and is relayed to the seller
    stored = Message.objects.get(channel="email")
    assert "Is it Class 10?" in stored.body_text
    assert [relayed.to for relayed in mail.outbox] == [[SELLER_REAL]]


@through_the_relay
def test_without_a_certificate_starttls_is_not_offered(order, settings):
    settings.RELAY_TLS_CERT = settings.RELAY_TLS_KEY = None
    controller = _running_relay()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as client:
            client.ehlo("mx.example.com")
            assert not client.has_extn("starttls")
            with pytest.raises(smtplib.SMTPNotSupportedError):
                client.starttls()
            # and a client that asks anyway is told no, the session going on in the clear
            assert client.docmd("STARTTLS")[0] in (454, 500, 502)
            assert client.noop()[0] == 250
    finally:
        controller.stop()


def test_a_key_that_does_not_match_the_certificate_stops_the_relay_at_start(settings, certificate, tmp_path):
    other_key, _ = key_and_certificate(RELAY_NAME)
    (tmp_path / "other.key").write_bytes(other_key)
    settings.RELAY_TLS_CERT, settings.RELAY_TLS_KEY = certificate[0], tmp_path / "other.key"
    with pytest.raises(ImproperlyConfigured, match="RELAY_TLS_CERT"):
        relay_controller(host="127.0.0.1", port=free_port())


def test_a_certificate_file_that_is_not_pem_stops_the_relay_at_start(settings, tmp_path):
    (tmp_path / "garbage.crt").write_text("not a certificate")
    settings.RELAY_TLS_CERT, settings.RELAY_TLS_KEY = tmp_path / "garbage.crt", None
    with pytest.raises(ImproperlyConfigured, match="RELAY_TLS_CERT"):
        relay_controller(host="127.0.0.1", port=free_port())


def test_a_certificate_file_that_cannot_be_read_stops_the_relay_at_start(settings, tmp_path):
    settings.RELAY_TLS_CERT, settings.RELAY_TLS_KEY = tmp_path / "missing.crt", None
    with pytest.raises(ImproperlyConfigured, match=r"RELAY_TLS_CERT: .* is not a readable file"):
        relay_controller(host="127.0.0.1", port=free_port())
