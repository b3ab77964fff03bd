"""Database restart during a request burst: clean 5xx pages that leak nothing, then recovery.

The suite shares its PostgreSQL server, so the test does not restart it: it puts a small TCP
proxy between the product and PostgreSQL and "restarts" that instead. A restart closes every
open client/server pair (as PostgreSQL ends every backend when it restarts) and refuses new
connections for two seconds, then listens again on the same port. The product runs under real
gunicorn (2 workers x 4 threads, DEBUG off, persistent connections with CONN_HEALTH_CHECKS) and a
signed-in seller hammers the inbox page and the JSON API through the restart.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from knox.models import AuthToken

from messaging import services
from sellercentral.processes import free_port
from sellercentral.views import SERVER_ERROR_DETAIL

from .. import factories
from ..workers import ROOT, database_url_of_tests, wait_for

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the database-restart proxy stands in front of PostgreSQL; SQLite has no server to restart",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BURST_SECONDS = 8.0
RESTART_AFTER = 2.5  # seconds into the burst
DOWN_FOR = 2.0  # seconds the "server" refuses connections
QUIET_DOWN_FOR = 1.0  # the second restart, with no traffic
CLIENTS = 8
CLIENT_TIMEOUT = 10.0  # a request taking longer than this counts as a hang
RECOVERY_RUN = 20  # consecutive 200s wanted once the database is back
RECOVERY_DEADLINE = 5.0
INBOX = "/seller/messages/"
API_INBOX = "/api/v1/seller/messages/"
ERROR_PAGE = (ROOT / "templates" / "500.html").read_text()


# --- A PostgreSQL stand-in that can be restarted --------------------------------------------
class RestartableDatabaseProxy:
    """A TCP proxy to PostgreSQL whose ``restart()`` behaves like a server restart."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self.accepted = 0  # client connections served
        self.killed = 0  # open pairs closed by restarts
        self.went_down_at: float | None = None
        self.came_up_at: float | None = None
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._want_down = threading.Event()
        self._is_down = threading.Event()
        self._is_up = threading.Event()
        self._down_until = 0.0
        self._thread = threading.Thread(target=self._accept_loop, name="db-proxy", daemon=True)

    def start(self) -> None:
        self._listen()
        self._thread.start()

    def restart(self, down_for: float) -> None:
        """Stop listening, end every open connection, listen again ``down_for`` seconds later."""
        self._is_down.clear()
        self._is_up.clear()
        self._down_until = time.monotonic() + down_for
        self._want_down.set()
        assert self._is_down.wait(5), "the proxy did not stop listening"
        self._kill_all()
        assert self._is_up.wait(down_for + 5), "the proxy did not listen again"

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self._kill_all()

    # The accept thread owns the listening socket: it alone opens, closes and reopens it.
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # 0 the first time, then the same port again
        listener.listen(128)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            if self._want_down.is_set():
                self._want_down.clear()
                self._listener.close()  # new connections are refused from now on
                self._listener = None
                self.went_down_at = time.monotonic()
                self._is_down.set()
                continue
            if self._listener is None:
                if time.monotonic() < self._down_until:
                    time.sleep(0.005)
                    continue
                self._listen()
                self.came_up_at = time.monotonic()
                self._is_up.set()
                continue
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._serve(client)

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        for end in (client, server):
            end.settimeout(None)
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pair = (client, server)
        with self._lock:
            self._pairs.add(pair)
            self.accepted += 1
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, target, pair), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, pair) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                mine = pair in self._pairs
                self._pairs.discard(pair)
            if mine:
                self._close(pair)

    def _kill_all(self) -> None:
        with self._lock:
            pairs = list(self._pairs)
            self._pairs.clear()
            self.killed += len(pairs)
        for pair in pairs:
            self._close(pair)

    @staticmethod
    def _close(pair) -> None:
        for end in pair:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)  # wakes the pump blocked in recv() on it
            end.close()


# --- A stdlib HTTP client -----------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                jar.update({name: morsel.value for name, morsel in SimpleCookie(value).items()})
        return jar


def fetch(port: int, path: str, *, method="GET", headers=None, body=None) -> Reply:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        client.request(method, path, body=body, headers=headers or {})
        response = client.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        client.close()


@dataclass
class Outcome:
    kind: str  # "page" or "api"
    started: float
    finished: float
    status: int | None = None
    body: bytes = b""
    location: str | None = None
    error: str | None = None


@dataclass
class Seller:
    name: str
    username: str
    cookie: str = ""
    token: str = ""

    def get(self, port: int, kind: str) -> Outcome:
        started = time.monotonic()
        path, headers = (
            (INBOX, {"Cookie": self.cookie})
            if kind == "page"
            else (API_INBOX, {"Authorization": f"Token {self.token}"})
        )
        try:
            reply = fetch(port, path, headers=headers)
        except Exception as error:  # a hang (timeout) or a dropped connection
            return Outcome(kind, started, time.monotonic(), error=f"{type(error).__name__}: {error}")
        return Outcome(kind, started, time.monotonic(), reply.status, reply.body, reply.header("Location"))


