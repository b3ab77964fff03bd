"""Mail as the relay's two doors see it when the sender is genuine.

The SMTP server authenticates the sender itself: the tests write from this machine, and
loopback is a trusted network in the test settings (as in ``make run``). The webhook believes
its mail provider's ``Authentication-Results`` stamp: ``stamped`` adds one, as a provider that
checked the sender would. Tests of the authentication itself clear both and publish records on
a DNS server of their own (``tests/messaging/test_authentication.py``).
"""

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
