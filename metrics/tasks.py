from celery import shared_task

from messaging import services as messaging


@shared_task
def run_response_timers() -> dict[str, int]:
    """Beat sweep of the 24-hour response timer: overdue marks and early warnings."""
    return {"overdue": messaging.mark_overdue_messages(), "warned": messaging.warn_before_deadlines()}
