"""Manage Returns' bulk decisions: "Authorise selected" and "Deny selected".

Each selected request goes through the same guarded service as its single action
(``authorise_return``, ``deny_return``), one transaction each under the order's and the
request's locks: a request another flow moved on meanwhile is refused alone and the others
still go through, and each decision's e-mails leave on its own commit. Sending the same
selection again decides nothing twice: the requests decided the first time are refused by
the state machine ("only a request waiting for authorisation ...").

What is checked as a whole, before anything changes: every id is one of the seller's
requests, at most ``policy.MAX_BULK_DECISIONS`` of them, and a denial's reason and message.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from commerce.models import SellerAccount
from sellercentral.errors import TransitionRefused

from .. import policy, selectors
from ..models import ReturnRequest
from ..states import Event, allows
from .decisions import authorise_return, clean_denial, deny_return


class BulkAction(models.TextChoices):
    AUTHORISE = "authorise", _("Authorise selected")
    DENY = "deny", _("Deny selected")


class BulkOutcome(models.TextChoices):
    AUTHORISED = "authorised", _("Authorised")
    DENIED = "denied", _("Denied")
    REFUSED = "refused", _("Refused")


EVENTS = {BulkAction.AUTHORISE: Event.AUTHORISE, BulkAction.DENY: Event.DENY}


@dataclass(frozen=True)
class BulkResult:
    """One request's result; ``return_request`` as it is after the attempt."""

    return_request: ReturnRequest
    outcome: BulkOutcome
    reason: str = ""


def selected_returns(*, seller: SellerAccount, ids: Collection[int]) -> list[ReturnRequest]:
    """The seller's requests named by ``ids`` (with what the pages show of them), oldest
    first; ``ValidationError`` on ``ids`` if there are none, too many, or one is not the
    seller's (then nothing is done to any: the selection was not the seller's list)."""
    wanted = set(ids)
    if not wanted:
        raise ValidationError({"ids": _("Select at least one return request.")})
    if len(wanted) > policy.MAX_BULK_DECISIONS:
        raise ValidationError(
            {
                "ids": _("Select at most %(cap)d return requests at a time.")
                % {"cap": policy.MAX_BULK_DECISIONS}
            }
        )
    found = list(selectors.returns_for_seller(seller).filter(pk__in=wanted).order_by("requested_at", "pk"))
    if len(found) != len(wanted):
        raise ValidationError(
            {
                "ids": _(
                    "Some of the selected return requests are not among yours: nothing was done. "
                    "Go back to Manage Returns and select them again."
                )
            }
        )
    return found


def would_apply(action: BulkAction, return_request: ReturnRequest) -> bool:
    """Whether the request's status allows the action now (what the confirmation says; the
    service asks again under the lock)."""
    return allows(EVENTS[action], return_request.status)


def decide_in_bulk(
    *,
    seller: SellerAccount,
    actor: AbstractBaseUser,
    ids: Collection[int],
    action: BulkAction,
    reason: str = "",
    message: str = "",
) -> list[BulkResult]:
    """Authorise (with each marketplace's stored return address) or deny (with one reason and
    message) every selected request, each in its own transaction; a result per request."""
    selected = selected_returns(seller=seller, ids=ids)
    if action == BulkAction.DENY:
        message = clean_denial(reason=reason, message=message)
    results = []
    for return_request in selected:
        try:
            if action == BulkAction.AUTHORISE:
                decided = authorise_return(return_request=return_request, actor=actor)
            else:
                decided = deny_return(
                    return_request=return_request, actor=actor, reason=reason, message=message
                )
        except TransitionRefused as refused:
            # Moved on since the page was read, perhaps: the result shows where it is now.
            return_request.refresh_from_db(fields=["status", "close_reason"])
            results.append(BulkResult(return_request, BulkOutcome.REFUSED, str(refused)))
        except ValidationError as invalid:  # no return address for the marketplace, say
            results.append(BulkResult(return_request, BulkOutcome.REFUSED, " ".join(invalid.messages)))
        else:
            # The page shows the request as decided, with what it already has loaded.
            for field in ("status", "close_reason", "rma", "return_by"):
                setattr(return_request, field, getattr(decided, field))
            outcome = BulkOutcome.AUTHORISED if action == BulkAction.AUTHORISE else BulkOutcome.DENIED
            results.append(BulkResult(return_request, outcome))
    return results
