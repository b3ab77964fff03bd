"""Refunds: full or partial, per item or as one amount, never more than was paid.

Issuing a refund is not a transition: it is open in every status. A refund that leaves
nothing to refund on an open or authorised request closes it as Refunded. A granted A-to-z
claim refunds through ``refund_claim`` here too: the same ``Refund`` rows, the same order
lock, and one cap for the whole order (what it cost minus every refund made on it), so
returns and claims together never pay back more than the buyer paid.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from commerce.formats import money
from commerce.models import Order
from commerce.policy import at_most_characters

from .. import events, integrator_events, locks, notifications, policy, selectors
from ..models import Claim, Refund, RefundLine, ReturnItem, ReturnRequest
from .decisions import refund_in_full, seller_acted

CENT = Decimal("0.01")
ZERO = Decimal("0")


@transaction.atomic
def issue_refund(
    *,
    return_request: ReturnRequest,
    actor: AbstractBaseUser | None,
    idempotency_key: str,
    amount=None,
    item_amounts: dict[int, object] | None = None,
    reason: str = "",
) -> Refund:
    """A full or partial refund, per item or as one amount spread over the items in order.

    Never more than was paid for the returned items minus what was refunded already. The
    same ``idempotency_key`` (a double click, an API retry) returns the first refund.
    """
    locked = locks.lock_order_and_return_request(return_request)  # one refund per order at a time
    idempotency_key = (idempotency_key or "").strip()[:100]
    if not idempotency_key:
        raise ValidationError({"idempotency_key": gettext("A refund needs an idempotency key.")})
    existing = Refund.objects.filter(return_request=locked, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if len(reason) > policy.MAX_REFUND_REASON_CHARS:
        raise ValidationError({"reason": at_most_characters(policy.MAX_REFUND_REASON_CHARS)})
    items = list(locked.items.select_related("order_item").order_by("id"))
    remaining = refundable_amounts(locked, items)
    lines = _refund_lines(items, remaining, amount=amount, item_amounts=item_amounts)
    order_left = order_refundable_left(locked.order)  # a granted claim may have refunded it already
    if sum(lines.values()) > order_left:
        raise ValidationError(
            {
                "amount": gettext("At most %(amount)s can still be refunded on this order.")
                % {"amount": order_left}
            }
        )
    now = timezone.now()
    refund = Refund.objects.create(
        return_request=locked,
        amount=sum(lines.values()),
        currency=locked.currency,
        reason=reason.strip(),
        destination=Refund.Destination.GIFT_CREDIT if locked.is_gift else Refund.Destination.ORIGINAL_PAYMENT,
        idempotency_key=idempotency_key,
        actor=actor,
        created_at=now,
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, return_item_id=pk, amount=value) for pk, value in lines.items()
    )
    locked.refunded_total += refund.amount
    locked.save(update_fields=["refunded_total", *seller_acted(locked, now)])
    # The history is stored once and read in English on Manage Returns: £4.00, as the pages write it.
    with translation.override("en-gb"):
        amount = money(refund.amount, refund.currency)
    events.record_return_event(
        locked, event="refund", actor=actor, role="seller", from_status=locked.status, now=now,
        note=amount + (f" — {refund.reason}" if refund.reason else ""),
    )  # fmt: skip
    integrator_events.refund_issued(refund, seller_id=locked.seller_id, order_pk=locked.order_id)
    if all(remaining[pk] - lines.get(pk, 0) <= 0 for pk in remaining):
        locked = refund_in_full(locked, actor=actor)
    notifications.announce(locked, "refunded", refund=refund)
    return refund


def order_refundable_left(order: Order) -> Decimal:
    """What the order's items cost minus every refund made on it (under the order's lock)."""
    paid, refunded = selectors.order_items_paid(order.pk), selectors.order_refunded_total(order.pk)
    return max(ZERO, paid - refunded).quantize(CENT)


def refund_claim(*, claim: Claim, actor: AbstractBaseUser | None) -> Refund | None:
    """The refund of a granted claim: what is left of the order, once (``None`` if nothing is).

    The caller holds ``locks.lock_order_and_claim``; the claim's own key makes a repeat (a
    retried task, a second grant that got this far) return the first refund.
    """
    key = f"claim:{claim.pk}"
    existing = Refund.objects.filter(claim=claim, idempotency_key=key).first()
    if existing is not None:
        return existing
    amount = order_refundable_left(claim.order)
    if amount <= 0:
        return None
    refund = Refund.objects.create(
        claim=claim,
        amount=amount,
        currency=claim.order.currency,
        reason=policy.CLAIM_REFUND_REASON,
        destination=Refund.Destination.ORIGINAL_PAYMENT,
        idempotency_key=key,
        actor=actor,
        created_at=timezone.now(),
    )
    integrator_events.refund_issued(refund, seller_id=claim.seller_id, order_pk=claim.order_id)
    return refund


def refundable_amounts(return_request: ReturnRequest, items: list[ReturnItem]) -> dict[int, Decimal]:
    """Per returned item: paid for the returned quantity minus refunded on this request, and
    never more than the order line's whole price minus refunds on it under any request."""
    refunded = dict(
        RefundLine.objects.filter(return_item__return_request=return_request)
        .values_list("return_item")
        .annotate(total=Sum("amount"))
        .values_list("return_item", "total")
    )
    refunded_on_line = dict(
        RefundLine.objects.filter(return_item__order_item__in=[item.order_item_id for item in items])
        .values_list("return_item__order_item")
        .annotate(total=Sum("amount"))
        .values_list("return_item__order_item", "total")
    )
    return {
        item.pk: max(
            ZERO,
            min(
                item.paid - refunded.get(item.pk, ZERO),
                item.order_item.unit_price * item.order_item.quantity
                - refunded_on_line.get(item.order_item_id, ZERO),
            ),
        ).quantize(CENT)
        for item in items
    }


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": gettext("Enter an amount such as 12.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": gettext("Enter an amount such as 12.50.")})
    return amount


def _refund_lines(items, remaining, *, amount, item_amounts) -> dict[int, Decimal]:
    if (amount is None) == (item_amounts is None):
        raise ValidationError({"amount": gettext("Give either one amount or an amount per item.")})
    if item_amounts is not None:
        return _lines_per_item(items, remaining, item_amounts)
    total = _money(amount)
    left = sum(remaining.values())
    if total <= 0:
        raise ValidationError({"amount": gettext("Enter an amount greater than zero.")})
    if total > left:
        raise ValidationError(
            {
                "amount": gettext("At most %(amount)s can still be refunded for this return.")
                % {"amount": left}
            }
        )
    lines: dict[int, Decimal] = {}
    for item in items:  # one amount, spread over the items in order
        share = min(total, remaining[item.pk])
        if share > 0:
            lines[item.pk] = share
            total -= share
    return lines


def _lines_per_item(items, remaining, item_amounts) -> dict[int, Decimal]:
    known = {item.pk for item in items}
    lines: dict[int, Decimal] = {}
    errors = {}
    for pk, value in item_amounts.items():
        if pk not in known:
            errors[f"items.{pk}"] = gettext("This item is not part of the return.")
            continue
        money = _money(value)
        if money < 0:
            errors[f"items.{pk}"] = gettext("An amount cannot be negative.")
        elif money > remaining[pk]:
            errors[f"items.{pk}"] = gettext("At most %(amount)s can still be refunded for this item.") % {
                "amount": remaining[pk]
            }
        elif money > 0:
            lines[pk] = money
    if errors:
        raise ValidationError(errors)
    if not lines:
        raise ValidationError({"amount": gettext("Enter an amount greater than zero.")})
    return lines
