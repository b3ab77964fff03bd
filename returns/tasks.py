"""Celery tasks of the returns centre: thin wrappers around ``automation``."""

from celery import shared_task

from . import automation


@shared_task(acks_late=True)
def apply_return_rule(return_request_id: int) -> str:
    return automation.apply_return_rule(return_request_id=return_request_id)


@shared_task
def run_return_timers() -> dict[str, int]:
    """Beat sweep: missed rules, 24 h reminders, 48 h late marks, return-by and 50-day expiry."""
    return automation.run_return_timers()
