"""The history rows of the returns centre: who did what to a return or a claim, and when.

A return's rows are its "return details & order history" (pages and API); a claim's rows
are shown to staff on the claim's admin page. Services write them in the transaction of
the change they record, so a change and its row commit together.

A note the product writes ("Outside the return policy", a denial's reason) is stored as its
English msgid (``gettext_noop``, ``product_note``) and translated where it is shown, so
each reader reads it in their language; a note a person wrote is shown as written.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Choices
from django.utils import translation

from .models import Claim, ClaimEvent, ReturnEvent, ReturnRequest


def product_note(choice: Choices) -> str:
    """A choice's label as a note: its English msgid, whatever language the actor reads."""
    with translation.override(None):  # no catalogue: the lazy label gives its msgid
        return str(choice.label)


def record_return_event(
    return_request: ReturnRequest,
    *,
    event: str,
    actor: AbstractBaseUser | None,
    role: str,
    from_status: str,
    now: datetime,
    note: str = "",
) -> ReturnEvent:
    """A row for the request as it now stands (``to_status`` is its status after the change)."""
    return ReturnEvent.objects.create(
        return_request=return_request,
        at=now,
        actor=actor,
        actor_role=role,
        event=event,
        from_status=from_status,
        to_status=return_request.status,
        note=note,
    )


def record_claim_event(
    claim: Claim,
    *,
    event: ClaimEvent.Kind,
    actor: AbstractBaseUser | None,
    role: str,
    now: datetime,
    note: str = "",
) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim, at=now, actor=actor, actor_role=role, event=event, note=note
    )
