"""Row locks of the integrations app: the only ``select_for_update`` in it.

A delivery is sent under its row's lock, taken with ``skip_locked``: a task and the sweep (or
two workers given the same task) cannot POST the same attempt twice; whoever finds it taken
leaves it. A seller's subscriptions are counted under the seller account's lock.
"""

from __future__ import annotations

from commerce.models import SellerAccount

from .models import Delivery


def lock_pending_delivery(pk: int) -> Delivery | None:
    """A delivery to send, locked while its endpoint answers; None while another worker has it."""
    return (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("event", "subscription")
        .filter(pk=pk)
        .first()
    )


def lock_seller_subscriptions(seller_id: int) -> None:
    """The seller's account row, while its subscriptions are counted and one is added."""
    SellerAccount.objects.select_for_update(of=("self",)).filter(pk=seller_id).values_list("pk").get()
