import socket

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def record_heartbeat(*, source: str) -> None:
    """Stamp ``source`` as alive now; idempotent, so a redelivered run does no harm."""
    Heartbeat.objects.update_or_create(
        source=source,
        defaults={"last_seen_at": timezone.now(), "hostname": socket.gethostname()},
    )


@shared_task
def forget_old_idempotency_keys() -> int:
    """Idempotency keys past their lifetime; idempotent, so a redelivered run does no harm."""
    from .idempotency import forget_old_keys

    return forget_old_keys()
