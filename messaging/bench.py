"""Messaging benchmarks (``manage.py bench``): the inbox at 100,000 messages, relay throughput.

Figures are printed beside a baseline measured in the same run, because absolute times on
shared machines are noisy. Nothing here runs in the test suite.
"""

from __future__ import annotations

import random
import re
import smtplib
import socket
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tqdm import tqdm

from commerce import services as commerce_services
from commerce.models import Customer, Marketplace, OrderItem, Product, SellerAccount
from commerce.selectors import seller_account_for_user

from . import selectors, services
from .models import Alias, Message, Thread
from .smtpd import relay_controller

BENCH_SELLER = "Bench Seller (100k messages)"
SCAN = re.compile(
    r"(?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using \S+)? on \S+"
)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build_inbox_data(*, messages: int = 100_000, per_thread: int = 20, stdout=None) -> SellerAccount:
    """One seller with ``messages`` messages over 90 days; made once, reused after."""
    seller = SellerAccount.objects.filter(name=BENCH_SELLER).first()
    if seller is not None and Message.objects.filter(seller=seller).count() >= messages:
        return seller
    uk = Marketplace.objects.get(code="uk")
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-seller", defaults={"email": "bench@merchant.example.net"}
    )
    if seller is None:
        seller = commerce_services.create_seller_account(name=BENCH_SELLER, marketplaces=[uk], users=[user])
    Thread.objects.filter(seller=seller).delete()
    products = [
        Product.objects.get_or_create(
            seller=seller,
            sku=f"BENCH-{n}",
            defaults={"asin": f"B0BENCH{n:03d}", "title": f"Bench product {n}"},
        )[0]
        for n in range(50)
    ]
    threads_needed = messages // per_thread
    rng = random.Random(7)
    now = timezone.now()
    progress = tqdm(total=messages, unit="msg", desc="Bench inbox data", file=stdout)
    batch = 1000
    for start in range(0, threads_needed, batch):
        count = min(batch, threads_needed - start)
        with transaction.atomic():
            customers = Customer.objects.bulk_create(
                Customer(
                    user=get_user_model().objects.create(username=f"bench-buyer-{start + n}"),
                    name=f"Bench Buyer {start + n}",
                    email=f"bench-buyer-{start + n}@example.com",
                )
                for n in range(count)
            )
            orders = commerce_services.place_orders(
                [
                    commerce_services.NewOrder(
                        order_id=f"205-{start + n:07d}-{rng.randrange(10**7):07d}",
                        seller=seller,
                        customer=customer,
                        marketplace=uk,
                        lines=[commerce_services.OrderLine(rng.choice(products), 1, Decimal("9.99"))],
                        placed_at=now - timedelta(days=95),
                    )
                    for n, customer in enumerate(customers)
                ]
            )
            seller_alias = services.seller_alias(seller=seller, marketplace=uk)
            aliases = Alias.objects.bulk_create(
                Alias(
                    token=services.new_alias_token(),
                    kind=Alias.Kind.BUYER,
                    customer=c,
                    seller=seller,
                    marketplace=uk,
                )
                for c in customers
            )
            threads = Thread.objects.bulk_create(
                Thread(
                    seller=seller,
                    customer=c,
                    marketplace=uk,
                    buyer_alias=a,
                    seller_alias=seller_alias,
                    order=o,
                    subject=f"Enquiry from customer {c.name} (Order: {o.order_id})",
                    created_at=now - timedelta(days=90),
                    last_message_at=now,
                )
                for c, a, o in zip(customers, aliases, orders, strict=True)
            )
            rows = []
            for thread in threads:
                for k in range(per_thread):
                    sent_at = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                    received = k % 2 == 0
                    answered = received and rng.random() < 0.9
                    rows.append(
                        Message(
                            thread=thread,
                            seller=seller,
                            direction=Message.Direction.RECEIVED if received else Message.Direction.SENT,
                            channel=Message.Channel.EMAIL,
                            sender_name=thread.customer.name if received else seller.name,
                            subject=thread.subject,
                            body_text="Hello, where is my order?",
                            message_id=f"<bench.{thread.pk}.{k}@example.com>",
                            relay_message_id=f"<relay.bench.{thread.pk}.{k}@example.com>",
                            sent_at=sent_at,
                            needs_response=received,
                            response_deadline=sent_at + timedelta(hours=24) if received else None,
                            responded_at=sent_at + timedelta(minutes=rng.uniform(5, 60 * 30))
                            if answered
                            else None,
                        )
                    )
            Message.objects.bulk_create(rows, batch_size=5000)
        progress.update(count * per_thread)
    progress.close()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    return seller


