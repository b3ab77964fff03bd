"""Row locks of the metrics app: the only ``select_for_update`` on its tables.

A buyer's feedback on an order is one row; the buyer changing it twice at once (two tabs, a
double click) is serialised on that row.
"""

from __future__ import annotations

from commerce.models import Order

from .models import OrderFeedback


def lock_feedback(order: Order) -> OrderFeedback | None:
    """The order's feedback, locked; None before the buyer has left any."""
    return OrderFeedback.objects.select_for_update(of=("self",)).filter(order=order).first()
