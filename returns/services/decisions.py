"""The changes of a request's status: authorise, deny, cancel, and those a rule or a timer makes.

Each public function is one transaction: it locks the order and the request once
(``locks``), checks the event against ``states.TRANSITIONS`` in ``_transition``, writes the
change and its history row, and leaves the e-mails and system messages to the messaging
outbox (``notifications``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce import services as commerce_services
from commerce.policy import at_most_characters
from sellercentral.errors import TransitionRefused

from .. import events, integrator_events, locks, notifications, policy, selectors
from ..models import DenyReason, ReturnAddress, ReturnRequest, ReturnStatus
from ..states import TRANSITIONS, Event
from .addresses import clean_return_address
from .rules import return_by_days

Change = Callable[[ReturnRequest, datetime], list[str]]
RMA_ATTEMPTS = 5


def _transition(
    locked: ReturnRequest,
    event: Event,
    *,
    actor: AbstractBaseUser | None,
    role: str,
    note: str = "",
    change: Change | None = None,
    save: Callable[[ReturnRequest, list[str]], None] | None = None,
) -> ReturnRequest:
    """Check the event against the table, apply it to the locked row, record it.

    The caller holds the locks (order, then request) for its whole transaction.
    """
    transition = TRANSITIONS[event]
    if locked.status not in transition.sources:
        raise TransitionRefused(transition.refusal or gettext("This return cannot change that way now."))
    now = timezone.now()
    from_status = locked.status
    locked.status = transition.target
    locked.close_reason = transition.close_reason
    fields = ["status", "close_reason"]
    if transition.close_reason:
        locked.closed_at = now
        fields.append("closed_at")
    if change is not None:
        fields += change(locked, now)
    if save is None:
        locked.save(update_fields=fields)
    else:
        save(locked, fields)
    events.record_return_event(
        locked, event=event.value, actor=actor, role=role, from_status=from_status, now=now, note=note
    )
    # What its order's items can still be returned may have changed (a return authorised,
    # refunded, cancelled): the order's rows in the API changed with it.
    commerce_services.mark_order_changed(order_id=locked.order_id, at=now)
    integrator_events.return_changed(locked)
    return locked


def seller_acted(return_request: ReturnRequest, now: datetime) -> list[str]:
    """Stamp the seller's first authorise, close or refund (what the 48-hour clock stops at)."""
    if return_request.first_seller_action_at is None:
        return_request.first_seller_action_at = now
        return ["first_seller_action_at"]
    return []


# --- Authorise ------------------------------------------------------------------------------
@transaction.atomic
def authorise_return(
    *,
    return_request: ReturnRequest,
    actor: AbstractBaseUser | None,
    address: dict | None = None,
    role: str = "seller",
) -> ReturnRequest:
    """Authorise with the given address, else the marketplace's exception, else the default."""
    if address is not None:
        snapshot = clean_return_address(address)
    else:
        stored = selectors.return_address_for(return_request.seller_id, return_request.marketplace_id)
        if stored is None:
            raise ValidationError(
                {
                    "return_address": gettext(
                        "Set up a return address in Settings > Account info, or enter one."
                    )
                }
            )
        snapshot = stored.as_snapshot()
    days = return_by_days(return_request.seller)
    locked = locks.lock_order_and_return_request(return_request)
    return _authorise(locked, actor=actor, role=role, snapshot=snapshot, days=days)


def authorise_by_system(locked: ReturnRequest, *, address: ReturnAddress) -> ReturnRequest:
    """The automatic rule's authorisation, with the stored address; the caller holds the
    locks (order, then request)."""
    days = return_by_days(locked.seller)
    return _authorise(locked, actor=None, role="system", snapshot=address.as_snapshot(), days=days)


