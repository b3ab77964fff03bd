"""A real Celery worker and a real beat, as separate processes on the configured broker.

The broker is kombu's filesystem transport by default and Redis in CI
(``CELERY_BROKER_URL``). Each test uses a queue of its own, so a developer's running
``make run`` worker never takes these tasks, and the processes use the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sellercentral.celery import app as celery_app
from sellercentral.models import Heartbeat
from sellercentral.tasks import record_heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def start_process(queue, tmp_path):
    """Start ``celery -A sellercentral <args>`` against the test database and ``queue``."""
    processes: list[tuple[subprocess.Popen, Path]] = []
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "DEBUG": "true",
    }

    def start(*args: str) -> subprocess.Popen:
        log = tmp_path / f"{args[0]}.log"
        command = [sys.executable, "-m", "celery", "-A", "sellercentral", *args, "--loglevel=INFO"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        processes.append((process, log))
        return process

    yield start
    for process, _ in processes:
        process.send_signal(signal.SIGTERM)
    for process, log in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"--- {log.name}\n{log.read_text()[-3000:]}")


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def broker_mode():
    """Send for real: the unit tests' in-process mode is off for these tests."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_a_worker_process_runs_a_task_sent_through_the_broker(broker_mode, start_process, queue):
    start_process(
        "worker", "--pool=solo", "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip"
    )
    source = f"sent-{queue}"
    record_heartbeat.apply_async(kwargs={"source": source}, queue=queue)
    assert _wait_for(lambda: Heartbeat.objects.filter(source=source).exists())


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
    assert _wait_for(lambda: Heartbeat.objects.filter(source="beat").exists())
    first = Heartbeat.objects.get(source="beat").last_seen_at
    # It keeps firing: a second beat a second or more later moves the stamp.
    assert _wait_for(lambda: Heartbeat.objects.get(source="beat").last_seen_at > first, timeout=30)
