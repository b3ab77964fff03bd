"""Returns benchmarks (``manage.py bench``): Manage Returns for a seller with 50,000 requests."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from tqdm import tqdm

from commerce.models import OrderItem, SellerAccount
from messaging.bench import _percentile, _time_requests, _time_sql, report_baseline

from .models import CloseReason, ReturnItem, ReturnRequest, ReturnRule, ReturnStatus
from .selectors import HOLDING, STATUS_FILTERS
from .states import OPEN

STATES = [
    (ReturnStatus.AUTHORISATION_REQUIRED, ""),
    (ReturnStatus.NOT_AUTHORISED, ""),
    (ReturnStatus.AUTHORISED, ""),
    (ReturnStatus.CLOSED, CloseReason.WITHDRAWN_BY_BUYER),
    (ReturnStatus.CLOSED, CloseReason.DENIED_BY_SELLER),
    (ReturnStatus.CLOSED, CloseReason.REFUNDED),
    (ReturnStatus.CLOSED, CloseReason.EXPIRED),
]


def build_returns_data(seller: SellerAccount, *, requests: int = 50_000, stdout=None) -> None:
    """``requests`` return requests in every state over 90 days; made once, reused after."""
    have = ReturnRequest.objects.filter(seller=seller).count()
    if have >= requests:
        return
    items = list(OrderItem.objects.filter(order__seller=seller).select_related("order").order_by("id"))
    rng = random.Random(11)
    now = timezone.now()
    progress = tqdm(total=requests, initial=have, unit="request", desc="Bench returns data", file=stdout)
    for start in range(have, requests, 2000):
        count = min(2000, requests - start)
        with transaction.atomic():
            rows = []
            for n in range(start, start + count):
                item = items[n % len(items)]
                status, close_reason = rng.choice(STATES)
                requested = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                if status in (ReturnStatus.AUTHORISATION_REQUIRED, ReturnStatus.NOT_AUTHORISED):
                    # Waiting requests are younger than any timer, so "nothing due" holds for the data set.
                    requested = now - timedelta(seconds=rng.uniform(0, 20 * 3600))
                authorised = status == ReturnStatus.AUTHORISED or close_reason == CloseReason.REFUNDED
                rows.append(
                    ReturnRequest(
                        order=item.order,
                        seller=seller,
                        customer_id=item.order.customer_id,
                        marketplace_id=item.order.marketplace_id,
                        status=status,
                        close_reason=close_reason,
                        requested_at=requested,
                        currency="GBP",
                        rma=f"B{n:07d}RRMA" if authorised else None,
                        authorised_at=requested + timedelta(hours=5) if authorised else None,
                        closed_at=requested + timedelta(days=2) if close_reason else None,
                        return_by=(now + timedelta(days=30)).date()
                        if status == ReturnStatus.AUTHORISED
                        else None,
                        rule_applied_at=requested,
                        first_seller_action_at=(
                            None
                            if status == ReturnStatus.AUTHORISATION_REQUIRED
                            else requested + timedelta(hours=5)
                        ),
                    )
                )
            created = ReturnRequest.objects.bulk_create(rows)
            ReturnItem.objects.bulk_create(
                ReturnItem(return_request=r, order_item=items[n % len(items)], quantity=1, reason="unwanted")
                for n, r in zip(range(start, start + count), created, strict=True)
            )
        progress.update(count)
    progress.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE returns_returnrequest; ANALYZE returns_returnitem")


def bench_manage_returns(seller: SellerAccount, *, runs: int, report: Callable[[str], None]) -> None:
    client = Client()
    client.force_login(seller.users.first())
    raw_sql = (
        "SELECT r.id, r.status, r.requested_at, o.order_id FROM returns_returnrequest r "
        "JOIN commerce_order o ON o.id = r.order_id WHERE r.seller_id = %s AND r.requested_at >= %s "
        "ORDER BY r.requested_at DESC, r.id DESC LIMIT 20"
    )
    baseline = _time_sql(raw_sql, [seller.pk, timezone.now() - timedelta(days=31)], runs)
    report_baseline(report, baseline)
    for status in STATUS_FILTERS:
        samples, queries = _time_requests(client, "/seller/returns/", {"status": status}, runs)
        report(
            f"{'filter ' + status:<32} p50 {statistics.median(samples):6.1f} ms  p95 {_percentile(samples, 0.95):6.1f} ms  "
            f"queries {queries}  (p50 {statistics.median(samples) / statistics.median(baseline):.1f}x raw SQL)"
        )
    sample = ReturnRequest.objects.filter(seller=seller).exclude(rma=None).select_related("order").first()
    for name, term in [("search by order id", sample.order.order_id), ("search by RMA", sample.rma)]:
        samples, queries = _time_requests(client, "/seller/returns/", {"q": term}, runs)
        report(
            f"{name:<32} p50 {statistics.median(samples):6.1f} ms  p95 {_percentile(samples, 0.95):6.1f} ms  queries {queries}"
        )


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
    seller: SellerAccount, *, count: int, report: Callable[[str], None], start_worker
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
    # Earlier runs' automatic returns hold their items: close them so the items can be returned again.
    ReturnRequest.objects.filter(seller=seller, rule=ReturnRule.ALL).update(
        status=ReturnStatus.CLOSED, close_reason=CloseReason.EXPIRED
    )
    uk = Marketplace.objects.get(code="uk")
    held = ReturnItem.objects.filter(HOLDING).values("order_item")
    free = list(
        OrderItem.objects.filter(order__seller=seller, order__marketplace=uk)
        .exclude(pk__in=held)
        .select_related("order__customer")[:count]
    )
    worker = start_worker()
    try:
        samples = []
        for item in free:
            started = time.perf_counter()
            request, _ = services.request_return(
                order=item.order,
                customer=item.order.customer,
                items=[services.RequestedItem(item.pk, 1, "unwanted")],
            )
            while not ReturnRequest.objects.filter(pk=request.pk, status="authorised").exists():
                if time.perf_counter() - started > 30:
                    raise RuntimeError("no worker authorised the request within 30 s")
                time.sleep(0.002)
            samples.append((time.perf_counter() - started) * 1000)
        report(
            f"auto-authorisation, request committed to RMA, {len(samples)} requests: "
            f"p50 {statistics.median(samples):.0f} ms, p95 {_percentile(samples, 0.95):.0f} ms"
        )
    finally:
        worker.terminate()
        worker.wait(20)
        services.update_return_settings(
            seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "manual"}
        )
