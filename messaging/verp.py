"""VERP: the envelope sender of every mail the product sends names its outbox row.

``bounce+<token>@<relay domain>``: a bounce (a DSN, a plain "undeliverable" mail) goes back
to the envelope sender, and its address says which outbox row it is about. The token is the
row's id and an HMAC of it (Django's ``salted_hmac`` with the SECRET_KEY and a salt of its
own), in lower-case letters and digits, since mail servers may fold the case of a local
part: nobody can make a valid address for a row from another's.
"""

from __future__ import annotations

import email
import email.policy
import hmac
import re
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "messaging.verp.bounce"
# 20 hex characters: 80 bits of signature.
_SIGNATURE_CHARS = 20
_ADDRESS = re.compile(rf"^bounce\+([0-9a-z]{{1,13}})-([0-9a-f]{{{_SIGNATURE_CHARS}}})$")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(outbound_id: int) -> str:
    return salted_hmac(_SALT, str(outbound_id), algorithm="sha256").hexdigest()[:_SIGNATURE_CHARS]


def bounce_domains() -> set[str]:
    """The domains a bounce address may have: every relay domain and the base one."""
    return {*settings.RELAY_DOMAINS.values(), settings.RELAY_BASE_DOMAIN.lower()}


def bounce_address(outbound_id: int, *, from_address: str) -> str:
    """The envelope sender of outbox row ``outbound_id``: at the domain of its ``From:``
    when that is a relay domain (a relayed copy: the marketplace's), else the base one."""
    domain = parseaddr(from_address)[1].rpartition("@")[2].lower()
    if domain not in bounce_domains():
        domain = settings.RELAY_BASE_DOMAIN.lower()
    return f"bounce+{_base36(outbound_id)}-{_signature(outbound_id)}@{domain}"


def is_bounce_address(address: str) -> bool:
    """Looks like a bounce address (signed or not): such mail is never relayed."""
    return address.strip().lower().startswith("bounce+")


def outbound_id_of(address: str) -> int | None:
    """The outbox row a bounce address names, or None: not one of ours, or its signature
    is wrong (forged, edited, another row's)."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    match = _ADDRESS.match(local)
    if match is None or domain not in bounce_domains():
        return None
    outbound_id = int(match.group(1), 36)
    if not hmac.compare_digest(match.group(2), _signature(outbound_id)):
        return None
    return outbound_id


def bounce_recipient(raw: bytes, envelope_to: list[str]) -> str | None:
    """The bounce address a mail is to (the envelope's recipients, else its ``To:``), if any."""
    if not envelope_to:
        headers = email.message_from_bytes(raw, policy=email.policy.compat32)
        envelope_to = [address for _, address in getaddresses(headers.get_all("To") or [])]
    return next((address for address in envelope_to if is_bounce_address(address)), None)
