"""Every write of the integrations app.

- ``events``: ``record_event`` / ``record_events``, called by the apps that own a change, in its
  transaction: the event row, and a delivery for each subscription that wants it.
- ``subscriptions``: a seller's webhook endpoints: create (the secret shown once), change,
  delete, send a test event.
- ``deliveries``: one signed POST per attempt, retried with backoff, under the row's lock.
"""

from .deliveries import deliver, deliver_many, due_delivery_ids
from .events import record_event, record_events
from .subscriptions import (
    create_subscription,
    delete_subscription,
    send_test_event,
    update_subscription,
)

__all__ = [
    "create_subscription",
    "delete_subscription",
    "deliver",
    "deliver_many",
    "due_delivery_ids",
    "record_event",
    "record_events",
    "send_test_event",
    "update_subscription",
]
