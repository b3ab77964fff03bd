"""Messaging benchmarks (``manage.py bench``): the inbox at 100,000 messages, relay throughput.

Figures are printed beside a baseline measured in the same run, because absolute times on
shared machines are noisy. Nothing here runs in the test suite.
"""

from __future__ import annotations

import email.policy
import os
import re
import secrets
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.models import OrderItem, SellerAccount
from commerce.pagination import cursor_of
from commerce.selectors import seller_account_for_user
from sellercentral import bench_floors
from sellercentral.bench_floors import percentile as _percentile  # the bench's one percentile
from sellercentral.bench_floors import ratio_text
from sellercentral.processes import cache_url, database_url, free_port

from . import selectors
from .bench_leftovers import mail_undone
from .models import Message, Thread

SCAN = re.compile(
    r"(?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using \S+)? on \S+"
)


def _time_requests(client: Client, url: str, params: dict, runs: int) -> tuple[list[float], int]:
    client.get(url, params)  # warm caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return samples, len(queries)


def _time_sql(sql: str, params: list, runs: int) -> list[float]:
    samples = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


INBOX_SQL = (
    "SELECT m.id, m.sent_at, m.sender_name, m.subject, m.is_auto_reply, m.is_system, m.needs_response, "
    "m.responded_at, o.order_id, a.token FROM messaging_message m "
    "JOIN messaging_thread t ON t.id = m.thread_id LEFT JOIN commerce_order o ON o.id = t.order_id "
    "JOIN messaging_alias a ON a.id = t.buyer_alias_id "
    "WHERE m.seller_id = %s AND m.direction = 'received' AND m.sent_at >= %s {where} "
    "ORDER BY m.sent_at DESC, m.id DESC LIMIT 26"
)
SEARCHES = {
    "first page": "",
    "search by order id": "AND o.order_id LIKE %s",
    "search by ASIN": "AND EXISTS (SELECT 1 FROM commerce_orderitem i JOIN commerce_product p ON p.id = i.product_id "
    "WHERE i.order_id = t.order_id AND p.asin = %s)",
    "search by masked address": "AND a.token = %s",
}


def _explain_scans(queryset) -> str:
    plan = queryset.explain(analyze=connection.vendor == "postgresql")
    return "; ".join(sorted({match.group(0) for match in SCAN.finditer(plan)}))


def bench_inbox(seller: SellerAccount, *, runs: int, report: Callable[[str], None], figure: Callable) -> None:
    """The largest seller's inbox: each case beside the raw SQL of the same rows."""
    user = seller.users.first()
    assert seller_account_for_user(user) == seller
    client = Client()
    client.force_login(user)
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=30)
    sample = (
        Message.objects.filter(seller=seller, direction="received", sent_at__gte=since)
        .select_related("thread__order", "thread__buyer_alias__marketplace")
        .order_by("-sent_at")[500]
    )
    asin = OrderItem.objects.filter(order=sample.thread.order).select_related("product").first().product.asin
    terms = {
        "first page": None,
        "search by order id": sample.thread.order.order_id,
        "search by ASIN": asin,
        "search by masked address": sample.thread.buyer_alias.address,
    }
    sql_terms = {
        "search by order id": sample.thread.order.order_id + "%",
        "search by ASIN": asin,
        "search by masked address": sample.thread.buyer_alias.token,
    }
    for name, term in terms.items():
        params = {"q": term} if term else {}
        sql_params = [seller.pk, since] + ([sql_terms[name]] if name in sql_terms else [])
        baseline = _time_sql(INBOX_SQL.format(where=SEARCHES[name]), sql_params, runs)
        fetch = _time_fetch(
            lambda term=term: selectors.inbox_rows(seller, since=since, search=term or ""), runs
        )
        url = "/seller/messages/" + (f"?{urlencode(params)}" if params else "")
        page = bench_floors.measure(client, "inbox-" + name.replace(" ", "-"), url, runs)
        samples, queries = page.page, page.queries
        p50, p95, raw = statistics.median(samples), _percentile(samples, 0.95), statistics.median(baseline)
        orm = statistics.median(fetch)
        report(
            f"inbox {name:<25} page p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  queries {queries}  ·  "
            f"ORM rows {orm:5.1f} ms vs raw SQL {raw:5.1f} ms ({orm / raw:.1f}x; whole page {p50 / raw:.0f}x)  ·  "
            f"{page.baseline()} (page {ratio_text(p95, page.floor_p95)})"
        )
        figure(
            f"inbox, {name}", f"p95 {p95:.0f} ms, {queries} queries", f"raw SQL {raw:.1f} ms · {page.baseline()}",
            f"rows {orm / raw:.1f}x · page {ratio_text(p95, page.floor_p95)} floor",
            "p95 ≤ 50 ms, ≤ 8 queries, rows ≤ 3x SQL, page ≤ 3x floor",
            p95 <= 50 and queries <= 8 and orm / raw <= 3 and page.ratio <= bench_floors.GOAL,
        )  # fmt: skip
        report(f"  plan: {_explain_scans(selectors.inbox_rows(seller, since=since, search=term or '')[:26])}")
    # Page 1,000: its cursor is the last row of page 999 (found here with OFFSET, once).
    messages = selectors.inbox(seller, since=timezone.now() - timedelta(days=90))
    deep = messages[999 * 25 - 1]
    cursor = cursor_of(deep.sent_at, deep.pk)
    ninety = (timezone.localdate() - timedelta(days=89)).isoformat()
    first, _ = _time_requests(client, "/seller/messages/", {"since": ninety}, runs)
    deep_page = bench_floors.measure(
        client, "inbox-page-1000", f"/seller/messages/?{urlencode({'since': ninety, 'before': cursor})}", runs
    )
    page, page_queries = deep_page.page, deep_page.queries
    ratio = statistics.median(page) / statistics.median(first)
    report(
        f"inbox page 1,000 (90 days, {messages.count():,} messages): p50 {statistics.median(page):.1f} ms, "
        f"p95 {_percentile(page, 0.95):.1f} ms, {page_queries} queries; page 1 p50 {statistics.median(first):.1f} ms "
        f"({ratio:.2f}x); {deep_page.baseline()} (page {ratio_text(deep_page.p95, deep_page.floor_p95)})"
    )
    report(f"  plan: {_explain_scans(keyset_rows(messages, deep))}")
    figure(
        "inbox page 1,000", f"p50 {statistics.median(page):.0f} ms",
        f"page 1 {statistics.median(first):.0f} ms · {deep_page.baseline()}",
        f"{ratio:.2f}x · {ratio_text(deep_page.p95, deep_page.floor_p95)} floor", "≤ 2x page 1, ≤ 3x floor",
        ratio <= 2 and deep_page.ratio <= bench_floors.GOAL,
    )  # fmt: skip


