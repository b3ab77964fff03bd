"""The buyer's side of a return: asking for one (its items checked against what is left to
return), and rating it once it is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.models import Customer, Order
from commerce.policy import at_most_characters, stars_between
from sellercentral.errors import TransitionRefused

from .. import events, integrator_events, locks, notifications, policy, selectors
from ..models import ReturnItem, ReturnReason, ReturnRequest, ReturnStatus
from .rules import rules_in_force


@dataclass(frozen=True)
class RequestedItem:
    order_item_id: int
    quantity: int
    reason: str
    comment: str = ""


def request_return(
    *,
    order: Order,
    customer: Customer,
    items: list[RequestedItem],
    is_gift: bool = False,
    gift_receipt_number: str = "",
    actor: AbstractBaseUser | None = None,
) -> tuple[ReturnRequest, list[str]]:
    """ "Submit for approval": a request waiting for the seller, and warnings for open ones.

    The buyer asks through Return items; a gift's recipient through the gift door
    (``is_gift``), with the gift receipt number from the packing slip. Both take from one
    pool of units per order line, counted under the order's lock.
    """
    with transaction.atomic():
        # Requests of one order are made one at a time, so two cannot both take the last unit.
        order = locks.lock_order(order.pk)
        check_order_for_return(
            order=order, customer=customer, is_gift=is_gift, gift_receipt_number=gift_receipt_number
        )
        warnings = _check_items(order, customer, items)
        now = timezone.now()
        rule, window = rules_in_force(order.seller, order.marketplace)
        return_request = ReturnRequest.objects.create(
            order=order,
            seller=order.seller,
            customer=customer,
            marketplace=order.marketplace,
            is_gift=is_gift,
            requested_at=now,
            currency=order.currency,
            rule=rule,
            return_window_days=window,
            meets_policy=_meets_policy(order, items, window, now),
        )
        ReturnItem.objects.bulk_create(
            ReturnItem(
                return_request=return_request,
                order_item_id=item.order_item_id,
                quantity=item.quantity,
                reason=item.reason,
                comment=item.comment.strip(),
            )
            for item in items
        )
        events.record_return_event(
            return_request, event="requested", actor=actor, role="buyer", from_status="", now=now
        )
        integrator_events.return_requested(return_request, items)
        # The e-mails wait for the seller's automatic rule: an auto-authorised request
        # mails the buyer its label and the seller nothing.
        notifications.announce(return_request, "requested", emails=False)
        _apply_rule_after_commit(return_request.pk)
    return return_request, warnings


def check_order_for_return(
    *, order: Order, customer: Customer, is_gift: bool, gift_receipt_number: str = ""
) -> None:
    """Whether ``customer`` may return items of ``order`` through this door now; a
    ``ValidationError`` naming the field otherwise.

    The gift door first wants the proof (a gift order and its receipt number), so that
    nothing about an order shows to someone who does not hold its packing slip.
    """
    if is_gift:
        if not policy.is_gift_receipt_of(order, gift_receipt_number):
            raise ValidationError({"gift_receipt_number": policy.GIFT_NOT_FOUND})
        if order.customer_id == customer.pk:
            raise ValidationError(
                {"gift": gettext("You bought this order: return its items from Your orders.")}
            )
    elif order.customer_id != customer.pk:
        raise ValidationError({"gift": gettext("A gift's recipient returns it through Return a gift.")})
    if not policy.is_returnable(order):
        raise ValidationError({"order": policy.not_returnable_reason(order)})


def _check_items(order: Order, customer: Customer, items: list[RequestedItem]) -> list[str]:
    """Validate the lines against what can still be returned; the warnings for open requests."""
    if not items:
        raise ValidationError({"items": gettext("Choose at least one item to return.")})
    order_items = {item.pk: item for item in order.items.select_related("product")}
    returnable = selectors.returnable_quantities([order.pk])
    open_items = selectors.order_items_with_open_requests([order.pk], customer=customer)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    seen = set()
    for n, item in enumerate(items):
        prefix = f"items.{n}."
        order_item = order_items.get(item.order_item_id)
        if order_item is None:
            errors.setdefault(prefix + "order_item", []).append(
                gettext("This item is not part of the order.")
            )
            continue
        if item.order_item_id in seen:
            errors.setdefault(prefix + "order_item", []).append(gettext("Each item once per request."))
        seen.add(item.order_item_id)
        if item.reason not in ReturnReason.values:
            errors.setdefault(prefix + "reason", []).append(
                gettext("Select a reason for return from the list.")
            )
        most = returnable.get(order_item.pk, 0)
        if not isinstance(item.quantity, int) or item.quantity < 1 or item.quantity > most:
            message = (
                gettext("Choose a quantity from 1 to %(most)s.") % {"most": most}
                if most
                else gettext("Nothing of this item is left to return.")
            )
            errors.setdefault(prefix + "quantity", []).append(message)
        if len(item.comment) > policy.MAX_COMMENT_CHARS:
            errors.setdefault(prefix + "comment", []).append(
                gettext("%(max)s characters maximum, including spaces and carriage returns.")
                % {"max": policy.MAX_COMMENT_CHARS}
            )
        if order_item.pk in open_items:
            warnings.append(
                gettext("You already have an open return request for %(title)s.")
                % {"title": order_item.product.title}
            )
    if errors:
        raise ValidationError(errors)
    return warnings


def _meets_policy(order: Order, items: list[RequestedItem], window: int, now: datetime) -> bool:
    """Requested within the return window from the order date, and every item of a
    returnable category (the quantities were checked above)."""
    products = {i.pk: i.product for i in order.items.select_related("product")}
    returnable = all(products[item.order_item_id].is_returnable for item in items)
    return returnable and policy.within_return_window(
        placed_at=order.placed_at, requested_at=now, window_days=window
    )


def _apply_rule_after_commit(return_request_id: int) -> None:
    from ..tasks import apply_return_rule  # the tasks call back into the services

    transaction.on_commit(lambda: apply_return_rule.delay(return_request_id))


@transaction.atomic
def rate_return(
    *, return_request: ReturnRequest, customer: Customer, rating: int, comment: str = ""
) -> ReturnRequest:
    """The buyer's 1-5 star rating of a closed return (negative at 1-2, for the RDR)."""
    errors = {}
    if not policy.is_valid_rating(rating):
        errors["rating"] = stars_between()
    if len(comment or "") > policy.MAX_RATING_COMMENT_CHARS:
        errors["comment"] = at_most_characters(policy.MAX_RATING_COMMENT_CHARS)
    if errors:
        raise ValidationError(errors)
    locked = locks.lock_return_request(return_request.pk, customer=customer)
    if locked.status != ReturnStatus.CLOSED:
        raise TransitionRefused(gettext("You can rate a return once it is closed."))
    locked.buyer_rating, locked.buyer_rating_comment = rating, (comment or "").strip()
    locked.save(update_fields=["buyer_rating", "buyer_rating_comment"])
    return locked
