"""Recording events: one immutable row per change, written in the change's transaction.

The caller (messaging, returns) holds its transaction open: the event commits with the change
or not at all. Each active subscription that asked for the type gets a ``Delivery`` row in the
same transaction (the outbox) and a send task queued once it commits; a task lost between
commit and queue is picked up by the sweep (``deliveries.due_delivery_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from sellercentral.compiled_queries import CompiledQuery

from ..models import Delivery, Event, EventType, Subscription


def record_event(*, seller_id: int, type: EventType, occurred_at: datetime, data: dict) -> Event:
    """One event for one seller; ``data`` holds ids and what an integrator needs, never a
    buyer's real e-mail address (masked addresses only)."""
    event = Event.objects.create(seller_id=seller_id, type=type, occurred_at=occurred_at, payload=data)
    _queue_deliveries([event], occurred_at)
    return event


def record_events(
    *, type: EventType, occurred_at: datetime, items: Iterable[tuple[int, dict]]
) -> list[Event]:
    """Events of one type at once (a sweep's batch): one insert, one read of subscriptions."""
    events = Event.objects.bulk_create(
        Event(seller_id=seller_id, type=type, occurred_at=occurred_at, payload=data)
        for seller_id, data in items
    )
    _queue_deliveries(events, occurred_at)
    return events


def _active_subscriptions(seller_ids: Iterable[int]):
    return Subscription.objects.filter(seller_id__in=seller_ids, is_active=True).values_list(
        "pk", "seller_id", "event_types"
    )


# One seller's, on every new buyer message the relay stores: compiled once (the ORM's building
# of the query cost more than PostgreSQL's answer).
_one_sellers_subscriptions = CompiledQuery(
    lambda seller_id: _active_subscriptions([seller_id]), seller_id=int
)


def _queue_deliveries(events: list[Event], now: datetime) -> None:
    if not events:
        return
    sellers = {event.seller_id for event in events}
    wanted: dict[int, list[int]] = {}
    if len(sellers) == 1:
        subscriptions = _one_sellers_subscriptions(seller_id=next(iter(sellers)))
    else:
        subscriptions = _active_subscriptions(sellers)
    for pk, seller_id, types in subscriptions:
        if events[0].type in types:
            wanted.setdefault(seller_id, []).append(pk)
    if not wanted:
        return
    deliveries = Delivery.objects.bulk_create(
        Delivery(subscription_id=subscription_id, event=event, next_attempt_at=now, created_at=now)
        for event in events
        for subscription_id in wanted.get(event.seller_id, [])
    )
    queue_after_commit([delivery.pk for delivery in deliveries])


def queue_after_commit(delivery_ids: list[int]) -> None:
    """One send task per delivery once the transaction commits."""

    def queue() -> None:
        from ..tasks import send_webhook  # the tasks call back into the services

        for pk in delivery_ids:
            send_webhook.delay(pk)

    transaction.on_commit(queue)
