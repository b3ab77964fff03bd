"""The returns centre's events for integrators (``integrations``): return requested,
authorised and closed; refund issued; A-to-z claim filed and decided. Each is recorded by the
service that makes the change, in its transaction, so neither commits without the other."""

from __future__ import annotations

from django.utils import timezone

from commerce.models import Order
from integrations.models import EventType
from integrations.services import record_event

from .models import Claim, Refund, ReturnRequest, ReturnStatus


def _order(order_pk: int) -> dict:
    order_id, marketplace = (
        Order.objects.filter(pk=order_pk).values_list("order_id", "marketplace__code").get()
    )
    return {"order_id": order_id, "marketplace": marketplace}


def _return(return_request: ReturnRequest) -> dict:
    return {
        "return_id": return_request.pk,
        **_order(return_request.order_id),
        "status": return_request.status,
        "close_reason": return_request.close_reason or None,
        "rma": return_request.rma,
        "requested_at": return_request.requested_at,
    }


def return_requested(return_request: ReturnRequest, items: list) -> None:
    """``items``: what the buyer asked for (order line, quantity, reason)."""
    record_event(
        seller_id=return_request.seller_id,
        type=EventType.RETURN_REQUESTED,
        occurred_at=return_request.requested_at,
        data={
            **_return(return_request),
            "is_gift": return_request.is_gift,
            "items": [
                {"order_item": item.order_item_id, "quantity": item.quantity, "reason": item.reason}
                for item in items
            ],
        },
    )


def return_changed(return_request: ReturnRequest) -> None:
    """After a transition: an event when it authorised or closed the request."""
    if return_request.status == ReturnStatus.AUTHORISED:
        record_event(
            seller_id=return_request.seller_id,
            type=EventType.RETURN_AUTHORISED,
            occurred_at=return_request.authorised_at,
            data={**_return(return_request), "authorised_at": return_request.authorised_at,
                  "return_by": return_request.return_by},
        )  # fmt: skip
    elif return_request.status == ReturnStatus.CLOSED:
        record_event(
            seller_id=return_request.seller_id,
            type=EventType.RETURN_CLOSED,
            occurred_at=return_request.closed_at,
            data={**_return(return_request), "closed_at": return_request.closed_at},
        )


def refund_issued(refund: Refund, *, seller_id: int, order_pk: int) -> None:
    record_event(
        seller_id=seller_id,
        type=EventType.REFUND_ISSUED,
        occurred_at=refund.created_at,
        data={
            "refund_id": refund.pk,
            "return_id": refund.return_request_id,
            "claim_id": refund.claim_id,
            **_order(order_pk),
            "amount": refund.amount,
            "currency": refund.currency,
            "issued_at": refund.created_at,
        },
    )


def _claim(claim: Claim) -> dict:
    return {"claim_id": claim.pk, **_order(claim.order_id), "reason": claim.reason, "status": claim.status,
            "filed_at": claim.filed_at}  # fmt: skip


def claim_filed(claim: Claim) -> None:
    record_event(
        seller_id=claim.seller_id, type=EventType.CLAIM_FILED, occurred_at=claim.filed_at, data=_claim(claim)
    )


def claim_decided(claim: Claim) -> None:
    record_event(
        seller_id=claim.seller_id,
        type=EventType.CLAIM_DECIDED,
        occurred_at=claim.decided_at or timezone.now(),
        data={**_claim(claim), "decided_at": claim.decided_at, "refund_amount": claim.refund_amount,
              "currency": claim.order.currency},
    )  # fmt: skip
