"""Business Reports' reads: orders, return requests and refunds per day and marketplace.

Grouped aggregates, one query per table whatever the range (``selectors`` holds Account
Health's; this module keeps both short enough to read at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from commerce.models import Marketplace, Order, SellerAccount
from returns.models import Refund, ReturnRequest

from .selectors import DAY, percent

ZERO, CENT = Decimal("0.00"), Decimal("0.01")  # SQLite sums decimals to 13 places


@dataclass(frozen=True)
class BusinessDay:
    """One marketplace's day: orders placed, returns requested and refunds issued that day.

    The rates divide the day's returns (refunds) by the day's orders, as a seller reads a
    day's figures side by side: the returns are mostly of earlier orders, so a day without
    orders has no rate.
    """

    day: date | None  # None: the marketplace's whole range (``business_totals``)
    marketplace: Marketplace
    orders: int = 0
    units_ordered: int = 0
    returns_requested: int = 0
    units_returned: int = 0
    refunds: int = 0
    refunded: Decimal = Decimal("0.00")

    @property
    def currency(self) -> str:
        return self.marketplace.currency

    @property
    def return_rate(self) -> float | None:
        return percent(self.returns_requested, self.orders)

    @property
    def refund_rate(self) -> float | None:
        return percent(self.refunds, self.orders)


def _per_day_and_marketplace(rows, day_field: str, marketplace_field: str, **figures):
    """``{(day, marketplace id): {figure: value}}`` from one grouped aggregate query."""
    grouped = (
        rows.annotate(report_day=TruncDate(day_field), report_marketplace=F(marketplace_field))
        .values("report_day", "report_marketplace")
        .annotate(**figures)
        .order_by()
    )
    return {(row.pop("report_day"), row.pop("report_marketplace")): row for row in grouped}


def business_figures(
    seller: SellerAccount, *, since: datetime, until: datetime, marketplace: Marketplace | None = None
) -> list[BusinessDay]:
    """Every day of [since, until) for each marketplace, in four queries whatever the range:
    orders and their units, return requests and their units, refunds, then the marketplaces.

    Refunds are of returns and of granted A-to-z claims alike (``returns.models.Refund``),
    counted on the day they were issued, at the order's marketplace.
    """
    where = {"marketplace": marketplace} if marketplace else {}
    orders = _per_day_and_marketplace(
        Order.objects.filter(seller=seller, placed_at__gte=since, placed_at__lt=until, **where),
        "placed_at",
        "marketplace_id",
        orders=Count("pk", distinct=True),
        units=Sum("items__quantity"),
    )
    returns = _per_day_and_marketplace(
        ReturnRequest.objects.filter(seller=seller, requested_at__gte=since, requested_at__lt=until, **where),
        "requested_at",
        "marketplace_id",
        returns=Count("pk", distinct=True),
        units=Sum("items__quantity"),
    )
    refund_rows = Refund.objects.filter(
        Q(return_request__seller=seller) | Q(claim__seller=seller),
        created_at__gte=since,
        created_at__lt=until,
    ).annotate(refund_marketplace=Coalesce("return_request__marketplace_id", "claim__order__marketplace_id"))
    if marketplace:
        refund_rows = refund_rows.filter(refund_marketplace=marketplace.pk)
    refunds = _per_day_and_marketplace(
        refund_rows, "created_at", "refund_marketplace", refunds=Count("pk"), amount=Sum("amount")
    )
    if marketplace:
        markets = [marketplace]
    else:
        seen = {market for _, market in (*orders, *returns, *refunds)}
        markets = list(
            Marketplace.objects.filter(Q(sellers=seller) | Q(pk__in=seen)).distinct().order_by("pk")
        )
    first, last = timezone.localdate(since), timezone.localdate(until - DAY)
    figures = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        for market in markets:
            ordered = orders.get((day, market.pk), {})
            returned = returns.get((day, market.pk), {})
            refunded = refunds.get((day, market.pk), {})
            figures.append(
                BusinessDay(
                    day=day,
                    marketplace=market,
                    orders=ordered.get("orders", 0),
                    units_ordered=ordered.get("units") or 0,
                    returns_requested=returned.get("returns", 0),
                    units_returned=returned.get("units") or 0,
                    refunds=refunded.get("refunds", 0),
                    refunded=(refunded.get("amount") or ZERO).quantize(CENT),
                )
            )
    return figures


def business_totals(figures: list[BusinessDay]) -> list[BusinessDay]:
    """Each marketplace's figures over the whole range (amounts stay in their own currency)."""
    totals: dict[int, BusinessDay] = {}
    for row in figures:
        total = totals.get(row.marketplace.pk) or BusinessDay(day=None, marketplace=row.marketplace)
        totals[row.marketplace.pk] = BusinessDay(
            day=None,
            marketplace=row.marketplace,
            orders=total.orders + row.orders,
            units_ordered=total.units_ordered + row.units_ordered,
            returns_requested=total.returns_requested + row.returns_requested,
            units_returned=total.units_returned + row.units_returned,
            refunds=total.refunds + row.refunds,
            refunded=total.refunded + row.refunded,
        )
    return list(totals.values())
