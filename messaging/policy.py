"""Buyer-Seller Messaging's numbers and predicates: the one place each is written.

Contact Response Time (metrics), the 24-hour timer, the inbox filter, forms and the API all
read these; none keeps a copy. The product rules behind them are described in
``docs/messaging.md``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

# --- The 24-hour response window ---------------------------------------------------------------
# A buyer message is answered in time when the seller replies within this long of it.
RESPONSE_WINDOW = timedelta(hours=24)
# The sweeps of the timer take due messages this many at a time.
DEADLINE_BATCH = 500

# --- What a message may be ------------------------------------------------------------------
MAX_BODY_CHARS = 4000
BODY_TOO_LONG = f"Please limit your text to less than {MAX_BODY_CHARS:,} characters."
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
# One inbound mail may go to at most this many masked addresses.
MAX_RELAY_RECIPIENTS = 20
# The subjects of the buyer's "Contact seller" form: key → what the seller reads.
CONTACT_SUBJECTS = {
    "enquiry": "Enquiry",
    "order_delivery": "Order delivery inquiry",
    "order_cancellation": "Order cancellation request",
    "return_policy": "Return policy enquiry",
    "other": "Other",
}
# An order id written in a mail's subject ties the mail to that order's conversation.
ORDER_ID_IN_TEXT = re.compile(r"\b(\d{3}-\d{7}-\d{7})\b")

# --- Masked addresses ------------------------------------------------------------------------
# A token is pronounceable syllables (a consonant, then a vowel) in groups joined by dots:
# "kobe.mari.tulo.deni.vasu.pole.ri". Random letters ("q7xk2v…") look like a spammer's
# throw-away address to filters (SpamAssassin's HK_RANDOM_FROM fires on five consonants or
# five vowels in a row); alternating syllables never make such a run. Each syllable is one of
# 16 * 5 = 80, so 13 of them carry 13 * log2(80), about 82 bits: unguessable.
ALIAS_CONSONANTS = "bdfghjklmnprstvz"
ALIAS_VOWELS = "aeiou"
ALIAS_SYLLABLES = 13
ALIAS_GROUP = 2  # syllables between separators
# Hyphens, not dots: three dot-separated words before the @ fire SpamAssassin's
# AC_FROM_MANY_DOTS (1.0) on a thread's first relayed copy.
ALIAS_SEPARATOR = "-"

# --- The outbox -------------------------------------------------------------------------------
# Wait 1, 2, 4 … minutes between attempts (``retry_delay``), then give up after this many.
MAX_SEND_ATTEMPTS = 8
# The outbox sweep sends at most this many due mails a run.
OUTBOX_SWEEP_BATCH = 500
# A relayed copy names this many earlier messages of its thread in ``References``.
REFERENCES_KEPT = 10
# An inbound reply is matched to its conversation by In-Reply-To and the last references
# before it, this many in all: the newest are the closest ancestors, and ours list ten.
REFERENCES_MATCHED = 12


# After this many hard bounces (5xx, failed DSNs) an address is undeliverable: sent nothing more.
UNDELIVERABLE_AFTER_BOUNCES = 3


def is_permanent_smtp_failure(code: int) -> bool:
    """A mail server's 5xx reply refuses a mail for good: it is not tried again (4xx and a
    lost connection are temporary and retried with ``retry_delay``)."""
    return 500 <= code < 600


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed try an outbox mail is tried again."""
    return timedelta(minutes=2 ** (attempts - 1))


# --- Who must answer what, and by when --------------------------------------------------------
def needs_response(
    *, direction: str, is_auto_reply: bool, is_system: bool, sender_unverified: bool = False
) -> bool:
    """A buyer's own message: not an automatic reply, not a message the product wrote, and not
    mail whose sender could not be authenticated (anyone could have sent it to hurt the
    seller's response time)."""
    return direction == "received" and not is_auto_reply and not is_system and not sender_unverified


def answers_buyer(*, direction: str, is_auto_reply: bool, is_system: bool) -> bool:
    """A seller's own message answers every earlier unanswered buyer message of its thread."""
    return direction == "sent" and not is_auto_reply and not is_system


def response_deadline(received_at: datetime) -> datetime:
    """When the seller's 24 hours to answer a buyer message run out (stored on the message)."""
    return received_at + RESPONSE_WINDOW


def warning_lead() -> timedelta:
    """How long before its deadline the seller is warned of an unanswered message (a setting)."""
    return timedelta(hours=settings.RESPONSE_WARNING_HOURS)


def counts_for_response_time() -> Q:
    """A buyer's own message that needs an answer: not automatic, not a system message (both
    never get ``needs_response``), not marked "no response needed"."""
    return Q(direction="received", needs_response=True, no_response_needed=False)


def awaiting_response() -> Q:
    """Counted and not answered yet (the inbox's "Awaiting response")."""
    return counts_for_response_time() & Q(responded_at__isnull=True)


def is_awaiting_response(message) -> bool:
    """``awaiting_response()`` for a message in hand. ``needs_response`` is only ever set on a
    buyer's message (a constraint), so the direction is not read: an inbox row loads only the
    columns it shows."""
    return message.needs_response and not message.no_response_needed and message.responded_at is None


def unanswered() -> Q:
    """What a seller's reply answers: the thread's buyer messages that need an answer and have
    none yet, marked "no response needed" or not (a reply still answers those)."""
    return Q(direction="received", needs_response=True, responded_at__isnull=True)


def deadline_running() -> Q:
    """Awaiting a response and not yet overdue: what the 24-hour sweeps look at (the partial
    index ``message_open_deadline_idx`` holds these rows)."""
    return awaiting_response() & Q(overdue_at__isnull=True)


# --- The relay's rate limits (settings RELAY_RATE_PER_SENDER / RELAY_RATE_PER_ALIAS) -------------
# At most this many mails per envelope sender, and to one masked address, in a window of this
# many seconds; over it the relay answers 451 4.7.1 (the sending server tries again later). A
# seller has one masked address per marketplace, which every buyer writes to: more room there.
SENDER_RATE = (60, 3600)
ALIAS_RATE = (300, 3600)


def sender_rate() -> tuple[int, int]:
    return settings.RELAY_RATE_PER_SENDER or SENDER_RATE


def alias_rate() -> tuple[int, int]:
    return settings.RELAY_RATE_PER_ALIAS or ALIAS_RATE
