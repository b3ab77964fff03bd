"""Reads of the integrations app: a seller's subscriptions, their delivery logs, the events feed."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from commerce.models import SellerAccount

from .models import Delivery, Event, EventType, Subscription


def subscriptions_for_seller(seller: SellerAccount) -> QuerySet[Subscription]:
    """The seller's webhooks, oldest first, each with how many deliveries are still pending or failed."""
    return (
        Subscription.objects.filter(seller=seller)
        .annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        )
        .order_by("created_at", "id")  # a grouped query drops the model's ordering
    )


def deliveries_for_subscription(subscription: Subscription) -> QuerySet[Delivery]:
    """The delivery log, newest first, with each delivery's event and attempts."""
    return (
        Delivery.objects.filter(subscription=subscription)
        .select_related("event")
        .prefetch_related("attempt_log")
        .order_by("-id")
    )


def events_after(seller: SellerAccount, *, after: int, limit: int) -> list[Event]:
    """The feed: the seller's events with an id above ``after``, in id order (test events aside);
    one more than ``limit`` is read to tell whether a next page exists."""
    return list(
        Event.objects.filter(seller=seller, pk__gt=after)
        .exclude(type=EventType.TEST)
        .order_by("pk")[: limit + 1]
    )