def keyset_rows(messages, after: Message):
    """What the page after ``after`` fetches (for its query plan)."""
    return messages.filter(
        Q(sent_at__lt=after.sent_at) | Q(sent_at=after.sent_at, pk__lt=after.pk), sent_at__lte=after.sent_at
    )[:26]


def _time_fetch(queryset_of: Callable, runs: int) -> list[float]:
    """The ORM's fetch of one page of rows (what the raw SQL fetches), models built."""
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        list(queryset_of()[:26])
        samples.append((time.perf_counter() - started) * 1000)
    return samples[1:]


def _send_many(port: int, messages: list[bytes], sender: str, to: str) -> float:
    """Mails per second over one connection (the mails are rendered before the clock starts)."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for message in messages:
            client.sendmail(sender, [to], message)
    return len(messages) / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def production_env() -> dict[str, str]:
    """The relay as deployed: DEBUG off (no query log, no development settings), its own secrets."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "INBOUND_EMAIL_SECRET": secrets.token_urlsafe(20),
        "DATABASE_URL": database_url(),
        "CACHE_URL": cache_url(),  # the relay processes count their rate limits together
    }


@contextmanager
def _servers(command: list[str], count: int, ready: str):
    """``count`` server processes, each waited for until its output says ``ready`` (the output
    goes to a file, so a chatty server never blocks on a full pipe)."""
    with tempfile.TemporaryDirectory() as folder:
        outputs = [Path(folder) / f"server-{n}.log" for n in range(count)]
        servers = [
            subprocess.Popen(  # noqa: S603 (our own command line)
                command,
                cwd=settings.BASE_DIR,
                env=production_env(),
                stdout=output.open("w"),
                stderr=subprocess.STDOUT,
            )
            for output in outputs
        ]
        try:
            deadline = time.monotonic() + 60
            for server, output in zip(servers, outputs, strict=True):
                while ready not in output.read_text():
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"a server did not start: {output.read_text()[-2000:]}")
                    time.sleep(0.05)
            yield servers
        finally:
            for server in servers:
                server.terminate()
                server.wait(20)


def _relay_command(port: int, reuse_port: bool) -> list[str]:
    command = [sys.executable, "manage.py", "relay_smtpd", "--port", str(port)]
    return command + (["--reuse-port"] if reuse_port else [])