def sign_in(port: int, seller: Seller) -> None:
    """The seller signs in through the real form and keeps the session cookie."""
    form = fetch(port, "/seller/signin/")
    assert form.status == 200
    cookies = form.cookies()
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1).decode()
    signed_in = fetch(
        port,
        "/seller/signin/",
        method="POST",
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {"username": seller.username, "password": factories.PASSWORD, "csrfmiddlewaretoken": csrf}
        ),
    )
    assert signed_in.status == 302, signed_in.body[:2000]
    assert signed_in.header("Location") == "/seller/"
    cookies.update(signed_in.cookies())
    seller.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())


# --- gunicorn -------------------------------------------------------------------------------
def _children_of(pid: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # "pid (comm) state ppid …"
            children.add(int(entry.name))
    return children


@dataclass
class Web:
    process: subprocess.Popen
    port: int
    log: Path
    secret_key: str
    database_name: str
    proxy: RestartableDatabaseProxy

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> set[int]:
        return _children_of(self.process.pid)


@pytest.fixture
def proxy():
    db = connection.settings_dict
    proxy = RestartableDatabaseProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def static_root(tmp_path) -> Path:
    """The manifest production pages need; collected uncompressed (seconds, not half a minute)."""
    root = tmp_path / "static"
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def web(proxy, static_root, tmp_path):
    """The product under gunicorn, production settings, its database behind the proxy."""
    database_url = urlsplit(database_url_of_tests())
    credentials = database_url.netloc.rsplit("@", 1)[0]
    port, secret_key = free_port(), secrets.token_urlsafe(48)
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": database_url._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}").geturl(),
        "DATABASE_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "INBOUND_EMAIL_SECRET": secrets.token_urlsafe(24),
        "VAR_DIR": str(tmp_path / "var"),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",  # the two workers count rate limits together
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "sellercentral.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
        "--timeout", "30", "--graceful-timeout", "5", "--log-level", "info",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Web(process, port, log, secret_key, connection.settings_dict["NAME"], proxy)
    try:

        def ready() -> bool:
            assert process.poll() is None, f"gunicorn exited:\n{server.log_text()[-5000:]}"
            try:
                return fetch(port, "/healthz/").status == 200 and len(server.workers()) == 2
            except OSError:
                return False

        assert wait_for(ready, timeout=30), f"gunicorn never answered:\n{server.log_text()[-5000:]}"
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: gunicorn and its workers
            process.wait()
        print(f"--- {log} (last lines)\n{server.log_text()[-1500:]}")


# --- The test -------------------------------------------------------------------------------
def _leaks(body: bytes, web: Web) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    secrets_and_internals = [
        "Traceback", "psycopg", "OperationalError", "django", "postgres", "site-packages", ".py", "5432",
        str(ROOT), str(web.proxy.port), web.database_name, web.secret_key, "127.0.0.1",
    ]  # fmt: skip
    return [needle for needle in secrets_and_internals if needle.lower() in text.lower()]


