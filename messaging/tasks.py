"""Outbox tasks. Retries are stored, not held by Celery: a failed send records the next
attempt time (1, 2, 4 … minutes) on the row, and the beat sweep sends whatever is due, so a
lost task or a worker restart loses no mail."""

from celery import shared_task

from . import services


@shared_task
def send_outbound_email(outbound_id: int) -> bool:
    return services.deliver_outbound_email(outbound_id=outbound_id)


@shared_task
def send_due_outbound_email() -> int:
    """Beat sweep: every pending mail whose next attempt is due."""
    return sum(services.deliver_outbound_email(outbound_id=pk) for pk in services.due_outbound_email_ids())
