"""Checks that a real address appears nowhere in what the relay sent."""

import email
import email.policy


def assert_no_real_address(sent, real_addresses: list[str]) -> None:
    """Raw bytes, every decoded part and every decoded header (RFC 2047 words included).

    The recipient's own address may stand in ``To`` (that is where the mail goes) and
    nowhere else.
    """
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    del parsed["To"]
    raw = parsed.as_bytes()
    places = [raw.decode("utf-8", "replace")]
    places += [str(value) for value in parsed.values()]
    for part in parsed.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            places.append(payload.decode("utf-8", "replace"))
    for address in real_addresses:
        for place in places:
            assert address.lower() not in place.lower(), f"{address} leaked in: {place[:300]}"
