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


class ResponseHour(models.Model):
    """One seller's counted buyer messages received in one UTC hour, as Contact Response Time
    classes them once every deadline in the hour has passed (docs/metrics.md, "The roll-up").

    Written only by ``services.rollup``: the sweep adds the hours that have settled, and any
    later change to one of their messages (a late reply, "no response needed", a deletion, a
    backdated message) recounts its hour from the messages.
    """

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField(help_text="The UTC hour the messages were received in (its start).")
    under_24h = models.PositiveIntegerField(default=0)
    over_24h = models.PositiveIntegerField(default=0)
    no_response = models.PositiveIntegerField(default=0)
    answered_seconds = models.FloatField(default=0.0, help_text="Reply delays of the answered, added up.")
    # The latest reply or deadline among the hour's messages: a reader whose "now" is earlier
    # (a figure of the past) would class some of them differently, and counts the hour live.
    settled_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The page reads a seller's hours of 90 days from this index alone (once vacuumed).
            models.UniqueConstraint(
                fields=["seller", "hour"],
                include=["under_24h", "over_24h", "no_response", "answered_seconds", "settled_at"],
                name="response_hour_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.hour:%Y-%m-%d %H:00}"


class ResponseRollup(models.Model):
    """The roll-up's one row: every hour before ``watermark`` is in ``ResponseHour``."""

    watermark = models.DateTimeField(null=True, blank=True)
    rolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="response_rollup_one_row")]

    def __str__(self) -> str:
        return f"rolled up to {self.watermark}"
