"""Webhook tasks: one send per delivery, queued on commit, and the beat sweep of what is due.

Retries are stored on the row (``next_attempt_at``), not held by Celery: a lost task or a
restarted worker loses no delivery; the sweep finds it.
"""

from celery import shared_task

from . import services


@shared_task
def send_webhook(delivery_id: int) -> bool:
    return services.deliver(delivery_id=delivery_id)


@shared_task
def send_due_webhooks() -> int:
    """Beat sweep: every pending delivery whose next attempt is due."""
    return services.deliver_many(delivery_ids=services.due_delivery_ids())
