"""STARTTLS on the relay's SMTP server, when the operator configured a certificate.

``RELAY_TLS_CERT`` (PEM, the chain after the certificate) and ``RELAY_TLS_KEY`` (or the key in
the certificate's file). STARTTLS is offered, never required: RFC 3207 forbids a server that
the MX records name to insist on it, since senders without TLS would lose their mail. A
file that cannot be read, or a certificate that cannot be loaded (not PEM, a key that does not
match, a passphrase), stops the relay at start, not at the first sender's STARTTLS.
"""

from __future__ import annotations

import os
import ssl

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def relay_tls_context() -> ssl.SSLContext | None:
    """The server-side TLS context of the relay, or None when no certificate is configured."""
    if not settings.RELAY_TLS_CERT:
        return None
    for name in ("RELAY_TLS_CERT", "RELAY_TLS_KEY"):
        path = getattr(settings, name)
        if path and not (os.path.isfile(path) and os.access(path, os.R_OK)):
            raise ImproperlyConfigured(f"{name}: {str(path)!r} is not a readable file")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        # No passphrase prompt on a terminal: an encrypted key is a configuration error.
        context.load_cert_chain(settings.RELAY_TLS_CERT, settings.RELAY_TLS_KEY, password=lambda: b"")
    except (ssl.SSLError, OSError) as exc:
        raise ImproperlyConfigured(
            f"RELAY_TLS_CERT / RELAY_TLS_KEY could not be loaded as a certificate and its key: {exc}"
        ) from None
    return context
