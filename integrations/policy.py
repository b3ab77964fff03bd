"""The numbers and predicates of webhooks and the events feed."""

from __future__ import annotations

import ipaddress
import random
import socket
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

# Eight tries over about a day: 1, 4, 16, 64 minutes, then 4 hours, then 8 hours twice.
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=8)
RETRY_JITTER = 0.2  # ± a fifth, so retries of many failed deliveries do not arrive together

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 10
# A 410 Gone from the endpoint means "stop": the subscription is switched off.
GONE = 410

FEED_PAGE_SIZE = 100
MAX_FEED_PAGE_SIZE = 500
DELIVERY_LOG_PAGE_SIZE = 50
SWEEP_BATCH = 100
MAX_SUBSCRIPTIONS_PER_SELLER = 10
# The HMAC key's length in bytes (Standard Webhooks: 24 to 64).
SECRET_BYTES = 32
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """How long after its ``attempts``-th failed try a delivery is tried again."""
    base = min(FIRST_RETRY * 4 ** (attempts - 1), LONGEST_RETRY)
    jitter = (rng or random).uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)
    return base * jitter


def is_delivered(status_code: int) -> bool:
    return 200 <= status_code < 300


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def url_problem(url: str) -> str | None:
    """Why a subscription may not use ``url``, or None: https only, and never an address of
    our own network (the endpoint is the seller's; we must not be made to call our services).
    ``WEBHOOKS_ALLOW_LOOPBACK`` (DEBUG and the tests) also allows http://127.0.0.1 and localhost."""
    parts = urlsplit(url)
    loopback_allowed = settings.WEBHOOKS_ALLOW_LOOPBACK
    if not parts.hostname:
        return gettext("Enter a full URL, like https://example.com/webhooks.")
    if parts.username or parts.password:
        return gettext("The URL must not contain a user name or password.")
    if parts.scheme != "https" and not (
        parts.scheme == "http" and loopback_allowed and _is_local_name(parts)
    ):
        return gettext("The URL must start with https://.")
    return address_problem(parts.hostname, parts.port)


def address_problem(host: str, port: int | None) -> str | None:
    """None when every address ``host`` resolves to is public (or loopback, when allowed)."""
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return gettext("This host name could not be found.")
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_loopback and settings.WEBHOOKS_ALLOW_LOOPBACK:
            continue
        if not address.is_global or address.is_multicast:
            return gettext("The URL must point to a public internet address.")
    return None


def _is_local_name(parts) -> bool:
    return parts.hostname in {"127.0.0.1", "localhost", "::1"}