def report_baseline(report: Callable[[str], None], samples: list[float]) -> None:
    report(
        f"baseline raw SQL, first page: p50 {statistics.median(samples):.1f} ms, p95 {_percentile(samples, 0.95):.1f} ms"
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


def bench_inbox(seller: SellerAccount, *, runs: int, report: Callable[[str], None]) -> None:
    user = seller.users.first()
    assert seller_account_for_user(user) == seller
    client = Client()
    client.force_login(user)
    sample = (
        Message.objects.filter(seller=seller, direction="received")
        .select_related("thread__order", "thread__buyer_alias")
        .order_by("-sent_at")
        .first()
    )
    asin = OrderItem.objects.filter(order=sample.thread.order).select_related("product").first().product.asin
    cases = [
        ("inbox first page", {}),
        ("inbox page 40", {"page": 40}),
        ("search by order id", {"q": sample.thread.order.order_id}),
        ("search by ASIN", {"q": asin}),
        ("search by masked address", {"q": sample.thread.buyer_alias.address}),
        ("awaiting response", {"awaiting": "on"}),
    ]
    raw_sql = (
        "SELECT m.id, m.sent_at, m.sender_name, m.subject, o.order_id FROM messaging_message m "
        "JOIN messaging_thread t ON t.id = m.thread_id LEFT JOIN commerce_order o ON o.id = t.order_id "
        "WHERE m.seller_id = %s AND m.direction = 'received' AND m.sent_at >= %s ORDER BY m.sent_at DESC, m.id DESC LIMIT 25"
    )
    baseline = _time_sql(raw_sql, [seller.pk, timezone.now() - timedelta(days=31)], runs)
    report_baseline(report, baseline)
    for name, params in cases:
        samples, queries = _time_requests(client, "/seller/messages/", params, runs)
        report(
            f"{name:<26} p50 {statistics.median(samples):6.1f} ms  p95 {_percentile(samples, 0.95):6.1f} ms  "
            f"queries {queries}  (p50 {statistics.median(samples) / statistics.median(baseline):.1f}x raw SQL)"
        )
    filters = {"since": timezone.now() - timedelta(days=30), "until": None}
    for name, search in [
        ("first page", ""),
        ("order id", sample.thread.order.order_id),
        ("ASIN", asin),
        ("address", sample.thread.buyer_alias.address),
    ]:
        plan = selectors.inbox(seller, search=search, **filters)[:25].explain(
            analyze=connection.vendor == "postgresql"
        )
        scans = sorted({match.group(0) for match in SCAN.finditer(plan)})
        report(f"plan ({name}): {'; '.join(scans)}")


class _NullHandler:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _send_many(port: int, messages: list[EmailMessage]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for message in messages:
            client.send_message(message)
    return len(messages) / (time.perf_counter() - started)


def bench_relay(*, count: int, report: Callable[[str], None]) -> None:
    """Messages per second through the real relay (parse, store, enqueue) vs a null server."""
    seller = SellerAccount.objects.get(name=BENCH_SELLER)
    thread = (
        Thread.objects.filter(seller=seller).select_related("customer", "seller_alias__marketplace").first()
    )
    to = thread.seller_alias.address

    def mail(n: int) -> EmailMessage:
        message = EmailMessage()
        message["From"] = thread.customer.email
        message["To"] = to
        message["Subject"] = f"Re: {thread.subject}"
        message["Message-ID"] = f"<bench-relay-{time.time_ns()}-{n}@example.com>"
        message.set_content("Thanks, and one more question about my order. " * 5)
        return message

    null_port = _free_port()
    null = Controller(_NullHandler(), hostname="127.0.0.1", port=null_port)
    null.start()
    try:
        baseline = _send_many(null_port, [mail(n) for n in range(count)])
    finally:
        null.stop()
    port = _free_port()
    relay = relay_controller(host="127.0.0.1", port=port)
    relay.start()
    try:
        rate = _send_many(port, [mail(n) for n in range(count)])
    finally:
        relay.stop()
    report(
        f"relay through SMTP: {rate:.0f} msg/s (parse + store + outbox + enqueue); null aiosmtpd baseline {baseline:.0f} msg/s"
    )
