"""Events for integrators: what happened to a seller's messages, returns and claims, and the
webhooks that carry them to the seller's own systems.

``Event`` rows are written by the apps that own the change (``services.record_event``), in the
change's transaction, and never changed afterwards: the pollable feed reads them by id.
``Delivery`` is the outbox of one event to one subscription; ``DeliveryAttempt`` its log.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commerce.models import SellerAccount


class EventType(models.TextChoices):
    MESSAGE_RECEIVED = "message.received", _("New buyer message")
    MESSAGE_OVERDUE = "message.overdue", _("Buyer message overdue (24 hours unanswered)")
    RETURN_REQUESTED = "return.requested", _("Return requested")
    RETURN_AUTHORISED = "return.authorised", _("Return authorised")
    RETURN_CLOSED = "return.closed", _("Return closed")
    REFUND_ISSUED = "refund.issued", _("Refund issued")
    CLAIM_FILED = "claim.filed", _("A-to-z claim filed")
    CLAIM_DECIDED = "claim.decided", _("A-to-z claim decided")
    # Sent only by "Send test event", to one subscription; never in the feed.
    TEST = "webhook.test", _("Test event")


class Subscription(models.Model):
    """A seller's webhook endpoint and the event types it wants."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    # Kept in full: each delivery is signed with it. Shown to the seller once, at creation.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["seller", "is_active"], name="webhook_seller_active_idx")]

    def __str__(self) -> str:
        return self.url

    @property
    def event_labels(self) -> list[str]:
        """The event types it wants, in the reader's words."""
        return [str(EventType(value).label) for value in self.event_types if value in EventType.values]


class Event(models.Model):
    """One thing that happened, as an integrator reads it: immutable, ordered by id."""

    seller = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField()
    # Dates and decimals as the API writes them (ISO 8601, decimal strings).
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        indexes = [models.Index(fields=["seller", "id"], name="event_seller_feed_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def public_id(self) -> str:
        """The id an integrator sees (``Webhook-Id``, the feed's ``id``): stable, unique."""
        return f"evt_{self.pk}"


class Delivery(models.Model):
    """One event to one subscription: pending until a 2xx, retried with backoff until the last
    attempt (``policy.MAX_ATTEMPTS``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="delivery_once_per_subscription"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due_idx"
            ),
            models.Index(fields=["subscription", "-id"], name="delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: the log the seller reads."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"
