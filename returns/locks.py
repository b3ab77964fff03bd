"""Every row lock of the returns centre, in one order, so that two flows never deadlock.

The order is: the order (``commerce.Order``), then its return request(s), then a claim.
The messaging thread of an order is locked after its order too, by messaging. Each service
takes its locks once, at the start of its transaction, through one of these functions, and
never again inside; several rows of one table are locked in ``pk`` order. ``of=("self",)``
keeps a lock on the named table even when the query joins others.

The timers' sweeps claim rows with ``skip_locked``: a row another worker holds is left for
the next sweep instead of waited for.
"""

from __future__ import annotations

from django.db.models import QuerySet

from commerce.models import Order, SellerAccount

from .models import Claim, ReturnRequest, ReturnSettings


def lock_order(order_id: int) -> Order:
    """The order (with its seller and marketplace): requests of one order are made, and
    their units authorised or refunded, one at a time."""
    return (
        Order.objects.select_for_update(of=("self",)).select_related("seller", "marketplace").get(pk=order_id)
    )


def lock_order_and_return_request(return_request: ReturnRequest) -> ReturnRequest:
    """The order, then the request: for every change of a request's status or money."""
    lock_order(return_request.order_id)
    return ReturnRequest.objects.select_for_update(of=("self",)).get(pk=return_request.pk)


def lock_return_request(return_request_id: int, **must_match) -> ReturnRequest:
    """The request alone, for a change that touches neither the order's units nor its
    money (the buyer's rating); ``DoesNotExist`` unless it matches ``must_match``."""
    return ReturnRequest.objects.select_for_update(of=("self",)).get(pk=return_request_id, **must_match)


def claim_return_request(
    requests: QuerySet[ReturnRequest], *, pk: int, order_id: int | None
) -> ReturnRequest | None:
    """For a rule or a sweep: the order, then the request if it still matches ``requests``
    and no other worker holds it (else ``None``: that worker finishes the job)."""
    if order_id is not None:
        lock_order(order_id)
    return requests.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()


def claim_due_requests(due: QuerySet[ReturnRequest], *, limit: int) -> list[ReturnRequest]:
    """A sweep's batch of due requests no other worker holds, oldest first.

    Oldest first rather than by ``pk``: the partial index of waiting requests by request
    time finds the due ones (or none) at once, where an id order would walk every waiting
    request; with ``skip_locked`` nobody waits, so the order cannot deadlock.
    """
    return list(due.select_for_update(skip_locked=True, of=("self",)).order_by("requested_at", "pk")[:limit])


def lock_claim(claim: Claim) -> Claim:
    """The claim alone, for a change that moves no money (the seller's answer)."""
    return Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)


def lock_order_and_claim(claim: Claim) -> Claim:
    """The order, then the claim: for a decision, since a grant refunds against the order
    (the same order lock every return refund takes, so the two never overspend it)."""
    lock_order(claim.order_id)
    return Claim.objects.select_for_update(of=("self",)).select_related("order").get(pk=claim.pk)


def lock_return_settings(seller: SellerAccount) -> ReturnSettings:
    """The seller's settings row, made on first save: two saves at once apply in turn."""
    settings_row, _ = ReturnSettings.objects.select_for_update(of=("self",)).get_or_create(seller=seller)
    return settings_row
