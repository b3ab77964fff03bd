"""What messaging tells other apps, without knowing them (they connect in their ``ready``).

``response_outcome_changed``: buyer messages that count for Contact Response Time changed in
a way that changes their outcome after they were stored: a late reply answered them, they
were marked "no response needed", deleted, or stored with a time in the past. Sent inside
the transaction of the change, with ``seller_id`` and ``sent_ats`` (when each was received),
so a receiver that keeps figures by time (metrics' roll-up) can correct them before commit.
Messages stored as they arrive are sent too (``sent_at`` is now): the receiver decides what
is old enough to matter. Rows loaded in bulk (``bulk_create``, COPY) send nothing; their
loader rebuilds what it must.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.dispatch import Signal

response_outcome_changed = Signal()  # sender=Message, seller_id: int, sent_ats: list[datetime]


def outcome_changed(seller_id: int, sent_ats: Iterable[datetime]) -> None:
    from .models import Message

    sent_ats = list(sent_ats)
    if sent_ats:
        response_outcome_changed.send(sender=Message, seller_id=seller_id, sent_ats=sent_ats)


def _message_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # A buyer message that needs a response: stored (perhaps backdated), or saved with a
    # changed outcome ("no response needed" through ``save``, the admin).
    if instance.needs_response and (update_fields is None or OUTCOME_FIELDS & set(update_fields)):
        outcome_changed(instance.seller_id, [instance.sent_at])


def _message_deleted(sender, instance, **kwargs) -> None:
    # Through any path: the admin, a thread's, a buyer's or a seller's deletion (cascades).
    if instance.needs_response and not instance.no_response_needed:
        outcome_changed(instance.seller_id, [instance.sent_at])


OUTCOME_FIELDS = {
    "responded_at",
    "no_response_needed",
    "needs_response",
    "direction",
    "sent_at",
    "response_deadline",
}


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Message

    post_save.connect(_message_saved, sender=Message, dispatch_uid="messaging.outcome.saved")
    post_delete.connect(_message_deleted, sender=Message, dispatch_uid="messaging.outcome.deleted")
