"""Account Health figures, each computed in SQL by one conditional aggregate; Contact Response
Time and its trend in ``response_time`` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commerce import generations
from commerce.models import Order, SellerAccount
from commerce.policy import NEGATIVE_RATING
from messaging.models import Message
from messaging.policy import counts_for_response_time  # noqa: F401 (the rule metrics counts by)
from returns.models import Claim, CloseReason, ReturnRequest
from returns.policy import DEFECT_CLAIM_STATUSES, LATE_RESPONSE_AFTER

from .expressions import ExactInterval
from .models import OrderFeedback
from .policy import (
    ODR_TARGET,
    ODR_WINDOW_DAYS,
    RDR_TARGET,
    RDR_WINDOW_DAYS,
    negative_feedback_to_contact,
)
from .response_time import (  # noqa: F401 (the figures' public home stays ``selectors``)
    ContactResponseTime,
    DailyShare,
    ResponseWindow,
    contact_response_time,
    counted_messages,
    daily_under_24h,
    percent,
    response_figures,
)

DAY = timedelta(days=1)


def average_response_time(
    seller: SellerAccount, *, days: int = 7, now: datetime | None = None
) -> timedelta | None:
    """The inbox sidebar's "7 day average response time": Account Health's own figure for the
    window, from the same queries (``contact_response_time``), so the two never disagree, not
    even just after a reply. The inbox reads it through ``recent_average_response_time`` (cached
    per messaging generation and minute); the week's settled hours come from the roll-up, the
    last day or so from an index-only scan of the seller's counted messages.
    """
    return contact_response_time(seller, now=now, windows=(days,)).windows[0].average_response


# The inbox's figure may lag the window's sliding by this much, never a write (see below).
RECENT_AVERAGE_SECONDS = 60


def recent_average_minute() -> int:
    """Which minute ``recent_average_response_time`` is kept for: part of the cache key of a
    section showing it."""
    return int(timezone.now().timestamp()) // RECENT_AVERAGE_SECONDS


def recent_average_response_time(seller: SellerAccount, *, days: int = 7) -> timedelta | None:
    """``average_response_time`` for the inbox's sidebar, cached for the current minute under
    the seller's messaging generation: a reply or a new message reads it afresh at once; only
    messages leaving the window as time passes show up to a minute late."""
    generation = generations.tokens([Message.generation_scope], seller.pk)
    entry = f"average-response:{seller.pk}:{days}:{recent_average_minute()}:{generation}"
    found = cache.get(entry)
    if found is None:
        found = (average_response_time(seller, days=days),)  # a tuple: None is a figure too
        cache.set(entry, found, RECENT_AVERAGE_SECONDS)
    return found[0]


@dataclass(frozen=True)
class Rate:
    name: str
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.total)


@dataclass(frozen=True)
class DefectFigures:
    days: int
    start: datetime
    end: datetime
    total: int
    parts: list[Rate] = field(default_factory=list)
    combined: Rate | None = None
    target: float = 0.0

    @property
    def status(self) -> str:
        if not self.total:
            return "no_data"
        return "good" if self.combined.percent < self.target else "at_risk"


def return_dissatisfaction_rate(
    seller: SellerAccount, *, days: int = RDR_WINDOW_DAYS, now: datetime | None = None
) -> DefectFigures:
    """Late responses (> 48 h), invalid rejections, negative return feedback over 90 days."""
    now = now or timezone.now()
    limit = F("requested_at") + ExactInterval(LATE_RESPONSE_AFTER)
    late = (
        Q(late_at__isnull=False)
        | Q(first_seller_action_at__gt=limit)
        | Q(
            first_seller_action_at__isnull=True,
            closed_at__isnull=True,
            requested_at__lt=now - LATE_RESPONSE_AFTER,
        )
        | Q(first_seller_action_at__isnull=True, closed_at__gt=limit)
    )
    invalid = Q(close_reason=CloseReason.DENIED_BY_SELLER, meets_policy=True)
    negative = Q(buyer_rating__lte=NEGATIVE_RATING)
    row = ReturnRequest.objects.filter(
        seller=seller, requested_at__gte=now - days * DAY, requested_at__lte=now
    ).aggregate(
        total=Count("pk"),
        late=Count("pk", filter=late),
        invalid=Count("pk", filter=invalid),
        negative=Count("pk", filter=negative),
        any=Count("pk", filter=late | invalid | negative),
    )
    total = row["total"]
    return DefectFigures(
        days=days, start=now - days * DAY, end=now, total=total,
        parts=[Rate(_("Late responses"), row["late"], total), Rate(_("Invalid rejections"), row["invalid"], total), Rate(_("Negative return feedback"), row["negative"], total)],
        combined=Rate(_("Return Dissatisfaction Rate"), row["any"], total), target=RDR_TARGET,
    )  # fmt: skip


def order_defect_rate(
    seller: SellerAccount, *, days: int = ODR_WINDOW_DAYS, now: datetime | None = None
) -> DefectFigures:
    """Orders with an A-to-z claim (open or granted: ``returns.policy``) or negative feedback
    (1-2 stars) over the orders of 60 days."""
    now = now or timezone.now()
    claimed = Q(
        pk__in=Claim.objects.filter(seller=seller, status__in=DEFECT_CLAIM_STATUSES).values("order_id")
    )
    negative = Q(
        pk__in=OrderFeedback.objects.filter(seller=seller, rating__lte=NEGATIVE_RATING).values("order_id")
    )
    row = Order.objects.filter(seller=seller, placed_at__gte=now - days * DAY, placed_at__lte=now).aggregate(
        total=Count("pk"),
        claims=Count("pk", filter=claimed),
        negative=Count("pk", filter=negative),
        any=Count("pk", filter=claimed | negative),
    )
    total = row["total"]
    return DefectFigures(
        days=days, start=now - days * DAY, end=now, total=total,
        parts=[Rate(_("A-to-z Guarantee claims"), row["claims"], total), Rate(_("Negative feedback"), row["negative"], total)],
        combined=Rate(_("Order Defect Rate"), row["any"], total), target=ODR_TARGET,
    )  # fmt: skip


def feedback_counts(seller: SellerAccount, *, now: datetime | None = None) -> dict[int, dict[str, int]]:
    """30/90/365-day positive / neutral / negative counts, in one query."""
    now = now or timezone.now()
    kinds = {
        "positive": Q(rating__gt=NEGATIVE_RATING + 1),
        "neutral": Q(rating=NEGATIVE_RATING + 1),
        "negative": Q(rating__lte=NEGATIVE_RATING),
    }
    aggregates = {
        f"{kind}_{days}": Count("pk", filter=condition & Q(left_at__gte=now - days * DAY))
        for days in (30, 90, 365)
        for kind, condition in kinds.items()
    }
    row = OrderFeedback.objects.filter(seller=seller, left_at__gte=now - 365 * DAY).aggregate(**aggregates)
    return {days: {kind: row[f"{kind}_{days}"] for kind in kinds} for days in (30, 90, 365)}


def feedback_to_contact(seller: SellerAccount, *, now: datetime | None = None):
    """Negative feedback the seller may still turn round by contacting the buyer."""
    return OrderFeedback.objects.filter(negative_feedback_to_contact(now or timezone.now()), seller=seller)


def feedback_for_seller(
    seller: SellerAccount,
    *,
    to_contact: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
):
    """Negative first, then neutral, then positive; newest first within each."""
    feedback = feedback_to_contact(seller) if to_contact else OrderFeedback.objects.filter(seller=seller)
    if since is not None:
        feedback = feedback.filter(left_at__gte=since)
    if until is not None:
        feedback = feedback.filter(left_at__lt=until)
    return feedback.select_related("order", "customer").order_by("rating", "-left_at", "-pk")


# The Feedback Manager's columns, read alone so that a report of any length streams in chunks.
FEEDBACK_REPORT_COLUMNS = ("left_at", "rating", "comment", "order__order_id", "customer__name")


def feedback_report(seller: SellerAccount, *, since: datetime, until: datetime):
    """The Feedback Manager's feedback left in the date range."""
    return feedback_for_seller(seller, since=since, until=until).values_list(*FEEDBACK_REPORT_COLUMNS)
