"""A-to-z Guarantee claims: the buyer files one, the seller may respond, staff decide.

Each step writes a row of the claim's history (``events``), shown on its admin page.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.models import Customer, Order
from sellercentral.errors import TransitionRefused

from .. import events, locks, notifications, policy
from ..models import Claim, ClaimEvent

ONE_OPEN_CLAIM = "There is already an open claim on this order."


@transaction.atomic
def file_claim(
    *, order: Order, customer: Customer, reason: str, body: str, actor: AbstractBaseUser | None = None
) -> Claim:
    body = (body or "").strip()
    errors = {}
    if reason not in Claim.Reason.values:
        errors["reason"] = "Choose a reason from the list."
    if not body:
        errors["body"] = "Tell us what happened."
    elif len(body) > policy.MAX_CLAIM_CHARS:
        errors["body"] = f"At most {policy.MAX_CLAIM_CHARS:,} characters."
    if errors:
        raise ValidationError(errors)
    if order.customer_id != customer.pk:
        raise ValidationError({"order": "Only the buyer of the order can file a claim."})
    if Claim.objects.filter(order=order, status=Claim.Status.OPEN).exists():
        raise ValidationError({"order": ONE_OPEN_CLAIM})
    now = timezone.now()
    try:
        with transaction.atomic():  # the unique index settles two claims filed at once
            claim = Claim.objects.create(
                order=order, seller=order.seller, customer=customer, reason=reason, body=body, filed_at=now
            )
    except IntegrityError:
        raise ValidationError({"order": ONE_OPEN_CLAIM}) from None
    events.record_claim_event(claim, event=ClaimEvent.Kind.FILED, actor=actor, role="buyer", now=now)
    notifications.announce_claim(claim, "filed")
    return claim


@transaction.atomic
def respond_to_claim(*, claim: Claim, response: str, actor: AbstractBaseUser | None = None) -> Claim:
    response = (response or "").strip()
    if not response or len(response) > policy.MAX_CLAIM_CHARS:
        raise ValidationError(
            {"response": f"Write a response of at most {policy.MAX_CLAIM_CHARS:,} characters."}
        )
    locked = locks.lock_claim(claim)
    if locked.status != Claim.Status.OPEN:
        raise TransitionRefused("This claim has been decided.")
    now = timezone.now()
    locked.seller_response, locked.seller_responded_at = response, now
    locked.save(update_fields=["seller_response", "seller_responded_at"])
    events.record_claim_event(
        locked, event=ClaimEvent.Kind.SELLER_RESPONDED, actor=actor, role="seller", now=now, note=response
    )
    return locked


@transaction.atomic
def decide_claim(*, claim: Claim, staff: AbstractBaseUser, granted: bool, note: str = "") -> Claim:
    """Staff decide a claim (Django admin); the buyer and the seller are told."""
    locked = locks.lock_claim(claim)
    if locked.status != Claim.Status.OPEN:
        raise TransitionRefused("This claim has been decided already.")
    now = timezone.now()
    locked.status = Claim.Status.GRANTED if granted else Claim.Status.DENIED
    locked.decided_at, locked.decided_by, locked.decision_note = now, staff, note.strip()
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    events.record_claim_event(
        locked,
        event=ClaimEvent.Kind.GRANTED if granted else ClaimEvent.Kind.DENIED,
        actor=staff,
        role="staff",
        now=now,
        note=locked.decision_note,
    )
    notifications.announce_claim(locked, "decided")
    return locked
