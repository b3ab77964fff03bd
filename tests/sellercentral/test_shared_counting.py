"""Rate limits count once for every process: the cache they are counted in is shared (files
under var/cache in development, Redis in production), and start-up refuses several processes
that would each count in their own memory."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from sellercentral import ratelimit
from sellercentral.cache import RedisCache, SharedFileCache
from sellercentral.processes import free_port

ROOT = Path(__file__).resolve().parents[2]

# One of several processes: wait for the start signal, then count HITS hits on one key, and
# print how many were allowed.
COUNTER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from sellercentral.cache import RedisCache, SharedFileCache
from sellercentral.ratelimit import hit
folder, go, hits, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cache = SharedFileCache(folder, {})
while not go.exists():
    time.sleep(0.005)
print(sum(hit("shared-key", limit, 3600, cache=cache).allowed for _ in range(hits)))
"""


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DEBUG", "DATABASE_URL"}}
    return {**clean, "DJANGO_SETTINGS_MODULE": "sellercentral.settings", **extra}


def test_two_processes_count_one_limit_together_in_the_file_cache(tmp_path):
    folder, go = tmp_path / "cache", tmp_path / "go"
    hits, limit = 60, 50
    env = _env(DEBUG="true", VAR_DIR=str(tmp_path / "var"))
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, str(folder), str(go), str(hits), str(limit)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    go.touch()  # both start counting at once
    allowed = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        allowed.append(int(out))
    # 120 hits between them: exactly 50 allowed, and every hit counted (none lost to a race).
    assert sum(allowed) == limit
    assert (
        ratelimit.hit("shared-key", limit, 3600, cache=SharedFileCache(str(folder), {})).count == 2 * hits + 1
    )


def test_a_counter_keeps_its_window_in_the_file_cache(tmp_path):
    # Django's BaseCache.incr writes the value back with the default timeout (300 s): an hour's
    # count would restart after five quiet minutes. Ours keeps the expiry the window set.
    cache = SharedFileCache(str(tmp_path), {})
    cache.add("counter", 0, timeout=3600)
    cache.incr("counter")
    with open(cache._key_to_file("counter"), "rb") as file:
        expiry = pickle.load(file)  # noqa: S301 (the test's own file)
    assert expiry > time.time() + 3500


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"), reason="the tests' broker is not Redis"
)
def test_two_redis_clients_count_one_limit_together():
    # Two clients with their own connections, as two gunicorn workers (or two machines) have;
    # a key prefix of this test's own, so nothing else on that Redis is touched.
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = (RedisCache(settings.CELERY_BROKER_URL, {"KEY_PREFIX": prefix}) for _ in range(2))
    verdicts = [ratelimit.hit("shared", 4, 60, cache=cache).allowed for cache in [first, second] * 3]
    assert verdicts == [True, True, True, True, False, False]


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"), reason="the tests' broker is not Redis"
)
def test_a_redis_window_counter_expires_with_its_window_and_keeps_its_first_expiry():
    cache = RedisCache(settings.CELERY_BROKER_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert [cache.incr_in_window("window", 60) for _ in range(3)] == [1, 2, 3]
    client, key = cache._cache.get_client(), cache.make_and_validate_key("window")
    client.expire(key, 30)  # as if 30 s of the window had passed
    assert cache.incr_in_window("window", 60) == 4 and 0 < client.ttl(key) <= 30  # not moved on
    assert cache.get("window") == 4  # an ordinary cache value too
    client.delete(key)  # the window ended: the next hit opens a new one, with its expiry
    assert cache.incr_in_window("window", 60) == 1 and 30 < client.ttl(key) <= 60


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"), reason="the tests' broker is not Redis"
)
def test_the_redis_cache_keeps_one_client_that_still_works_in_a_forked_worker():
    cache = RedisCache(settings.CELERY_BROKER_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("count", 1)
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    # gunicorn forks its workers after the application is loaded: the child opens its own
    # connection (redis-py's pool checks the process id) and counts in the same Redis.
    child = multiprocessing.get_context("fork").Process(target=cache.incr, args=("count",))
    child.start()
    child.join(10)
    assert child.exitcode == 0 and cache.get("count") == 2


def _load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    probe = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    )
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT, env=_env(VAR_DIR=str(tmp_path / "var"), **env), capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_development_counts_in_files_every_process_of_make_run_shares(tmp_path):
    result = _load_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "sellercentral.cache.SharedFileCache" in result.stdout
    assert str(tmp_path / "var" / "cache") in result.stdout


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "CACHE_URL is required when DEBUG is off"),
        ({"DEBUG": "true", "CACHE_URL": "memcached://127.0.0.1"}, "CACHE_URL must be redis://"),
        ({"DEBUG": "true", "CACHE_URL": "filecache://var/cache"}, "must name an absolute folder"),
        ({"DEBUG": "true", "WRITE_RATES": "contact_seller=many"}, "must be a rate like 60/hour"),
        ({"DEBUG": "true", "WRITE_RATES": "contact=20/hour"}, "unknown rate 'contact'"),
    ],
)
def test_a_cache_or_rate_that_cannot_work_stops_start_up(tmp_path, env, complaint):
    production = {
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "INBOUND_EMAIL_SECRET": "s3cret",
    }
    result = _load_settings(tmp_path, **production, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_counts_in_redis(tmp_path):
    result = _load_settings(
        tmp_path,
        SECRET_KEY="x" * 60,
        DATABASE_URL="sqlite:////tmp/never-opened.sqlite3",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        INBOUND_EMAIL_SECRET="s3cret",
        CACHE_URL="redis://127.0.0.1:6379/1",
        WRITE_RATES="contact_seller=40/hour",
    )
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout and "redis://127.0.0.1:6379/1" in result.stdout


def test_gunicorn_refuses_workers_that_would_count_apart(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "sellercentral.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT, env=_env(DEBUG="true", CACHE_URL="locmem://", VAR_DIR=str(tmp_path / "var")),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "gunicorn's 2 workers would each count rate limits in their own memory" in result.stderr


def test_relay_processes_sharing_a_port_refuse_to_count_apart():
    # The tests' own cache is this process's memory (locmem://).
    with pytest.raises(ImproperlyConfigured, match="relay processes sharing a port"):
        call_command("relay_smtpd", "--reuse-port", "--port", str(free_port()))
