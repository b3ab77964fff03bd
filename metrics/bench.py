"""Metrics benchmarks (``manage.py bench``): Contact Response Time and the 24-hour sweep."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.models import SellerAccount
from messaging import services as messaging
from messaging.bench import _percentile, _time_sql
from messaging.models import Message

from . import selectors, services
from .models import ResponseHour

# The floor the figures are judged against: one conditional aggregate over the same rows
# (the seller's counted messages of 90 days, the same index-only scan), written by hand.
RAW_SQL = (
    "SELECT COUNT(*) FILTER (WHERE responded_at <= sent_at + interval '24 hours'), COUNT(*) "
    "FROM messaging_message WHERE seller_id = %s AND direction = 'received' AND needs_response "
    "AND NOT no_response_needed AND sent_at >= now() - interval '90 days'"
)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def bench_contact_response_time(
    seller: SellerAccount, *, runs: int, report: Callable[[str], None], figure: Callable
) -> None:
    counted = (
        selectors.counted_messages(seller).filter(sent_at__gte=timezone.now() - timedelta(days=90)).count()
    )
    # The roll-up as the beat sweep keeps it, from the messages as they are now (earlier runs'
    # sweeps changed some behind its back), outside the timing.
    started = time.perf_counter()
    rows = services.rebuild_response_rollup()
    rebuilt = time.perf_counter() - started
    # As autovacuum would soon: the visibility map that lets the page read the roll-up's index alone.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {ResponseHour._meta.db_table}")
    report(
        f"roll-up rebuilt from all messages in {rebuilt:.1f} s ({rows:,} seller-hours), outside the timing"
    )
    figures, page, baseline = [], [], []
    # Interleaved, so that the page's figures and their raw SQL share the same moments of a busy machine.
    for _ in range(runs):
        baseline += _time_sql(RAW_SQL, [seller.pk], 1)
        figures.append(_timed(lambda: selectors.contact_response_time(seller)))
        page.append(_timed(lambda: selectors.response_figures(seller)))
    p50, p95, raw = statistics.median(figures), _percentile(figures, 0.95), statistics.median(baseline)
    page50 = statistics.median(page)
    report(
        f"contact response time 7/30/90 days ({counted:,} counted messages): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(the roll-up's settled hours and one grouped query over the rest, and their Python); raw SQL of "
        f"one conditional aggregate over the 90 days p50 {raw:.1f} ms: {p50 / raw:.1f}x (goal ≤ 2x)"
    )
    report(
        f"  with Account Health's 90-day trend from the same two queries: p50 {page50:.1f} ms ({page50 / raw:.1f}x raw)"
    )
    with connection.cursor() as cursor, CaptureQueriesContext(connection) as captured:
        selectors.contact_response_time(seller)
        for name, query in zip(("roll-up", "live"), captured.captured_queries[-2:], strict=True):
            cursor.execute("EXPLAIN " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            report(
                f"  {name} plan: "
                + "; ".join(line.strip()[:90] for line in plan if "Scan" in line or "Aggregate" in line)
            )
    figure(
        "contact response time 7/30/90", f"p50 {p50:.1f} ms", f"raw SQL {raw:.1f} ms", f"{p50 / raw:.1f}x",
        "≤ 2x raw SQL", p50 <= 2 * raw,
    )  # fmt: skip


def bench_response_sweep(
    seller: SellerAccount, *, due: int, runs: int, report: Callable[[str], None], figure: Callable
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
    elapsed = time.perf_counter() - started
    report(
        f"24-hour sweep with {len(ids):,} due: {elapsed:.2f} s ({marked:,} marked; a second run marks {messaging.mark_overdue_messages()})"
    )
    # Those messages were changed behind the roll-up's back (an UPDATE): rolled up again for later runs.
    services.rebuild_response_rollup()
    nothing = _percentile(samples, 0.95)
    figure("24 h sweep, nothing due", f"p95 {nothing:.2f} ms", "—", "—", "≤ 5 ms", nothing <= 5)
    figure(f"24 h sweep, {len(ids):,} due", f"{elapsed:.2f} s", "—", "—", "≤ 5 s", elapsed <= 5)
