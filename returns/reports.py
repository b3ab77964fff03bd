"""Returns' rows for the Reports page's files: Manage Returns' and the claims page's lists as
flat columns, read with ``values_list`` so a report of any length streams in chunks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from commerce.aggregates import SpaceJoined
from commerce.models import SellerAccount

from .models import ReturnItem
from .selectors import claims_for_seller, returns_for_seller

RETURNS_REPORT_COLUMNS = (
    "requested_at", "order__order_id", "rma", "customer__name", "marketplace__code", "status",
    "close_reason", "asins", "reasons", "return_by", "refunded_total", "currency",
)  # fmt: skip
CLAIMS_REPORT_COLUMNS = (
    "filed_at", "order__order_id", "customer__name", "reason", "status", "seller_responded_at",
    "decided_at", "order__total", "order__currency",
)  # fmt: skip


def returns_report(seller: SellerAccount, *, since: datetime, until: datetime) -> QuerySet:
    """Manage Returns' requests of the date range (all statuses), one row each, with the
    ASINs and reasons of its items gathered in the same query."""
    items = ReturnItem.objects.filter(return_request=OuterRef("pk")).order_by().values("return_request")
    return (
        returns_for_seller(seller, since=since, until=until)
        .prefetch_related(None)  # the page's prefetches have no place in a flat row
        .annotate(
            asins=Subquery(items.annotate(v=SpaceJoined("order_item__product__asin")).values("v")),
            reasons=Subquery(items.annotate(v=SpaceJoined("reason")).values("v")),
        )
        .values_list(*RETURNS_REPORT_COLUMNS)
    )


def claims_report(seller: SellerAccount, *, since: datetime, until: datetime) -> QuerySet:
    """The A-to-z Guarantee claims page's claims filed in the date range."""
    return claims_for_seller(seller, since=since, until=until).values_list(*CLAIMS_REPORT_COLUMNS)
