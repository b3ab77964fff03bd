"""A seller's webhook subscriptions: created with a secret shown once, changed, deleted, tested."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.models import SellerAccount

from .. import locks, policy, signatures
from ..models import Delivery, Event, EventType, Subscription
from .events import queue_after_commit

SUBSCRIBABLE = [choice for choice in EventType.values if choice != EventType.TEST]


def _clean(*, url: str | None, event_types: Iterable[str] | None, description: str | None) -> dict:
    """The fields given, checked; ``ValidationError`` by field."""
    cleaned, errors = {}, {}
    if url is not None:
        url = url.strip()
        problem = policy.url_problem(url) if url else gettext("Enter the URL of your endpoint.")
        if problem:
            errors["url"] = problem
        cleaned["url"] = url
    if event_types is not None:
        types = list(dict.fromkeys(event_types))
        if not types:
            errors["event_types"] = gettext("Choose at least one event.")
        elif unknown := [value for value in types if value not in SUBSCRIBABLE]:
            errors["event_types"] = gettext("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}
        cleaned["event_types"] = [value for value in SUBSCRIBABLE if value in types]
    if description is not None:
        cleaned["description"] = description.strip()[:200]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_subscription(
    *,
    seller: SellerAccount,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    is_active: bool = True,
) -> Subscription:
    """A new active subscription; its ``secret`` is for the seller to copy now."""
    cleaned = _clean(url=url, event_types=event_types, description=description)
    locks.lock_seller_subscriptions(seller.pk)
    if Subscription.objects.filter(seller=seller).count() >= policy.MAX_SUBSCRIPTIONS_PER_SELLER:
        raise ValidationError(
            {
                "url": gettext("You can have at most %(count)s webhooks.")
                % {"count": policy.MAX_SUBSCRIPTIONS_PER_SELLER}
            }
        )
    return Subscription.objects.create(
        seller=seller,
        secret=signatures.new_secret(),
        created_at=timezone.now(),
        is_active=is_active,
        **cleaned,
    )


def update_subscription(
    *,
    subscription: Subscription,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Subscription:
    """Change what is given; switching a webhook back on forgets why it was switched off."""
    cleaned = _clean(url=url, event_types=event_types, description=description)
    if is_active is not None:
        cleaned["is_active"] = is_active
        if is_active:
            cleaned["disabled_reason"] = ""
    for name, value in cleaned.items():
        setattr(subscription, name, value)
    if cleaned:
        subscription.save(update_fields=list(cleaned))
    return subscription


def delete_subscription(*, subscription: Subscription) -> None:
    """The subscription and its delivery log; its events stay in the feed."""
    subscription.delete()


@transaction.atomic
def send_test_event(*, subscription: Subscription) -> Delivery:
    """A ``webhook.test`` event to this subscription alone (it is not in the events feed)."""
    if not subscription.is_active:
        raise ValidationError({"subscription": gettext("Switch the webhook on before sending a test event.")})
    now = timezone.now()
    event = Event.objects.create(
        seller_id=subscription.seller_id,
        type=EventType.TEST,
        occurred_at=now,
        payload={"subscription_id": subscription.pk, "message": "A test event from Seller Central."},
    )
    delivery = Delivery.objects.create(
        subscription=subscription, event=event, next_attempt_at=now, created_at=now
    )
    queue_after_commit([delivery.pk])
    return delivery