def _null_command(port: int) -> list[str]:
    # aiosmtpd's own server with a handler that keeps nothing; it says nothing when ready, so a
    # line is printed by a wrapper once it listens.
    code = (
        "import sys, time; from aiosmtpd.controller import Controller; from aiosmtpd.handlers import Sink; "
        f"c = Controller(Sink(), hostname='127.0.0.1', port={port}); c.start(); print('listening', flush=True); "
        "time.sleep(3600)"
    )
    return [sys.executable, "-c", code]


def bench_relay(
    seller: SellerAccount | None = None,
    *,
    count: int,
    report: Callable[[str], None],
    figure: Callable | None = None,
) -> None:
    """Messages per second through the real relay (authenticate, parse, store, enqueue) vs a
    null aiosmtpd, each server a process of its own with production settings (DEBUG off), the
    client this one: as a relay process runs behind an MTA. The mails are deleted at the end."""
    seller = seller or Thread.objects.order_by("id").first().seller
    # Conversations of the seller, one per connection below, so that connections at once are
    # not all queued on one conversation's lock (an MX's connections carry many).
    threads = list(
        Thread.objects.filter(seller=seller)
        .select_related("customer", "seller_alias__marketplace")
        .order_by("id")[:4]
    )
    with mail_undone(threads):
        _relay_figures(threads, count=count, report=report, figure=figure)


def _relay_figures(
    threads: list[Thread], *, count: int, report: Callable[[str], None], figure: Callable | None
) -> None:
    thread = threads[0]
    to, sender = thread.seller_alias.address, thread.customer.email

    def mail(n: int, thread: Thread = thread) -> bytes:
        message = EmailMessage()
        message["From"] = thread.customer.email
        message["To"] = thread.seller_alias.address
        message["Subject"] = f"Re: {thread.subject}"
        message["Message-ID"] = f"<bench-relay-{time.time_ns()}-{n}@example.com>"
        message.set_content("Thanks, and one more question about my order. " * 5)
        return message.as_bytes(policy=email.policy.SMTP)  # CRLF line ends, as on the wire

    port = free_port()
    with _servers(_null_command(port), 1, "listening"):
        baseline = _send_many(port, [mail(n) for n in range(count)], sender, to)
    port = free_port()
    with _servers(_relay_command(port, reuse_port=False), 1, "listening") as [relay]:
        _send_many(port, [mail(n) for n in range(10)], sender, to)  # connections made, code warm
        cpu = cpu_seconds(relay.pid)
        rate = _send_many(port, [mail(n) for n in range(count)], sender, to)
        cpu_per_mail = None if cpu is None else (cpu_seconds(relay.pid) - cpu) / count * 1000
    used = "" if cpu_per_mail is None else f"; the relay process used {cpu_per_mail:.1f} ms of CPU a mail"
    report(
        f"relay through SMTP: {rate:.0f} msg/s (authenticate + parse + store + outbox + enqueue{used}); "
        f"null aiosmtpd baseline {baseline:.0f} msg/s"
    )
    if figure is not None:
        figure(
            "relay through SMTP, 1 process, 1 connection", f"{rate:.0f} msg/s",
            f"null aiosmtpd {baseline:.0f} msg/s", f"{rate / baseline:.2f}x", "≥ 100 msg/s", rate >= 100,
        )  # fmt: skip
    # Scaled out as deployed: one relay process per core on one port (SO_REUSEPORT), mail
    # arriving over several connections at once, as MTAs deliver.
    processes, connections_at_once = max(2, os.cpu_count() or 1), 4
    port = free_port()
    with _servers(_relay_command(port, reuse_port=True), processes, "listening"):
        conversations = [threads[c % len(threads)] for c in range(connections_at_once)]
        batches = [
            [mail(c * count + n, thread) for n in range(count // connections_at_once)]
            for c, thread in enumerate(conversations)
        ]

        def send(c: int) -> float:
            thread = conversations[c]
            return _send_many(port, batches[c], thread.customer.email, thread.seller_alias.address)

        started = time.perf_counter()
        with ThreadPoolExecutor(connections_at_once) as pool:
            list(pool.map(send, range(connections_at_once)))
        scaled = sum(map(len, batches)) / (time.perf_counter() - started)
    report(
        f"relay through SMTP, {processes} processes on one port, {connections_at_once} connections "
        f"(each its own conversation): {scaled:.0f} msg/s"
    )
    if figure is not None:
        figure(
            f"relay, {processes} processes (one port), {connections_at_once} connections", f"{scaled:.0f} msg/s",
            f"null aiosmtpd {baseline:.0f} msg/s", f"{scaled / baseline:.2f}x", "≥ 100 msg/s", scaled >= 100,
        )  # fmt: skip
