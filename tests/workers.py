"""Real Celery worker and beat processes for the integration tests.

They run against the configured broker (filesystem by default, Redis in CI) and the test
database, each on a queue of its own so a developer's running worker never takes the tasks.
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

from sellercentral.celery import app as celery_app
from sellercentral.processes import database_url as database_url_of_tests

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def start_process(queue, tmp_path):
    """Start ``celery -A sellercentral <args>`` against the test database and ``queue``."""
    processes: list[tuple[subprocess.Popen, Path]] = []
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "DEBUG": "true",
    }

    def start(*args: str, **extra_env: str) -> subprocess.Popen:
        log = tmp_path / f"{args[0]}-{len(processes)}.log"
        command = [sys.executable, "-m", "celery", "-A", "sellercentral", *args, "--loglevel=INFO"]
        process = subprocess.Popen(
            command, cwd=ROOT, env={**env, **extra_env}, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        processes.append((process, log))
        return process

    yield start
    for process, _ in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, log in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"--- {log.name}\n{log.read_text()[-3000:]}")


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def wait_until_quiet(count, *, target: int, quiet: float = 4.0, timeout: float = 60.0) -> int:
    """Poll ``count()`` until it reaches ``target`` or stops moving for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline and last < target:
        time.sleep(0.25)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > quiet:
            break
    return last


@pytest.fixture
def broker_mode(queue):
    """Send for real, to this test's queue: the unit tests' in-process mode is off."""
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    celery_app.amqp.queues = celery_app.amqp.Queues(())  # rebuilt for the new default queue
    yield
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = default_queue
    celery_app.amqp.queues = celery_app.amqp.Queues(())
