"""Buyer-Seller Messaging's numbers and predicates: the one place each is written.

Contact Response Time (metrics), the 24-hour timer, the inbox filter, forms and the API all
read these; none keeps a copy.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

# A buyer message is answered in time when the seller replies within this long of it.
RESPONSE_WINDOW = timedelta(hours=24)
MAX_BODY_CHARS = 4000
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
# One inbound mail may go to at most this many masked addresses.
MAX_RELAY_RECIPIENTS = 20
# Outbox: wait 1, 2, 4 … minutes between attempts, then give up after this many.
MAX_SEND_ATTEMPTS = 8


def counts_for_response_time() -> Q:
    """A buyer's own message that needs an answer: not automatic, not a system message (both
    never get ``needs_response``), not marked "no response needed"."""
    return Q(direction="received", needs_response=True, no_response_needed=False)


def awaiting_response() -> Q:
    """Counted and not answered yet (the inbox's "Awaiting response")."""
    return counts_for_response_time() & Q(responded_at__isnull=True)


def response_deadline(received_at):
    return received_at + RESPONSE_WINDOW
