"""A real Celery worker and a real beat, as separate processes on the configured broker.

The broker is kombu's filesystem transport by default and Redis in CI
(``CELERY_BROKER_URL``). Each test uses a queue of its own, so a developer's running
``make run`` worker never takes these tasks, and the processes use the test database.
"""

from __future__ import annotations

import pytest

from sellercentral.models import Heartbeat
from sellercentral.tasks import record_heartbeat

from ..workers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_worker_process_runs_a_task_sent_through_the_broker(broker_mode, start_process, queue):
    start_process(
        "worker", "--pool=solo", "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip"
    )
    source = f"sent-{queue}"
    record_heartbeat.apply_async(kwargs={"source": source}, queue=queue)
    assert wait_for(lambda: Heartbeat.objects.filter(source=source).exists())


def test_beat_fires_the_periodic_heartbeat_and_a_worker_runs_it(broker_mode, start_process, queue, tmp_path):
    start_process(
        "worker", "--pool=solo", "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip"
    )
    start_process(
        "beat",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile",
        str(tmp_path / "beat.pid"),
    )
    assert wait_for(lambda: Heartbeat.objects.filter(source="beat").exists())
    first = Heartbeat.objects.get(source="beat").last_seen_at
    # It keeps firing: a second beat a second or more later moves the stamp.
    assert wait_for(lambda: Heartbeat.objects.get(source="beat").last_seen_at > first, timeout=30)
