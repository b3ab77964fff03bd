"""Locks of the metrics app: the only ``select_for_update`` on its tables, and the roll-up's.

A buyer's feedback on an order is one row; the buyer changing it twice at once (two tabs, a
double click) is serialised on that row.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from commerce.models import Order

from .models import OrderFeedback, ResponseRollup


def lock_feedback(order: Order) -> OrderFeedback | None:
    """The order's feedback, locked; None before the buyer has left any."""
    return OrderFeedback.objects.select_for_update(of=("self",)).filter(order=order).first()


# Contact Response Time's roll-up (``services.rollup``) is serialised with advisory locks, held
# to the end of the transaction: the sweep takes the roll-up's lock alone; a recount of some
# hours shares it with other recounts and takes its seller's lock alone. So the sweep never
# reads the messages while a recount's change is still uncommitted, nor two recounts of the
# same seller each miss the other's change. The keys: one for the roll-up; the seller's id in
# the low half of a key whose high half is the roll-up's.
ROLLUP_LOCK = 0x4D455452  # "METR"


# SQLite (``make run``) has no advisory locks and needs none: its transactions begin
# IMMEDIATE (settings), so a writer already holds the database alone until it commits.


def lock_rollup() -> datetime | None:
    """The roll-up alone (the sweep, a rebuild); its watermark, as committed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
    return ResponseRollup.objects.values_list("watermark", flat=True).first()


def lock_rollup_of_seller(seller_id: int) -> datetime | None:
    """The roll-up shared, the seller's hours alone (a recount); the watermark, in the same query."""
    if connection.vendor != "postgresql":
        return ResponseRollup.objects.values_list("watermark", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s), pg_advisory_xact_lock(%s), "
            "(SELECT watermark FROM metrics_responserollup)",
            [ROLLUP_LOCK, (ROLLUP_LOCK << 32) | seller_id],
        )
        return cursor.fetchone()[2]
