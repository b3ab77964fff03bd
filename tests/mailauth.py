"""Mail as the relay's two doors see it when the sender is genuine.

The SMTP server authenticates the sender itself: the tests write from this machine, and
loopback is a trusted network in the test settings (as in ``make run``). The webhook believes
its mail provider's ``Authentication-Results`` stamp: ``stamped`` adds one, as a provider that
checked the sender would. Tests of the authentication itself clear both and publish records on
a DNS server of their own (``tests/messaging/test_authentication.py``), signing with a ``Key``
whose public half they publish there (so does ``make bench``'s run through Postfix).
"""

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from messaging.authentication import Verdict, authenticate, from_identity


def genuine(raw: bytes) -> Verdict:
    """The verdict the SMTP server reaches for ``raw`` sent from this machine."""
    return authenticate(client_ip="127.0.0.1", helo="localhost", envelope_from="", raw=raw)


def stamped(raw: bytes) -> bytes:
    """``raw`` with the mail provider's verdict on top: SPF passed for the From: domain."""
    _, domain = from_identity(raw)
    verdict = f"spf=pass smtp.mailfrom={domain}; dkim=none; dmarc=pass header.from={domain}"
    return f"Authentication-Results: {settings.RELAY_AUTHSERV_ID}; {verdict}\r\n".encode() + raw


class Key:
    """An RSA key of the test's own, its public half published at ``<selector>._domainkey.<domain>``."""

    def __init__(self, dns, domain: str, selector: str = "t1") -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.domain, self.selector = domain, selector
        dns.publish_txt(
            f"{selector}._domainkey.{domain}", f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"
        )

    def sign(self, message: bytes, **options) -> bytes:
        signature = dkim.sign(
            message,
            self.selector.encode(),
            self.domain.encode(),
            self.pem,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=[b"from", b"to", b"subject", b"date", b"from"],
            **options,
        )
        return signature + message
