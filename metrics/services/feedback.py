"""Writes of the metrics app: buyers' order feedback."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.models import Customer, Order
from commerce.policy import at_most_characters, is_valid_rating, stars_between

from .. import locks
from ..models import OrderFeedback
from ..policy import FEEDBACK_EDITABLE_DAYS, MAX_FEEDBACK_CHARS


@transaction.atomic
def leave_feedback(*, order: Order, customer: Customer, rating: int, comment: str = "") -> OrderFeedback:
    """Rate a delivered order 1-5, once; the rating can be changed for 60 days."""
    errors = {}
    if not is_valid_rating(rating):
        errors["rating"] = stars_between()
    comment = (comment or "").strip()
    if len(comment) > MAX_FEEDBACK_CHARS:
        errors["comment"] = at_most_characters(MAX_FEEDBACK_CHARS)
    if errors:
        raise ValidationError(errors)
    if order.customer_id != customer.pk:
        raise ValidationError({"order": gettext("Only the buyer of the order can leave feedback.")})
    if order.status != Order.Status.DELIVERED:
        raise ValidationError({"order": gettext("You can leave feedback once the order has been delivered.")})
    now = timezone.now()
    existing = locks.lock_feedback(order)
    if existing is None:
        return OrderFeedback.objects.create(
            order=order,
            seller_id=order.seller_id,
            customer=customer,
            rating=rating,
            comment=comment,
            left_at=now,
            updated_at=now,
        )
    if now - existing.left_at > timedelta(days=FEEDBACK_EDITABLE_DAYS):
        raise ValidationError(
            {
                "rating": gettext("Feedback can be changed for %(days)s days after it was left.")
                % {"days": FEEDBACK_EDITABLE_DAYS}
            }
        )
    existing.rating, existing.comment, existing.updated_at = rating, comment, now
    existing.save(update_fields=["rating", "comment", "updated_at"])
    return existing
