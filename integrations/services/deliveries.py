"""Sending a delivery: one signed POST per attempt, recorded in the seller's delivery log.

The row is locked while the endpoint answers (``locks.lock_pending_delivery``, skipping a row
another worker holds), and an attempt is made only when the row is pending and due: a task
queued twice, or a task and the sweep at once, make one attempt. A 2xx delivers; a 410
switches the subscription off; anything else (another status, a timeout, a refused
connection) is tried again after ``policy.retry_delay``, until ``policy.MAX_ATTEMPTS``.
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import datetime
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import locks, policy, signatures
from ..models import Delivery, DeliveryAttempt, Event, Subscription


def body_of(event: Event) -> bytes:
    """What the endpoint receives: ``{id, type, occurred_at, data}``, times written as in ``data``."""
    return json.dumps(
        {"id": event.public_id, "type": event.type, "occurred_at": event.occurred_at, "data": event.payload},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()


def deliver(*, delivery_id: int) -> bool:
    """Attempt one delivery if it is pending and due; True when it is (now or already) delivered."""
    with transaction.atomic():
        delivery = locks.lock_pending_delivery(delivery_id)
        if delivery is None:
            return False  # another worker is sending it right now
        now = timezone.now()
        if delivery.status != Delivery.Status.PENDING or delivery.next_attempt_at > now:
            return delivery.status == Delivery.Status.DELIVERED
        subscription = delivery.subscription
        if not subscription.is_active:
            delivery.status, delivery.last_error = (
                Delivery.Status.FAILED,
                gettext("The webhook is switched off."),
            )
            delivery.save(update_fields=["status", "last_error"])
            return False
        _attempt(delivery, subscription, now=now)
        return delivery.status == Delivery.Status.DELIVERED


def _attempt(delivery: Delivery, subscription: Subscription, *, now: datetime) -> None:
    event = delivery.event
    body = body_of(event)
    headers = signatures.headers(
        subscription.secret, webhook_id=event.public_id, timestamp=int(now.timestamp()), body=body
    )
    started = time.monotonic()
    status_code, error = post(subscription.url, headers=headers, body=body)
    duration_ms = round((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        attempted_at=now,
        status_code=status_code,
        duration_ms=duration_ms,
        error=error[:500],
    )
    delivery.last_status_code, delivery.last_error = status_code, error[:500]
    fields = ["attempts", "last_status_code", "last_error", "status"]
    if status_code is not None and policy.is_delivered(status_code):
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
        fields.append("delivered_at")
    elif status_code == policy.GONE:
        delivery.status = Delivery.Status.FAILED
        Subscription.objects.filter(pk=subscription.pk).update(
            is_active=False, disabled_reason=gettext("The endpoint answered 410 Gone.")
        )
    elif policy.gives_up(delivery.attempts):
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + policy.retry_delay(delivery.attempts)
        fields.append("next_attempt_at")
    delivery.save(update_fields=fields)


def post(url: str, *, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
    """POST ``body``; (status code, "") or (None, why it failed). Redirects are not followed
    and the host's addresses are checked again here, as DNS may have changed since the
    subscription was saved."""
    parts = urlsplit(url)
    problem = policy.address_problem(parts.hostname or "", parts.port)
    if problem:
        return None, problem
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=policy.CONNECT_TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.connect()
        connection.sock.settimeout(policy.READ_TIMEOUT_SECONDS)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is not kept; read some so the socket closes cleanly
        return response.status, ""
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def deliver_many(*, delivery_ids: list[int]) -> int:
    """``deliver`` each; how many are delivered."""
    return sum(deliver(delivery_id=pk) for pk in delivery_ids)


def due_delivery_ids(*, limit: int = policy.SWEEP_BATCH) -> list[int]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
