"""Messaging's tasks: sending the outbox and the 24-hour response timer.

Retries are stored, not held by Celery: a failed send records the next attempt time (1, 2,
4 … minutes) on the row, and the beat sweep sends whatever is due, so a lost task or a
worker restart loses no mail. The timer's deadlines are stored too (``deadlines.py``).
"""

from celery import shared_task

from . import deadlines, outbox


@shared_task
def send_outbound_email(outbound_id: int) -> bool:
    return outbox.deliver_outbound_email(outbound_id=outbound_id)


@shared_task
def send_outbound_emails(outbound_ids: list[int]) -> int:
    """A batch of sends queued together (``outbox.batched_sends``, the relay's)."""
    return outbox.deliver_outbound_emails(outbound_ids=outbound_ids)


@shared_task
def send_due_outbound_email() -> int:
    """Beat sweep: every pending mail whose next attempt is due."""
    return outbox.deliver_outbound_emails(outbound_ids=outbox.due_outbound_email_ids())


@shared_task
def run_response_timers() -> dict[str, int]:
    """Beat sweep of the 24-hour response timer: overdue marks and early warnings."""
    return {"overdue": deadlines.mark_overdue_messages(), "warned": deadlines.warn_before_deadlines()}
