"""Writes of the metrics app: buyers' order feedback."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commerce.models import Customer, Order

from .models import FEEDBACK_EDITABLE_DAYS, OrderFeedback


@transaction.atomic
def leave_feedback(*, order: Order, customer: Customer, rating: int, comment: str = "") -> OrderFeedback:
    """Rate a delivered order 1-5, once; the rating can be changed for 60 days."""
    errors = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = "Choose from 1 to 5 stars."
    comment = (comment or "").strip()
    if len(comment) > 1000:
        errors["comment"] = "At most 1,000 characters."
    if errors:
        raise ValidationError(errors)
    if order.customer_id != customer.pk:
        raise ValidationError({"order": "Only the buyer of the order can leave feedback."})
    if order.status != Order.Status.DELIVERED:
        raise ValidationError({"order": "You can leave feedback once the order has been delivered."})
    now = timezone.now()
    existing = OrderFeedback.objects.select_for_update().filter(order=order).first()
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
            {"rating": f"Feedback can be changed for {FEEDBACK_EDITABLE_DAYS} days after it was left."}
        )
    existing.rating, existing.comment, existing.updated_at = rating, comment, now
    existing.save(update_fields=["rating", "comment", "updated_at"])
    return existing
