"""Messaging's events for integrators (``integrations``): a new buyer message, and a buyer
message whose 24 hours ran out. Recorded in the transaction that stores or flips the message;
the payload names the buyer by masked address only, as the API does."""

from __future__ import annotations

from datetime import datetime

from integrations.models import EventType
from integrations.services import record_event, record_events

from .models import Alias, Message, Thread

# A message's payload, as the columns a sweep reads for a whole batch (no model instances:
# building 10,000 of them with their threads, orders and aliases cost more than the sweep's
# writes); ``buyer_message_received`` reads the same from the objects it has in hand.
PAYLOAD_COLUMNS = (
    "pk", "seller_id", "thread_id", "thread__order__order_id", "thread__buyer_alias__marketplace__code",
    "thread__buyer_alias__token", "sender_name", "subject", "needs_response", "is_auto_reply", "sent_at",
    "response_deadline",
)  # fmt: skip


def _data(row: tuple) -> dict:
    (pk, _seller_id, thread_id, order_id, marketplace, token, sender_name, subject, needs_response,
     is_auto_reply, sent_at, response_deadline) = row  # fmt: skip
    return {
        "message_id": pk,
        "thread_id": thread_id,
        "order_id": order_id,
        "marketplace": marketplace,
        "buyer_name": sender_name,
        "buyer_address": Alias.address_of(token, marketplace),
        "subject": subject,
        "needs_response": needs_response,
        "is_auto_reply": is_auto_reply,
        "sent_at": sent_at,
        "response_deadline": response_deadline,
    }


def buyer_message_received(message: Message, thread: Thread) -> None:
    alias = thread.buyer_alias
    row = (
        message.pk, thread.seller_id, thread.pk, thread.order.order_id if thread.order_id else None,
        alias.marketplace.code, alias.token, message.sender_name, message.subject, message.needs_response,
        message.is_auto_reply, message.sent_at, message.response_deadline,
    )  # fmt: skip
    record_event(
        seller_id=thread.seller_id,
        type=EventType.MESSAGE_RECEIVED,
        occurred_at=message.sent_at,
        data=_data(row),
    )


def messages_overdue(message_ids: list[int], *, at: datetime) -> None:
    """One event per message a sweep marked overdue (one read, one insert for the batch)."""
    rows = Message.objects.filter(pk__in=message_ids).order_by("pk").values_list(*PAYLOAD_COLUMNS)
    record_events(
        type=EventType.MESSAGE_OVERDUE,
        occurred_at=at,
        items=[(row[1], {**_data(row), "overdue_at": at}) for row in rows],
    )
