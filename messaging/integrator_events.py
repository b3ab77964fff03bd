"""Messaging's events for integrators (``integrations``): a new buyer message, and a buyer
message whose 24 hours ran out. Recorded in the transaction that stores or flips the message;
the payload names the buyer by masked address only, as the API does."""

from __future__ import annotations

from datetime import datetime

from integrations.models import EventType
from integrations.services import record_event, record_events

from .models import Message, Thread

# What ``_data`` reads of a message and its thread: a sweep loads only these (not the bodies).
PAYLOAD_FIELDS = (
    "seller_id", "thread_id", "sender_name", "subject", "needs_response", "is_auto_reply", "sent_at",
    "response_deadline", "thread__order__order_id", "thread__buyer_alias__token",
    "thread__buyer_alias__marketplace",
)  # fmt: skip


def _data(message: Message, thread: Thread) -> dict:
    return {
        "message_id": message.pk,
        "thread_id": thread.pk,
        "order_id": thread.order.order_id if thread.order_id else None,
        "marketplace": thread.buyer_alias.marketplace.code,
        "buyer_name": message.sender_name,
        "buyer_address": thread.buyer_alias.address,
        "subject": message.subject,
        "needs_response": message.needs_response,
        "is_auto_reply": message.is_auto_reply,
        "sent_at": message.sent_at,
        "response_deadline": message.response_deadline,
    }


def buyer_message_received(message: Message, thread: Thread) -> None:
    record_event(
        seller_id=thread.seller_id,
        type=EventType.MESSAGE_RECEIVED,
        occurred_at=message.sent_at,
        data=_data(message, thread),
    )


def messages_overdue(message_ids: list[int], *, at: datetime) -> None:
    """One event per message a sweep marked overdue (one read, one insert for the batch)."""
    messages = (
        Message.objects.filter(pk__in=message_ids)
        .select_related("thread__order", "thread__buyer_alias__marketplace")
        .only(*PAYLOAD_FIELDS)
    )
    record_events(
        type=EventType.MESSAGE_OVERDUE,
        occurred_at=at,
        items=[
            (message.seller_id, {**_data(message, message.thread), "overdue_at": at}) for message in messages
        ],
    )
