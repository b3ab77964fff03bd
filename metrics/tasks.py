"""Metrics' tasks: the beat sweep that rolls Contact Response Time's settled hours up."""

from celery import shared_task

from . import services


@shared_task
def roll_up_response_hours() -> int:
    """Beat sweep: the hours whose every deadline has passed, into the roll-up."""
    return services.roll_up_settled_hours()
