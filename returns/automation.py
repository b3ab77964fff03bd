"""The automated half of the returns centre: automatic rules and the return timers.

Every function here is safe to run twice or concurrently: rows are claimed through
``locks`` with ``skip_locked`` and re-checked under the lock, and what was done is stamped
on the row, so a second run finds nothing to do. The timings are ``policy``'s.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import locks, notifications, policy, selectors, services
from .models import ReturnRequest, ReturnRule, ReturnStatus
from .policy import LATE_RESPONSE_AFTER, MISSED_RULE_AFTER, REMIND_AFTER, STALE_AFTER
from .states import OPEN, Event

BATCH = 200


def apply_return_rule(*, return_request_id: int) -> str:
    """Apply the rule recorded on the request; returns what happened (for logs and tests)."""
    order_id = ReturnRequest.objects.filter(pk=return_request_id).values_list("order_id", flat=True).first()
    with transaction.atomic():
        return_request = locks.claim_return_request(
            ReturnRequest.objects.select_related("order"), pk=return_request_id, order_id=order_id
        )
        if return_request is None:
            return "busy"  # another worker holds it right now; it will finish the job
        if return_request.rule_applied_at is not None:
            return "already applied"
        return_request.rule_applied_at = timezone.now()
        return_request.save(update_fields=["rule_applied_at"])
        if return_request.status != ReturnStatus.AUTHORISATION_REQUIRED:
            return "seller acted first"
        # Checked again here, under the order's lock: the order may have been cancelled
        # since the request was made, and no rule authorises a return of a cancelled order.
        order_returnable = policy.is_returnable(return_request.order)
        authorise = order_returnable and policy.may_authorise_automatically(
            rule=return_request.rule, meets_policy=return_request.meets_policy
        )
        address = (
            selectors.return_address_for(return_request.seller_id, return_request.marketplace_id)
            if authorise
            else None
        )
        if address is not None:
            try:
                services.authorise_by_system(return_request, address=address)
            except services.TransitionRefused:  # the units went back under another request
                notifications.announce(return_request, "requested", system=False)
                return "waiting for the seller"
            return "authorised"
        if return_request.rule != ReturnRule.MANUAL and not authorise:
            note = (
                gettext_noop("Outside the return policy")
                if order_returnable
                else policy.not_returnable_reason(return_request.order)
            )
            services.transition_by_system(return_request, Event.FIND_OUTSIDE_POLICY, note=note)
            notifications.announce(return_request, "requested", system=False)
            return "not authorised"
        notifications.announce(return_request, "requested", system=False)
        return "waiting for the seller"


def apply_missed_rules(*, older_than: timedelta = MISSED_RULE_AFTER) -> int:
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
        due = locks.claim_due_requests(
            ReturnRequest.objects.filter(
                status__in=OPEN,
                requested_at__lte=now - REMIND_AFTER,
                reminder_sent_at__isnull=True,
                first_seller_action_at__isnull=True,
            ),
            limit=BATCH,
        )
        for return_request in due:
            ReturnRequest.objects.filter(pk=return_request.pk).update(reminder_sent_at=now, updated_at=now)
            notifications.announce(return_request, "reminder", system=False)
    return len(due)


def mark_late_responses() -> int:
    """48 hours with no authorise, close or refund: a late response (Return Dissatisfaction Rate)."""
    now = timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            due = locks.claim_due_requests(
                ReturnRequest.objects.filter(
                    status__in=OPEN,
                    requested_at__lte=now - LATE_RESPONSE_AFTER,
                    late_at__isnull=True,
                    first_seller_action_at__isnull=True,
                ),
                limit=BATCH,
            )
            # Compare-and-set on the claimed rows: late from the moment the 48 hours ran out.
            ReturnRequest.objects.filter(pk__in=[r.pk for r in due], late_at__isnull=True).update(
                late_at=F("requested_at") + LATE_RESPONSE_AFTER, updated_at=now
            )
        marked += len(due)
        if len(due) < BATCH:
            return marked


def _close_each(due: QuerySet[ReturnRequest], event: Event, what: str, note) -> int:
    """One transaction per request, locks in the fixed order (order, then request); a row
    someone else holds is left for the next sweep, and the state is checked again."""
    closed = 0
    for pk, order_id in list(due.values_list("pk", "order_id")[:BATCH]):
        with transaction.atomic():
            return_request = locks.claim_return_request(due, pk=pk, order_id=order_id)
            if return_request is None:
                continue
            services.transition_by_system(return_request, event, note=note(return_request))
            notifications.announce(return_request, what)
            closed += 1
    return closed


def expire_unreturned() -> int:
    """Authorised returns past their return-by date with no refund close as Expired."""
    due = ReturnRequest.objects.filter(
        status=ReturnStatus.AUTHORISED, return_by__lt=timezone.localdate(), refunded_total=0
    ).order_by("return_by", "pk")
    return _close_each(
        due, Event.EXPIRE, "expired", lambda r: gettext_noop("Not returned by the return-by date")
    )


def expire_stale_requests() -> int:
    """50 days waiting for the seller: Closed · Expired without action; the seller is told."""
    due = ReturnRequest.objects.filter(
        status__in=OPEN, requested_at__lte=timezone.now() - STALE_AFTER
    ).order_by("requested_at", "pk")
    return _close_each(
        due,
        Event.EXPIRE_WITHOUT_ACTION,
        "expired_without_action",
        lambda r: gettext_noop("50 days without action"),
    )


def run_return_timers() -> dict[str, int]:
    return {
        "rules": apply_missed_rules(),
        "reminders": send_reminders(),
        "late": mark_late_responses(),
        "expired": expire_unreturned(),
        "stale": expire_stale_requests(),
    }
