"""Seller performance: buyers' feedback on orders (the rest is computed from other apps' rows)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from commerce.generations import TrackedQuerySet
from commerce.models import Customer, Order, SellerAccount
from commerce.policy import MAX_RATING, MIN_RATING, NEGATIVE_RATING

from .policy import MAX_FEEDBACK_CHARS


class OrderFeedback(models.Model):
    """A buyer's 1-5 rating of a delivered order: 4-5 positive, 3 neutral, 1-2 negative."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="feedback")
    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="feedback")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_RATING), MaxValueValidator(MAX_RATING)]
    )
    comment = models.CharField(max_length=MAX_FEEDBACK_CHARS, blank=True)
    left_at = models.DateTimeField(help_text="When first left; editable for 60 days after.")
    updated_at = models.DateTimeField()
    objects = TrackedQuerySet.as_manager()  # bulk writes bump the seller's generation

    class Meta:
        ordering = ["rating", "-left_at"]
        verbose_name_plural = "order feedback"
        indexes = [models.Index(fields=["seller", "-left_at"], name="feedback_seller_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=MIN_RATING, rating__lte=MAX_RATING),
                name="feedback_rating_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ on {self.order}"

    @property
    def kind(self) -> str:
        return feedback_kind(self.rating)


def feedback_kind(rating: int) -> str:
    """ "positive" (4-5 stars), "neutral" (3) or "negative" (1-2)."""
    if rating <= NEGATIVE_RATING:
        return "negative"
    return "neutral" if rating == NEGATIVE_RATING + 1 else "positive"