def test_requests_fail_cleanly_while_the_database_restarts_and_recover_without_a_restart(web):
    seller_account = factories.SellerAccountFactory(name="Restart Test Seller 4 Luca")
    user = factories.seller_user(seller_account)
    hasher = PBKDF2PasswordHasher()  # the product's own hasher: the tests' MD5 is not in its list
    user.password = hasher.encode(factories.PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    order = factories.order_with_items(seller=seller_account)
    services.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    seller = Seller(seller_account.name, user.username, token=AuthToken.objects.create(user=user)[1])
    sign_in(web.port, seller)

    before = {kind: seller.get(web.port, kind) for kind in ("page", "api")}
    assert before["page"].status == 200 and seller.name.encode() in before["page"].body
    assert before["api"].status == 200 and json.loads(before["api"].body)["count"] == 1
    workers = web.workers()
    booted = web.log_text().count("Booting worker")
    assert len(workers) == 2 and booted == 2

    # The burst: 8 clients, each alternating the inbox page and the API, through the restart.
    outcomes: list[Outcome] = []
    start = time.monotonic()
    end = start + BURST_SECONDS

    def client(index: int) -> None:
        kinds = ("page", "api") if index % 2 else ("api", "page")
        count = 0
        while time.monotonic() < end:
            outcomes.append(seller.get(web.port, kinds[count % 2]))
            count += 1
            time.sleep(0.01)

    clients = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in clients:
        thread.start()
    time.sleep(RESTART_AFTER)
    web.proxy.restart(down_for=DOWN_FOR)
    for thread in clients:
        thread.join(timeout=BURST_SECONDS + CLIENT_TIMEOUT + 5)
    assert not any(thread.is_alive() for thread in clients), "a client hung"
    down, up, burst_cut = web.proxy.went_down_at, web.proxy.came_up_at, web.proxy.killed

    # Then: N consecutive successes within a few seconds, on the same processes.
    recovery_started = time.monotonic()
    streak: list[Outcome] = []
    while len(streak) < RECOVERY_RUN and time.monotonic() - recovery_started < RECOVERY_DEADLINE:
        outcome = seller.get(web.port, ("page", "api")[len(streak) % 2])
        streak = [*streak, outcome] if outcome.status == 200 else []
    recovered_in = time.monotonic() - recovery_started

    # A second, quiet restart: nobody asks anything while the database is down, so the
    # persistent connections it cuts are still there, dead, when the next requests come. Each
    # must be replaced before use (CONN_HEALTH_CHECKS), not fail one request per thread.
    web.proxy.restart(down_for=QUIET_DOWN_FOR)
    idle_cut = web.proxy.killed - burst_cut
    after_quiet: list[Outcome] = []

    def ask() -> None:
        for kind in ("page", "api"):
            after_quiet.append(seller.get(web.port, kind))

    askers = [threading.Thread(target=ask, daemon=True) for _ in range(CLIENTS)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(timeout=2 * CLIENT_TIMEOUT + 5)

    failed = [o for o in outcomes if o.status != 200]
    server_errors = [o for o in outcomes if o.status is not None and o.status >= 500]
    during_outage = [o for o in server_errors if o.finished >= down and o.started <= up]
    after_up = [o for o in outcomes if o.started >= up]
    first_success = min((o.finished for o in after_up if o.status == 200), default=float("nan"))
    by_status: dict[str, int] = {}
    for outcome in outcomes:
        key = f"{outcome.kind} {outcome.status or outcome.error}"
        by_status[key] = by_status.get(key, 0) + 1
    print(
        f"\n{len(outcomes)} requests in {BURST_SECONDS:.0f} s by {CLIENTS} clients: {dict(sorted(by_status.items()))}"
        f"\nproxy: {web.proxy.accepted} connections served, {burst_cut} open ones cut by the restart,"
        f" down {down - start:.2f} s → {up - start:.2f} s into the burst"
        f"\n{len(server_errors)} 5xx ({len(during_outage)} while the database was down); "
        f"first success {first_success - up:.3f} s after the database came back; "
        f"{len(after_up)} requests started after it, {sum(o.status == 200 for o in after_up)} of them 200"
        f"\nrecovery: {len(streak)} consecutive 200s in {recovered_in:.2f} s; quiet restart cut {idle_cut} idle"
        f" connections, then {sum(o.status == 200 for o in after_quiet)}/{len(after_quiet)} requests were 200"
    )

    # (1) Every request is answered (no hang, no dropped connection): a 200 or a 5xx; never a
    # 4xx or a redirect to the sign-in page, so the session survived the restart.
    assert [o.error for o in outcomes if o.error] == []
    assert {o.status for o in outcomes} <= {200, 500, 502, 503}, [(o.status, o.location) for o in failed]
    for outcome in outcomes:
        if outcome.status == 200 and outcome.kind == "page":
            assert seller.name.encode() in outcome.body
        elif outcome.status == 200:
            assert json.loads(outcome.body)["count"] == 1

    # (2) Every 5xx, page or API, is the project's own error page and leaks nothing.
    for outcome in server_errors:
        assert _leaks(outcome.body, web) == [], outcome.body[:3000]
        if outcome.kind == "page":
            assert outcome.body.decode() == ERROR_PAGE, outcome.body[:3000]
        else:
            assert json.loads(outcome.body) == {
                "errors": [{"code": "server_error", "message": SERVER_ERROR_DETAIL}],
                "detail": SERVER_ERROR_DETAIL,
            }, outcome.body[:3000]

    # (3) The fault really happened: open connections were cut and requests failed meanwhile.
    assert burst_cut >= 1, "no persistent connection was open to be cut"
    assert during_outage, "no request failed while the database was down"

    # (4) Recovery without a restart: every request started once the database was back
    # succeeded (a connection cut mid-burst is dropped after the request it failed), then N in a
    # row; after the quiet restart the idle dead connections were replaced before use
    # (CONN_HEALTH_CHECKS) instead of failing the first request of each thread …
    assert after_up, "the burst ended before the database came back"
    assert [(o.kind, o.status) for o in after_up if o.status != 200] == []
    assert len(streak) == RECOVERY_RUN, [(o.kind, o.status, o.error) for o in streak]
    assert idle_cut >= 1, "the quiet restart found no idle persistent connection to cut"
    assert [(o.kind, o.status, o.error) for o in after_quiet if o.status != 200] == []
    assert len(after_quiet) == 2 * CLIENTS
    # … on the same gunicorn master and workers: none crashed or was replaced.
    assert web.process.poll() is None
    assert web.workers() == workers
    log = web.log_text()
    assert log.count("Booting worker") == booted, log[-5000:]

    # Operators see what users do not: each 500 is logged server-side with its cause.
    assert "OperationalError" in log
    assert log.count("Internal Server Error: ") >= len(server_errors)
