"""A-to-z Guarantee claims: the buyer files one, the seller answers it once, staff decide.

Each step is one transaction under the locks of ``returns.locks``, checked against the
claim table of ``returns.states``, and writes a row of the claim's history (``events``),
shown on its admin page. Granting refunds the buyer through ``refunds.refund_claim`` (the
returns' refund rows and cap) in the same transaction, so a claim is never granted without
its refund, nor refunded twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.models import Customer, Order
from commerce.policy import at_most_characters
from sellercentral.errors import TransitionRefused

from .. import events, integrator_events, locks, notifications, policy, selectors
from ..models import Claim, ClaimEvent
from ..states import CLAIM_TRANSITIONS, ClaimAction, claim_allows
from .refunds import refund_claim


@transaction.atomic
def file_claim(
    *, order: Order, customer: Customer, reason: str, body: str, actor: AbstractBaseUser | None = None
) -> Claim:
    body = (body or "").strip()
    errors = {}
    if reason not in Claim.Reason.values:
        errors["reason"] = gettext("Choose a reason from the list.")
    if not body:
        errors["body"] = gettext("Tell us what happened.")
    elif len(body) > policy.MAX_CLAIM_CHARS:
        errors["body"] = at_most_characters(policy.MAX_CLAIM_CHARS)
    if errors:
        raise ValidationError(errors)
    if order.customer_id != customer.pk:
        raise ValidationError({"order": gettext("Only the buyer of the order can file a claim.")})
    if selectors.order_has_claim(order.pk):
        raise ValidationError({"order": policy.ONE_CLAIM_PER_ORDER})
    now = timezone.now()
    try:
        with transaction.atomic():  # the unique index settles two claims filed at once
            claim = Claim.objects.create(
                order=order, seller=order.seller, customer=customer, reason=reason, body=body, filed_at=now
            )
    except IntegrityError:
        raise ValidationError({"order": policy.ONE_CLAIM_PER_ORDER}) from None
    events.record_claim_event(claim, event=ClaimEvent.Kind.FILED, actor=actor, role="buyer", now=now)
    integrator_events.claim_filed(claim)
    notifications.announce_claim(claim, "filed")
    return claim


def _text(value: str, *, field: str, required: str) -> str:
    """A claim text as the pages and the API send it: trimmed, present, within the limit."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required})
    if len(value) > policy.MAX_CLAIM_CHARS:
        raise ValidationError({field: at_most_characters(policy.MAX_CLAIM_CHARS)})
    return value


def _guard(claim: Claim, action: ClaimAction) -> None:
    if not claim_allows(action, claim.status):
        raise TransitionRefused(CLAIM_TRANSITIONS[action].refusal)


@transaction.atomic
def respond_to_claim(*, claim: Claim, response: str, actor: AbstractBaseUser | None = None) -> Claim:
    """The seller's one answer to an open claim (staff read it before deciding)."""
    response = _text(response, field="response", required=gettext("Write your response to the claim."))
    locked = locks.lock_claim(claim)
    _guard(locked, ClaimAction.ANSWER)
    if locked.seller_response:  # one answer: staff decide on what they read first
        raise TransitionRefused(gettext("You have already answered this claim."))
    now = timezone.now()
    locked.seller_response, locked.seller_responded_at = response, now
    locked.save(update_fields=["seller_response", "seller_responded_at"])
    events.record_claim_event(
        locked, event=ClaimEvent.Kind.SELLER_RESPONDED, actor=actor, role="seller", now=now, note=response
    )
    return locked


@transaction.atomic
def grant_claim(*, claim: Claim, staff: AbstractBaseUser, note: str = "") -> Claim:
    """Staff grant a claim: the buyer is refunded what is left of the order, once."""
    note = (note or "").strip()
    if len(note) > policy.MAX_CLAIM_CHARS:
        raise ValidationError({"decision_note": at_most_characters(policy.MAX_CLAIM_CHARS)})
    locked = locks.lock_order_and_claim(claim)
    _guard(locked, ClaimAction.GRANT)
    refund = refund_claim(claim=locked, actor=staff)
    amount = refund.amount if refund else Decimal("0.00")
    return _decide(locked, ClaimAction.GRANT, staff=staff, note=note, refund_amount=amount)


@transaction.atomic
def deny_claim(*, claim: Claim, staff: AbstractBaseUser, note: str) -> Claim:
    """Staff deny a claim, with the reason the buyer reads."""
    note = _text(note, field="decision_note", required=gettext("Tell the buyer why the claim is denied."))
    locked = locks.lock_order_and_claim(claim)
    _guard(locked, ClaimAction.DENY)
    return _decide(locked, ClaimAction.DENY, staff=staff, note=note)


def decide_claim(*, claim: Claim, staff: AbstractBaseUser, granted: bool, note: str = "") -> Claim:
    """Grant or deny (for callers that hold the choice as a flag)."""
    if granted:
        return grant_claim(claim=claim, staff=staff, note=note)
    return deny_claim(claim=claim, staff=staff, note=note)


def _decide(
    locked: Claim,
    action: ClaimAction,
    *,
    staff: AbstractBaseUser,
    note: str,
    refund_amount: Decimal = Decimal("0.00"),
) -> Claim:
    now = timezone.now()
    locked.status = CLAIM_TRANSITIONS[action].target
    locked.decided_at, locked.decided_by, locked.decision_note = now, staff, note
    locked.refund_amount = refund_amount
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "refund_amount"])
    granted = action == ClaimAction.GRANT
    events.record_claim_event(
        locked,
        event=ClaimEvent.Kind.GRANTED if granted else ClaimEvent.Kind.DENIED,
        actor=staff,
        role="staff",
        now=now,
        note=note,  # the money is in the claim's refund row and ``refund_amount``
    )
    integrator_events.claim_decided(locked)
    notifications.announce_claim(locked, locked.status)
    return locked
