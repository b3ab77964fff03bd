"""Metrics benchmarks (``manage.py bench``): Contact Response Time and the 24-hour sweep."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from commerce.models import SellerAccount
from messaging import services as messaging
from messaging.bench import _percentile
from messaging.models import Message

from . import selectors


def bench_contact_response_time(seller: SellerAccount, *, runs: int, report: Callable[[str], None]) -> None:
    counted = (
        selectors.counted_messages(seller).filter(sent_at__gte=timezone.now() - timedelta(days=90)).count()
    )
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        selectors.contact_response_time(seller)
        samples.append((time.perf_counter() - started) * 1000)
    report(
        f"contact response time 7/30/90 days ({counted:,} counted messages): "
        f"p50 {statistics.median(samples):.1f} ms, p95 {_percentile(samples, 0.95):.1f} ms (one query)"
    )
    baseline = []
    sql = (
        "SELECT COUNT(*) FILTER (WHERE responded_at <= sent_at + interval '24 hours'), COUNT(*) "
        "FROM messaging_message WHERE seller_id = %s AND direction = 'received' AND needs_response "
        "AND NOT no_response_needed AND sent_at >= now() - interval '90 days'"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for _ in range(runs):
                started = time.perf_counter()
                cursor.execute(sql, [seller.pk])
                cursor.fetchall()
                baseline.append((time.perf_counter() - started) * 1000)
        report(
            f"baseline raw SQL, one conditional aggregate over 90 days: p50 {statistics.median(baseline):.1f} ms"
        )
        plan = (
            selectors.counted_messages(seller)
            .filter(sent_at__gte=timezone.now() - timedelta(days=90))
            .explain()
        )
        report("plan: " + "; ".join(line.strip() for line in plan.splitlines() if "Scan" in line))


def bench_response_sweep(
    seller: SellerAccount, *, due: int, runs: int, report: Callable[[str], None]
) -> None:
    messaging.mark_overdue_messages()  # settle
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        assert messaging.mark_overdue_messages() == 0
        samples.append((time.perf_counter() - started) * 1000)
    report(
        f"24-hour sweep, nothing due: p50 {statistics.median(samples):.2f} ms, p95 {_percentile(samples, 0.95):.2f} ms"
    )
    ids = list(
        Message.objects.filter(seller=seller, direction="received", needs_response=True).values_list(
            "pk", flat=True
        )[:due]
    )
    Message.objects.filter(pk__in=ids).update(
        responded_at=None,
        overdue_at=None,
        no_response_needed=False,
        response_deadline=timezone.now() - timedelta(minutes=5),
    )
    started = time.perf_counter()
    marked = messaging.mark_overdue_messages()
    report(
        f"24-hour sweep with {len(ids):,} due: {time.perf_counter() - started:.2f} s ({marked:,} marked; a second run marks {messaging.mark_overdue_messages()})"
    )
