"""The automated half of the returns centre: automatic rules and the return timers.

Every function here is safe to run twice or concurrently: rows are claimed with
``select_for_update(skip_locked=True)`` and re-checked under the lock, and what was done
is stamped on the row, so a second run finds nothing to do.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import services
from .models import ReturnRequest, ReturnRule, ReturnStatus
from .states import OPEN, Event

BATCH = 200
LATE_AFTER = timedelta(hours=48)
REMIND_AFTER = timedelta(hours=24)
STALE_AFTER = timedelta(days=50)


def apply_return_rule(*, return_request_id: int) -> str:
    """Apply the rule recorded on the request; returns what happened (for logs and tests)."""
    order_id = ReturnRequest.objects.filter(pk=return_request_id).values_list("order_id", flat=True).first()
    with transaction.atomic():
        if order_id is not None:
            services.lock_order(order_id)  # the fixed lock order: order, then request
        request = (
            ReturnRequest.objects.select_for_update(skip_locked=True)
            .select_related("order")
            .filter(pk=return_request_id)
            .first()
        )
        if request is None:
            return "busy"  # another worker holds it right now; it will finish the job
        if request.rule_applied_at is not None:
            return "already applied"
        request.rule_applied_at = timezone.now()
        request.save(update_fields=["rule_applied_at"])
        if request.status != ReturnStatus.AUTHORISATION_REQUIRED:
            return "seller acted first"
        authorise = request.rule == ReturnRule.ALL or (
            request.rule == ReturnRule.POLICY and request.meets_policy
        )
        if (
            authorise
            and services.selectors.return_address_for(request.seller_id, request.marketplace_id) is not None
        ):
            try:
                services.authorise_return(return_request=request, actor=None, role="system")
            except services.TransitionRefused:  # the units went back under another request
                services.announce(request, "requested", system=False)
                return "waiting for the seller"
            return "authorised"
        if request.rule == ReturnRule.POLICY and not authorise:
            services.transition_by_system(
                request, Event.FIND_OUTSIDE_POLICY, note="Outside the return policy"
            )
            services.announce(request, "requested", system=False)
            return "not authorised"
        services.announce(request, "requested", system=False)
        return "waiting for the seller"


def _claim(queryset, limit: int = BATCH) -> list[ReturnRequest]:
    # Oldest first: the partial index of waiting requests by request time finds the due ones
    # (or none) at once, where an id order would walk every waiting request.
    return list(queryset.select_for_update(skip_locked=True).order_by("requested_at", "pk")[:limit])


def apply_missed_rules(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Requests whose rule task never ran (a lost broker message)."""
    due = ReturnRequest.objects.filter(
        rule_applied_at__isnull=True, requested_at__lte=timezone.now() - older_than
    )
    ids = list(due.order_by("requested_at").values_list("pk", flat=True)[:BATCH])
    return sum(apply_return_rule(return_request_id=pk) != "busy" for pk in ids)


def send_reminders() -> int:
    """24 hours waiting for the seller: remind them once."""
    now = timezone.now()
    with transaction.atomic():
        due = _claim(
            ReturnRequest.objects.filter(
                status__in=OPEN,
                requested_at__lte=now - REMIND_AFTER,
                reminder_sent_at__isnull=True,
                first_seller_action_at__isnull=True,
            )
        )
        for request in due:
            ReturnRequest.objects.filter(pk=request.pk).update(reminder_sent_at=now)
            services.announce(request, "reminder", system=False)
    return len(due)


def mark_late_responses() -> int:
    """48 hours with no authorise, close or refund: a late response (Return Dissatisfaction Rate)."""
    now = timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            due = _claim(
                ReturnRequest.objects.filter(
                    status__in=OPEN,
                    requested_at__lte=now - LATE_AFTER,
                    late_at__isnull=True,
                    first_seller_action_at__isnull=True,
                )
            )
            # Compare-and-set on the claimed rows: late from the moment the 48 hours ran out.
            ReturnRequest.objects.filter(pk__in=[r.pk for r in due], late_at__isnull=True).update(
                late_at=F("requested_at") + LATE_AFTER
            )
        marked += len(due)
        if len(due) < BATCH:
            return marked


def _close_each(due, event: Event, what: str, note) -> int:
    """One transaction per request, locks in the fixed order (order, then request); a row
    someone else holds is left for the next sweep, and the state is checked again."""
    closed = 0
    for pk, order_id in list(due.values_list("pk", "order_id")[:BATCH]):
        with transaction.atomic():
            services.lock_order(order_id)
            request = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if request is None:
                continue
            services.transition_by_system(request, event, note=note(request))
            services.announce(request, what)
            closed += 1
    return closed


def expire_unreturned() -> int:
    """Authorised returns past their return-by date with no refund close as Expired."""
    due = ReturnRequest.objects.filter(
        status=ReturnStatus.AUTHORISED, return_by__lt=timezone.localdate(), refunded_total=0
    ).order_by("return_by", "pk")
    return _close_each(due, Event.EXPIRE, "expired", lambda r: f"Not returned by {r.return_by:%d %b %Y}")


def expire_stale_requests() -> int:
    """50 days waiting for the seller: Closed · Expired without action; the seller is told."""
    due = ReturnRequest.objects.filter(
        status__in=OPEN, requested_at__lte=timezone.now() - STALE_AFTER
    ).order_by("requested_at", "pk")
    return _close_each(
        due, Event.EXPIRE_WITHOUT_ACTION, "expired_without_action", lambda r: "50 days without action"
    )


def run_return_timers() -> dict[str, int]:
    return {
        "rules": apply_missed_rules(),
        "reminders": send_reminders(),
        "late": mark_late_responses(),
        "expired": expire_unreturned(),
        "stale": expire_stale_requests(),
    }


def timer_interval() -> float:
    return float(settings.RETURN_TIMERS_INTERVAL_SECONDS)
