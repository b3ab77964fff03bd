"""Returns benchmarks (``manage.py bench``): Manage Returns for a seller with 50,000 requests."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db.models import Max
from django.test import Client
from django.utils import timezone

from commerce.models import OrderItem, SellerAccount
from messaging.bench import _explain_scans, _percentile, _time_requests, _time_sql
from sellercentral import bench_floors
from sellercentral.bench_floors import ratio_text

from . import policy, selectors
from .models import ReturnItem, ReturnRequest
from .selectors import HOLDING, STATUS_FILTERS
from .states import OPEN


def bench_manage_returns(
    seller: SellerAccount, *, runs: int, report: Callable[[str], None], figure: Callable
) -> None:
    """Manage Returns, first page of each status filter, beside the raw SQL of the same rows."""
    client = Client()
    client.force_login(seller.users.first())
    since = timezone.now() - timedelta(days=31)
    worst = (0.0, 0.0, 0, "", None)
    for status in STATUS_FILTERS:
        where = _STATUS_SQL.get(status, "")
        raw_sql = (
            "SELECT r.id, r.status, r.close_reason, r.requested_at, r.rma, o.order_id FROM returns_returnrequest r "  # noqa: S608 (fixed fragments)
            "JOIN commerce_order o ON o.id = r.order_id WHERE r.seller_id = %s AND r.requested_at >= %s "
            f"{where} ORDER BY r.requested_at DESC, r.id DESC LIMIT 20"
        )
        baseline = statistics.median(_time_sql(raw_sql, [seller.pk, since], runs))
        page = bench_floors.measure(client, f"returns-{status}", f"/seller/returns/?status={status}", runs)
        samples, queries = page.page, page.queries
        p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
        report(
            f"{'filter ' + status:<32} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  queries {queries}  "
            f"(raw SQL {baseline:.1f} ms; page {p50 / baseline:.0f}x)  ·  "
            f"{page.baseline()} (page {ratio_text(p95, page.floor_p95)})"
        )
        rows = selectors.returns_for_seller(seller, status=status, since=since)[:20]
        report(f"  plan: {_explain_scans(rows)}")
        if p95 > worst[0]:
            worst = (p95, baseline, queries, status, page)
    p95, baseline, queries, status, page = worst
    figure(
        "Manage Returns, slowest filter", f"p95 {p95:.0f} ms ({status}), {queries} queries",
        f"raw SQL {baseline:.1f} ms · {page.baseline()}", f"SQL {p95 / baseline:.0f}x · floor {ratio_text(p95, page.floor_p95)}",
        "p95 ≤ 50 ms, ≤ 8 queries, page ≤ 3x floor", p95 <= 50 and queries <= 8 and page.ratio <= bench_floors.GOAL,
    )  # fmt: skip
    sample = ReturnRequest.objects.filter(seller=seller).exclude(rma=None).select_related("order").first()
    for name, term in [("search by order id", sample.order.order_id), ("search by RMA", sample.rma)]:
        samples, queries = _time_requests(client, "/seller/returns/", {"q": term}, runs)
        report(
            f"{name:<32} p50 {statistics.median(samples):6.1f} ms  p95 {_percentile(samples, 0.95):6.1f} ms  queries {queries}"
        )


_STATUS_SQL = {
    "authorisation_required": "AND r.status = 'authorisation_required'",
    "authorised": "AND r.status = 'authorised'",
    "not_authorised": "AND r.status = 'not_authorised'",
    "closed": "AND r.status = 'closed'",
    "withdrawn_by_buyer": "AND r.close_reason = 'withdrawn_by_buyer'",
    "denied_by_seller": "AND r.close_reason = 'denied_by_seller'",
}


def bench_timers(seller: SellerAccount, *, due: int, runs: int, report: Callable[[str], None]) -> None:
    """The timer sweep with nothing due, then the 48-hour sweep with ``due`` requests due."""
    from .automation import mark_late_responses, run_return_timers

    run_return_timers()  # settle anything the data set left due
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run_return_timers()
        samples.append((time.perf_counter() - started) * 1000)
        assert not any(result.values()), result
    report(
        f"timer sweep, nothing due: p50 {statistics.median(samples):.1f} ms, p95 {_percentile(samples, 0.95):.1f} ms (5 timers)"
    )
    ids = list(
        ReturnRequest.objects.filter(seller=seller, status__in=OPEN).values_list("pk", flat=True)[:due]
    )
    ReturnRequest.objects.filter(pk__in=ids).update(
        requested_at=timezone.now() - timedelta(hours=49),
        late_at=None,
        first_seller_action_at=None,
        reminder_sent_at=timezone.now(),
    )
    started = time.perf_counter()
    marked = mark_late_responses()
    report(
        f"48-hour sweep with {len(ids):,} due: {time.perf_counter() - started:.2f} s ({marked:,} marked late; a second run marks {mark_late_responses()})"
    )
    ReturnRequest.objects.filter(pk__in=ids).update(
        requested_at=timezone.now() - timedelta(hours=10), late_at=None
    )


def bench_auto_authorisation(
    seller: SellerAccount, *, count: int, report: Callable[[str], None], figure: Callable, start_worker
) -> None:
    """Request committed → RMA, through a live worker on the configured broker."""
    from commerce.models import Marketplace

    from . import services

    services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "all"}
    )
    address = {
        "name": "Bench returns", "line1": "1 Bench Street", "city": "London", "postcode": "EC1A 1BB",
        "country": "United Kingdom", "phone": "020 7946 0000",
    }  # fmt: skip
    services.save_return_address(seller=seller, marketplace=None, data=address)
    uk = Marketplace.objects.get(code="uk")
    held = ReturnItem.objects.filter(HOLDING).values("order_item")
    free = list(
        OrderItem.objects.filter(
            order__seller=seller, order__marketplace=uk, order__status__in=policy.RETURNABLE_ORDER_STATUSES
        )
        .exclude(pk__in=held)
        .select_related("order__customer")[:count]
    )
    try:
        with _writes_undone(seller, orders=[item.order_id for item in free]):
            worker = start_worker()
            try:
                samples = []
                for item in free:
                    started = time.perf_counter()
                    return_request, _ = services.request_return(
                        order=item.order,
                        customer=item.order.customer,
                        items=[services.RequestedItem(item.pk, 1, "unwanted")],
                    )
                    while not ReturnRequest.objects.filter(
                        pk=return_request.pk, status="authorised"
                    ).exists():
                        if time.perf_counter() - started > 30:
                            raise RuntimeError("no worker authorised the request within 30 s")
                        time.sleep(0.002)
                    samples.append((time.perf_counter() - started) * 1000)
                report(
                    f"auto-authorisation, request committed to RMA, {len(samples)} requests: "
                    f"p50 {statistics.median(samples):.0f} ms, p95 {_percentile(samples, 0.95):.0f} ms"
                )
                p95 = _percentile(samples, 0.95)
                figure(
                    f"auto-authorisation, POST to RMA ({len(samples)})", f"p50 {statistics.median(samples):.0f} ms, "
                    f"p95 {p95:.0f} ms", "—", "—", "p95 ≤ 1 s", p95 <= 1000 and len(samples) >= 200,
                )  # fmt: skip
            finally:  # stopped before its writes are undone
                worker.terminate()
                worker.wait(20)
    finally:
        services.update_return_settings(
            seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "manual"}
        )


@contextmanager
def _writes_undone(seller: SellerAccount, *, orders: list[int]) -> Iterator[None]:
    """What the figure wrote, deleted after it: its return requests (their items and history go
    with them), and the notices and e-mails they posted (``messaging.bench_leftovers``), so
    the next run, and the Manage Returns figures, read the data set as loaded."""
    from messaging.bench_leftovers import mail_undone
    from messaging.models import OutboundEmail, Thread

    last_request = ReturnRequest.objects.aggregate(last=Max("pk"))["last"] or 0
    last_thread = Thread.objects.aggregate(last=Max("pk"))["last"] or 0
    last_mail = OutboundEmail.objects.aggregate(last=Max("pk"))["last"] or 0
    with mail_undone(Thread.objects.filter(order__in=orders)):
        try:
            yield
        finally:
            ReturnRequest.objects.filter(seller=seller, pk__gt=last_request).delete()
            OutboundEmail.objects.filter(pk__gt=last_mail).delete()
    # Conversations the notices opened, with their messages (the masked aliases stay).
    Thread.objects.filter(seller=seller, pk__gt=last_thread).delete()
