"""Masked-address privacy: a real address appears nowhere in what the product sends.

Every test's mail goes through ``PrivacyCheckingBackend`` (set by an autouse fixture in
``tests/conftest.py``): each message is scanned for every real address the database knows
(users, buyers, alternate addresses) except its own recipients', and the test fails on a leak.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import quopri
import re
import zipfile
import zlib

from django.core.mail.backends.locmem import EmailBackend

# What the backend saw in this test and in the whole session (the note's figure).
leaks_found: list[str] = []
scanned = {"mails": 0}


def leaks(sent, real_addresses) -> list[str]:
    """Raw bytes, every decoded part and every decoded header (RFC 2047 words included), an
    attachment's bytes however they write an address (``payload_views``).

    The recipient's own address may stand in ``To`` (that is where the mail goes) and
    nowhere else.
    """
    return leaks_in_bytes(sent.message().as_bytes(), real_addresses, envelope_from=sent.from_email)


def leaks_in_bytes(raw: bytes, real_addresses, *, envelope_from: str = "") -> list[str]:
    """The same scan of a mail as delivered (a maildir file): its bytes, headers and parts."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    del parsed["To"]
    places = [envelope_from, parsed.as_bytes().decode("utf-8", "replace")]  # envelope too
    for part in parsed.walk():  # every part's headers (an attachment's name) decoded
        places += [str(value) for value in part.values()]
        if not part.is_multipart():
            places += payload_views(part.get_payload(decode=True) or b"")
    return [
        f"{address} leaked in: {place[:300]}"
        for address in real_addresses
        for place in places
        if address.lower() in place.lower()
    ]


def payload_views(payload: bytes) -> list[str]:
    """A part's bytes read each way a real address could be written in them: UTF-8 (or any
    ASCII-based charset), quoted-printable, UTF-16 either way round, markup taken out; and
    inside the files an attachment packs: a zip archive's (Office Open XML, OpenDocument) and a
    PDF's compressed streams, unpacked."""
    text = payload.decode("utf-8", "replace")
    views = [text, quopri.decodestring(payload).decode("utf-8", "replace")]
    views += [
        payload[start:].decode(order, "replace") for order in ("utf-16-le", "utf-16-be") for start in (0, 1)
    ]
    views += [re.sub(r"<[^<>]*>", "", view) for view in views if "<" in view]
    if payload.startswith(b"PK"):
        with contextlib.suppress(Exception), zipfile.ZipFile(io.BytesIO(payload)) as archive:
            views += [view for info in archive.infolist() for view in payload_views(archive.read(info))]
    for stream in re.findall(rb"(?<!end)stream\r?\n(.*?)endstream", payload, re.S):
        with contextlib.suppress(zlib.error):
            views += payload_views(zlib.decompressobj().decompress(stream))
    return views


def assert_no_real_address(sent, real_addresses: list[str]) -> None:
    found = leaks(sent, real_addresses)
    assert not found, found[0]


def real_addresses_known() -> set[str]:
    from django.contrib.auth import get_user_model

    from commerce.models import Customer
    from messaging.models import AlternateAddress

    addresses = set(get_user_model().objects.exclude(email="").values_list("email", flat=True))
    addresses |= set(Customer.objects.values_list("email", flat=True))
    addresses |= set(AlternateAddress.objects.values_list("email", flat=True))
    return {address.lower() for address in addresses}


class PrivacyCheckingBackend(EmailBackend):
    """The locmem backend (``mail.outbox``) that first scans each message for real addresses."""

    def send_messages(self, messages):
        for message in messages:
            own = {address.lower() for address in message.recipients()}
            leaks_found.extend(leaks(message, sorted(real_addresses_known() - own)))
            scanned["mails"] += 1
        return super().send_messages(messages)
