"""The audit rows of Buyer-Seller Messaging: what happened to a message after it was stored.

Each state change writes its row in its own transaction (``MessageEvent``): marked "no
response needed" (by whom), overdue and warned (by the 24-hour sweeps, many at once), and a
relayed copy the outbox gave up on. Storing and relaying a message, the hot path, write none:
the message row itself says when it came and who wrote it. Staff read them in admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import MessageEvent

Event = MessageEvent.Event


def record(
    message_id: int,
    event: Event,
    *,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    at: datetime | None = None,
) -> MessageEvent:
    """One event of one message; ``actor`` None when the product did it."""
    return MessageEvent.objects.create(
        message_id=message_id, event=event, actor=actor, note=note, at=at or timezone.now()
    )


def record_many(
    message_ids: Iterable[int],
    event: Event,
    *,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """The same event for many messages, in one insert (a sweep, a reply that marks several)."""
    at = at or timezone.now()
    MessageEvent.objects.bulk_create(
        MessageEvent(message_id=pk, event=event, actor=actor, note=note, at=at) for pk in message_ids
    )
