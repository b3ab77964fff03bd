"""The return-authorisation state machine, as one table (docs/returns.md describes it).

Each event names the statuses it may start from and where it ends (status, and the close
reason when it closes). Anything not listed here is
refused with the event's ``refusal`` and changes nothing. Issuing a refund and contacting
the buyer are not transitions: they stay available in every state (a *full* refund of an
open request closes it as Refunded, through the ``refund_in_full`` event).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import ClaimStatus, CloseReason, ReturnStatus

OPEN = frozenset({ReturnStatus.AUTHORISATION_REQUIRED, ReturnStatus.NOT_AUTHORISED})


class Event(StrEnum):
    AUTHORISE = "authorise"
    DENY = "deny"
    CANCEL = "cancel"
    FIND_OUTSIDE_POLICY = "find_outside_policy"
    REFUND_IN_FULL = "refund_in_full"
    EXPIRE = "expire"
    EXPIRE_WITHOUT_ACTION = "expire_without_action"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    close_reason: str = ""
    refusal: str = ""


TRANSITIONS: dict[Event, Transition] = {
    Event.AUTHORISE: Transition(
        OPEN,
        ReturnStatus.AUTHORISED,
        refusal=_("Only a request waiting for authorisation can be authorised."),
    ),
    Event.DENY: Transition(
        OPEN,
        ReturnStatus.CLOSED,
        CloseReason.DENIED_BY_SELLER,
        refusal=_("Only a request waiting for authorisation can be denied."),
    ),
    Event.CANCEL: Transition(
        OPEN,
        ReturnStatus.CLOSED,
        CloseReason.WITHDRAWN_BY_BUYER,
        refusal=_("The seller has already handled this return, so it can no longer be cancelled."),
    ),
    Event.FIND_OUTSIDE_POLICY: Transition(
        frozenset({ReturnStatus.AUTHORISATION_REQUIRED}),
        ReturnStatus.NOT_AUTHORISED,
        refusal=_("Only a new request can be found outside the return policy."),
    ),
    Event.REFUND_IN_FULL: Transition(
        OPEN | {ReturnStatus.AUTHORISED}, ReturnStatus.CLOSED, CloseReason.REFUNDED, refusal=""
    ),
    Event.EXPIRE: Transition(
        frozenset({ReturnStatus.AUTHORISED}),
        ReturnStatus.CLOSED,
        CloseReason.EXPIRED,
        refusal=_("Only an authorised return can expire."),
    ),
    Event.EXPIRE_WITHOUT_ACTION: Transition(
        OPEN,
        ReturnStatus.CLOSED,
        CloseReason.EXPIRED_WITHOUT_ACTION,
        refusal=_("Only a request waiting for the seller can expire without action."),
    ),
}

# What the seller's card and the API's ``actions`` offer in each status (in the seed's order).
SELLER_ACTIONS: dict[str, list[str]] = {
    ReturnStatus.AUTHORISATION_REQUIRED: ["authorise", "deny", "refund", "contact_buyer"],
    ReturnStatus.NOT_AUTHORISED: ["authorise", "deny", "refund", "contact_buyer"],
    ReturnStatus.AUTHORISED: ["refund", "contact_buyer"],
    ReturnStatus.CLOSED: ["refund", "contact_buyer"],
}


def allows(event: Event, status: str) -> bool:
    return status in TRANSITIONS[event].sources


# --- A-to-z Guarantee claims ----------------------------------------------------------------
# A claim is open until staff decide it; the seller answers it (once) while it is open. A
# decided claim never moves again: a second grant would be a second refund.
class ClaimAction(StrEnum):
    ANSWER = "answer"
    GRANT = "grant"
    DENY = "deny"


CLAIM_TRANSITIONS: dict[ClaimAction, Transition] = {
    ClaimAction.ANSWER: Transition(
        frozenset({ClaimStatus.OPEN}),
        ClaimStatus.OPEN,
        refusal=_("This claim has been decided, so it can no longer be answered."),
    ),
    ClaimAction.GRANT: Transition(
        frozenset({ClaimStatus.OPEN}), ClaimStatus.GRANTED, refusal=_("This claim has been decided already.")
    ),
    ClaimAction.DENY: Transition(
        frozenset({ClaimStatus.OPEN}), ClaimStatus.DENIED, refusal=_("This claim has been decided already.")
    ),
}


def claim_allows(action: ClaimAction, status: str) -> bool:
    return status in CLAIM_TRANSITIONS[action].sources
