"""Rules of the marketplace as a whole, which every app's figures share."""

from __future__ import annotations

import hmac
import secrets

# Buyers rate with 1 to 5 stars: a seller's order feedback and the experience of a return
# alike. 1 and 2 stars are negative (Order Defect Rate, Return Dissatisfaction Rate).
MIN_RATING, MAX_RATING = 1, 5
NEGATIVE_RATING = 2


def is_valid_rating(rating: object) -> bool:
    return isinstance(rating, int) and MIN_RATING <= rating <= MAX_RATING


# --- Gift orders ------------------------------------------------------------------------
# A gift's packing slip prints the order number and a gift receipt number; a recipient needs
# both to return the gift (an order number alone is no proof: it shows in e-mails, threads
# and on every label). Twelve characters in groups of four, from an alphabet without
# look-alikes (no 0/O, no 1/I/L), so a number read off paper is typed right.
GIFT_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GIFT_RECEIPT_GROUPS, GIFT_RECEIPT_GROUP_LENGTH = 3, 4
GIFT_RECEIPT_PATTERN = r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$"
GIFT_RECEIPT_MAX_CHARS = GIFT_RECEIPT_GROUPS * (GIFT_RECEIPT_GROUP_LENGTH + 1) - 1


def new_gift_receipt_number() -> str:
    """A random gift receipt number as the packing slip prints it (``GR7K-M4QD-9XWP``)."""
    return "-".join(
        "".join(secrets.choice(GIFT_RECEIPT_ALPHABET) for _ in range(GIFT_RECEIPT_GROUP_LENGTH))
        for _ in range(GIFT_RECEIPT_GROUPS)
    )


def printed_gift_receipt_number(typed: str) -> str:
    """What a recipient typed, in the printed form: any case, with or without the spaces and
    hyphens. Anything that is not twelve characters comes back as typed (and matches nothing)."""
    compact = "".join(ch for ch in str(typed or "") if ch not in " -\t").upper()
    size = GIFT_RECEIPT_GROUP_LENGTH
    if len(compact) != GIFT_RECEIPT_GROUPS * size:
        return compact
    return "-".join(compact[n : n + size] for n in range(0, len(compact), size))


def same_gift_receipt_number(printed: str, typed: str) -> bool:
    """Whether ``typed`` is the printed number ``printed`` (compared in constant time)."""
    if not printed:
        return False
    return hmac.compare_digest(printed.encode(), printed_gift_receipt_number(typed).encode())
