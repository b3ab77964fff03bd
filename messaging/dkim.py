"""DKIM signatures on the mail we send (RFC 6376), one key per relay domain.

Keys live in ``settings.RELAY_DKIM_KEY_DIR`` as ``<domain>.<selector>.pem`` (RSA 2048, PKCS#1,
mode 0600), made by ``manage.py relay_dkim_keys``, which prints the TXT record to publish at
``<selector>._domainkey.<domain>``. The signing domain (d=) is the ``From:`` domain when it
is one of ours (a relay domain or ``DEFAULT_FROM_EMAIL``'s), else ``DEFAULT_FROM_EMAIL``'s.
"""

from __future__ import annotations

import base64
import os
import re
from email.utils import parseaddr
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from .authentication import from_identity, normalise_domain

KEY_BITS = 2048
# RFC 6376 §5.4.1: the fields that carry what the reader sees and how the body is read,
# signed in the order they stand. Return-Path, Received, Bcc and DKIM-Signature never.
SIGNED = (
    "from", "sender", "reply-to", "subject", "date", "message-id", "to", "cc", "in-reply-to",
    "references", "mime-version", "content-type", "content-transfer-encoding", "content-id",
    "content-description", "auto-submitted", "list-id", "list-unsubscribe", "list-unsubscribe-post",
)  # fmt: skip
# Signed once more than they occur (§5.4.2, §8.15): no one can add a From:, a second
# Subject: or a Reply-To: to a signed mail without breaking its signature.
OVERSIGNED = ("from", "sender", "reply-to", "subject", "to", "cc")
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


class MissingDKIMKey(Exception):
    """No key for the domain: run ``manage.py relay_dkim_keys`` (and publish its records)."""


def key_path(domain: str) -> Path:
    domain = normalise_domain(domain)
    if not _DOMAIN.fullmatch(domain):
        raise ValueError(f"not a mail domain: {domain!r}")
    return Path(settings.RELAY_DKIM_KEY_DIR) / f"{domain}.{settings.RELAY_DKIM_SELECTOR}.pem"


def product_domain() -> str:
    return normalise_domain(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2])


def our_domains() -> list[str]:
    """Every domain we sign for: the relay domains and the product's sender domain."""
    domains = [normalise_domain(domain) for domain in settings.RELAY_DOMAINS.values()]
    return list(dict.fromkeys([*domains, product_domain()]))


def signing_domain(message: bytes) -> str:
    """d= for ``message``: its ``From:`` domain when we sign for it, else the product's."""
    _, from_domain = from_identity(message)
    return from_domain if from_domain in our_domains() else product_domain()


def ensure_key(domain: str) -> tuple[Path, bool]:
    """The key file for ``domain``, made (RSA 2048, mode 0600) when missing; True when made now."""
    path = key_path(domain)
    if path.exists():
        return path, False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    try:
        os.link(partial, path)  # never replaces a key another process made meanwhile
        made = True
    except FileExistsError:
        made = False
    finally:
        partial.unlink()
    return path, made


def _private_key(domain: str) -> bytes:
    try:
        return key_path(domain).read_bytes()
    except FileNotFoundError:
        raise MissingDKIMKey(f"no DKIM key for {domain}: run `manage.py relay_dkim_keys`") from None


def dns_record(domain: str) -> str:
    """``<selector>._domainkey.<domain> TXT "v=DKIM1; k=rsa; p=…"`` for the domain's key."""
    key = serialization.load_pem_private_key(_private_key(domain), password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    name = f"{settings.RELAY_DKIM_SELECTOR}._domainkey.{normalise_domain(domain)}"
    return f'{name} TXT "v=DKIM1; k=rsa; p={base64.b64encode(public).decode("ascii")}"'


def sign(message: bytes, *, domain: str) -> bytes:
    """``message`` with a DKIM-Signature of ``domain`` prepended (relaxed/relaxed, rsa-sha256)."""
    domain = normalise_domain(domain)
    linesep = b"\r\n" if message.partition(b"\n")[0].endswith(b"\r") else b"\n"  # the message's own
    signer = dkim.DKIM(message, linesep=linesep)
    present = [name.decode("ascii", "replace").lower() for name, _ in signer.headers]
    include = [name for name in present if name in SIGNED] + list(OVERSIGNED)
    signature = signer.sign(
        settings.RELAY_DKIM_SELECTOR.encode("ascii"),
        domain.encode("ascii"),
        _private_key(domain),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name.encode("ascii") for name in include],
    )
    return signature + message
