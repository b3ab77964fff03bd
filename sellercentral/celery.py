"""The Celery application (``celery -A sellercentral worker`` / ``beat``).

The beat schedule below is the one list of periodic jobs. django-celery-beat's database
scheduler copies it into the database at start-up, where staff can see and pause the jobs
in Django admin ("Periodic tasks").
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercentral.settings")

app = Celery("sellercentral")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule() -> dict:
    from django.conf import settings

    return {
        "record-heartbeat": {
            "task": "sellercentral.tasks.record_heartbeat",
            "schedule": float(settings.HEARTBEAT_INTERVAL_SECONDS),
            "kwargs": {"source": "beat"},
        },
        "send-due-outbound-email": {
            "task": "messaging.tasks.send_due_outbound_email",
            "schedule": float(settings.OUTBOX_SWEEP_INTERVAL_SECONDS),
        },
        "run-response-timers": {
            "task": "messaging.tasks.run_response_timers",
            "schedule": float(settings.RESPONSE_TIMER_INTERVAL_SECONDS),
        },
        "forget-old-idempotency-keys": {
            "task": "sellercentral.tasks.forget_old_idempotency_keys",
            "schedule": 3600.0,
        },
        "roll-up-response-hours": {
            "task": "metrics.tasks.roll_up_response_hours",
            "schedule": float(settings.RESPONSE_ROLLUP_INTERVAL_SECONDS),
        },
        "run-return-timers": {
            "task": "returns.tasks.run_return_timers",
            "schedule": float(settings.RETURN_TIMERS_INTERVAL_SECONDS),
        },
        "send-due-webhooks": {
            "task": "integrations.tasks.send_due_webhooks",
            "schedule": float(settings.WEBHOOK_SWEEP_INTERVAL_SECONDS),
        },
    }


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **kwargs) -> None:
    sender.conf.beat_schedule = _beat_schedule()
