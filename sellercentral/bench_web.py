"""The web figure of ``manage.py bench``: the inbox under gunicorn vs a bare view, same server.

gunicorn runs the production settings (``load.settings``: the product plus one bare view)
on the bench's database; locust (headless, 50 users, no think time) drives each URL in turn,
on a CPU of its own where taskset and the machine allow it (else it shares them: its CPU use
is reported either way, as a share of one core).
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.test import Client

from commerce.models import SellerAccount
from load.wait import wait_for_http
from sellercentral.processes import cache_url, database_url, free_port

USERS = 50


def pinning() -> tuple[list[str], list[str], str]:
    """Command prefixes putting the server and the load generator on CPUs of their own
    (taskset), and what was done: on two cores, the server on CPU 0 and locust on CPU 1."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    taskset = shutil.which("taskset")
    if taskset is None or len(cpus) < 2:
        why = "no taskset" if taskset is None else f"{len(cpus)} CPU"
        return [], [], f"not pinned ({why}): server and load generator share the CPUs"
    server, load = ",".join(map(str, cpus[:-1])), str(cpus[-1])
    done = f"pinned with taskset: server on CPU {server}, load generator on CPU {load}"
    return [taskset, "-c", server], [taskset, "-c", load], done


def _locust(user_class: str, port: int, seconds: int, cookie: str, out: Path, pin: list[str]) -> dict:
    prefix = out / user_class
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(  # noqa: S603 (our own command line)
        [*pin, sys.executable, "-m", "locust", "-f", "load/webbench.py", user_class, "--headless", "--users", str(USERS),
         "--spawn-rate", str(USERS), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        cwd=settings.BASE_DIR, env={**os.environ, "BENCH_COOKIE": cookie}, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    now = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust's own CPU, once it has exited
    cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
    with open(f"{prefix}_stats.csv", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "failures": int(row["Failure Count"]),
        "count": int(row["Request Count"]),
        "load_cpu": cpu / seconds,  # of one core
    }


def bench_web(
    seller: SellerAccount, *, seconds: int, report: Callable[[str], None], figure: Callable
) -> None:
    client = Client()
    client.force_login(seller.users.first())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    server_pin, load_pin, pinned = pinning()
    # Two workers a core the server may use (all of them when not pinned).
    server_cpus = len(server_pin[-1].split(",")) if server_pin else (os.cpu_count() or 1)
    workers = max(2, 2 * server_cpus)
    static_root = settings.BASE_DIR / "var" / "load" / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "load.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the bench's session must stay valid in gunicorn
        "INBOUND_EMAIL_SECRET": settings.INBOUND_EMAIL_SECRET or "bench-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": database_url(),
        "CACHE_URL": cache_url(),  # gunicorn's workers count rate limits in one cache
        "STATIC_ROOT": str(static_root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    with tempfile.TemporaryDirectory() as out:
        server = subprocess.Popen(  # noqa: S603 (our own command line)
            [*server_pin, sys.executable, "-m", "gunicorn", "load.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
        try:
            if not wait_for_http(f"http://127.0.0.1:{port}/load/bare/"):
                raise RuntimeError("gunicorn did not answer")
            bare = _locust("Bare", port, seconds, cookie, Path(out), load_pin)
            floor = _locust("InboxFloor", port, seconds, cookie, Path(out), load_pin)
            inbox = _locust("Inbox", port, seconds, cookie, Path(out), load_pin)
        finally:
            server.terminate()
            server.wait(20)
    share = inbox["rps"] / bare["rps"]
    runs = [("bare view (baseline)", bare), ("inbox's floor", floor), ("inbox", inbox)]
    for name, run in runs:
        report(
            f"{name:<22} {run['rps']:7.1f} req/s  p50 {run['p50']:.0f} ms  p95 {run['p95']:.0f} ms  "
            f"{run['count']:,} requests, {run['failures']} failed ({workers} gunicorn workers, {USERS} users); "
            f"load generator used {run['load_cpu']:.0%} of a core"
        )
    report(
        f"inbox throughput = {share:.0%} of the bare view's, {inbox['rps'] / floor['rps']:.0%} of its floor's "
        f"(the same queries, a plain template); {pinned}"
    )
    if bare["load_cpu"] > 0.9:  # then the bare figure is the generator's ceiling, not the server's
        report("  the load generator was near a full core on the bare view: its throughput is a lower bound")
    figure(
        "web: inbox under gunicorn, 50 users", f"{inbox['rps']:.0f} req/s, p95 {inbox['p95']:.0f} ms",
        f"bare view {bare['rps']:.0f} req/s ({pinned}; locust {bare['load_cpu']:.0%} / {inbox['load_cpu']:.0%} "
        "of a core)", f"{share:.0%}", "≥ 50 %", share >= 0.5 and inbox["failures"] == 0,
    )  # fmt: skip
    # The like-for-like baseline: what Django itself serves of the inbox's queries and rows.
    figure(
        "web: inbox vs its floor under gunicorn", f"{inbox['rps']:.0f} req/s",
        f"floor {floor['rps']:.0f} req/s, p95 {floor['p95']:.0f} ms", f"{inbox['rps'] / floor['rps']:.0%}",
        "≥ 50 %", inbox["rps"] >= 0.5 * floor["rps"] and floor["failures"] == 0,
    )  # fmt: skip
