"""The web figure of ``manage.py bench``: the inbox under gunicorn vs a bare view, same server.

gunicorn runs the production settings (``load.settings``: the product plus one bare view)
on the bench's database; locust (headless, 50 users, no think time) drives each URL in turn.
"""

from __future__ import annotations

import csv
import os
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


def _locust(user_class: str, port: int, seconds: int, cookie: str, out: Path) -> dict:
    prefix = out / user_class
    subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "locust", "-f", "load/webbench.py", user_class, "--headless", "--users", str(USERS),
         "--spawn-rate", str(USERS), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        cwd=settings.BASE_DIR, env={**os.environ, "BENCH_COOKIE": cookie}, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "failures": int(row["Failure Count"]),
        "count": int(row["Request Count"]),
    }


def bench_web(
    seller: SellerAccount, *, seconds: int, report: Callable[[str], None], figure: Callable
) -> None:
    client = Client()
    client.force_login(seller.users.first())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    workers = max(2, 2 * (os.cpu_count() or 1))
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
            [sys.executable, "-m", "gunicorn", "load.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env,
        )  # fmt: skip
        try:
            if not wait_for_http(f"http://127.0.0.1:{port}/load/bare/"):
                raise RuntimeError("gunicorn did not answer")
            bare = _locust("Bare", port, seconds, cookie, Path(out))
            inbox = _locust("Inbox", port, seconds, cookie, Path(out))
        finally:
            server.terminate()
            server.wait(20)
    share = inbox["rps"] / bare["rps"]
    for name, run in [("bare view (baseline)", bare), ("inbox", inbox)]:
        report(
            f"{name:<22} {run['rps']:7.1f} req/s  p50 {run['p50']:.0f} ms  p95 {run['p95']:.0f} ms  "
            f"{run['count']:,} requests, {run['failures']} failed ({workers} gunicorn workers, {USERS} users)"
        )
    report(f"inbox throughput = {share:.0%} of the bare view's")
    figure(
        "web: inbox under gunicorn, 50 users", f"{inbox['rps']:.0f} req/s, p95 {inbox['p95']:.0f} ms",
        f"bare view {bare['rps']:.0f} req/s", f"{share:.0%}", "≥ 25 %",
        share >= 0.25 and inbox["failures"] == 0,
    )  # fmt: skip