def _authorise(
    locked: ReturnRequest, *, actor: AbstractBaseUser | None, role: str, snapshot: dict, days: int
) -> ReturnRequest:
    _check_units_still_free(locked)

    def change(return_request: ReturnRequest, now: datetime) -> list[str]:
        return_request.authorised_at = now
        return_request.return_by = (now + timedelta(days=days)).date()
        return_request.return_address = snapshot
        return ["rma", "authorised_at", "return_by", "return_address", *seller_acted(return_request, now)]

    authorised = _transition(
        locked, Event.AUTHORISE, actor=actor, role=role, change=change, save=_save_with_rma
    )
    notifications.announce(authorised, "authorised")
    return authorised


def _save_with_rma(return_request: ReturnRequest, fields: list[str]) -> None:
    """Save with a fresh RMA, drawn again on the one-in-2^47 clash with another."""
    for _attempt in range(RMA_ATTEMPTS):
        return_request.rma = policy.new_rma()
        try:
            with transaction.atomic():
                return_request.save(update_fields=fields)
            return
        except IntegrityError:
            continue
    raise RuntimeError("Could not draw a unique RMA number.")


def _check_units_still_free(locked: ReturnRequest) -> None:
    """Refuse to authorise units another authorisation (or refund) already took back.

    The order row is locked, so two requests for the same unit cannot both be authorised.
    """
    held = selectors.held_quantities([locked.order_id])
    for item in locked.items.select_related("order_item"):
        if locked.status != ReturnStatus.AUTHORISED and item.quantity > item.order_item.quantity - held.get(
            item.order_item_id, 0
        ):
            raise TransitionRefused(
                gettext(
                    "These items are already being returned under another return authorisation: deny this request."
                )
            )


# --- Deny, cancel ----------------------------------------------------------------------------
def clean_denial(*, reason: str, message: str) -> str:
    """The denial's message as stored, or ``ValidationError`` by field (one denial or many)."""
    message = (message or "").replace("\r\n", "\n").strip()
    errors = {}
    if reason not in DenyReason.values:
        errors["reason"] = gettext("Select a reason for not authorising this return request.")
    if not message:
        errors["message"] = gettext("Write a message to the buyer.")
    elif len(message) > policy.MAX_DENY_MESSAGE_CHARS:
        errors["message"] = at_most_characters(policy.MAX_DENY_MESSAGE_CHARS)
    if errors:
        raise ValidationError(errors)
    return message


@transaction.atomic
def deny_return(
    *, return_request: ReturnRequest, actor: AbstractBaseUser | None, reason: str, message: str
) -> ReturnRequest:
    message = clean_denial(reason=reason, message=message)

    def change(denied: ReturnRequest, now: datetime) -> list[str]:
        denied.deny_reason, denied.deny_message = reason, message
        return ["deny_reason", "deny_message", *seller_acted(denied, now)]

    locked = locks.lock_order_and_return_request(return_request)
    denied = _transition(
        locked,
        Event.DENY,
        actor=actor,
        role="seller",
        note=events.product_note(DenyReason(reason)),
        change=change,
    )
    notifications.announce(denied, "denied")
    return denied


@transaction.atomic
def cancel_return(*, return_request: ReturnRequest, actor: AbstractBaseUser | None) -> ReturnRequest:
    """The buyer's "Cancel return", only before the seller has acted."""
    locked = locks.lock_order_and_return_request(return_request)
    cancelled = _transition(locked, Event.CANCEL, actor=actor, role="buyer")
    notifications.announce(cancelled, "cancelled")
    return cancelled


def transition_by_system(locked: ReturnRequest, event: Event, *, note: str = "") -> ReturnRequest:
    """A timer's or a rule's transition (no person acted); the caller holds the locks."""
    return _transition(locked, event, actor=None, role="system", note=note)


def refund_in_full(locked: ReturnRequest, *, actor: AbstractBaseUser | None) -> ReturnRequest:
    """A full refund of an open or authorised request closes it; the caller holds the locks."""
    if locked.status not in TRANSITIONS[Event.REFUND_IN_FULL].sources:
        return locked
    return _transition(locked, Event.REFUND_IN_FULL, actor=actor, role="seller")
