"""Each event is written by the real service call that makes its change, in the same
transaction: a change that rolls back (or is refused) leaves no event, and every payload has
exactly the fields its schema component declares, with the buyer's masked address only."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations.models import Event
from integrations.payloads import DATA
from messaging import deadlines
from messaging import services as messaging
from returns import services as returns
from sellercentral.errors import TransitionRefused

from .. import factories

pytestmark = pytest.mark.django_db

BUYER_REAL = "luca.depasqua@example.com"


def recorded(type_: str) -> list[Event]:
    return list(Event.objects.filter(type=type_).order_by("pk"))


def assert_declared(event: Event) -> None:
    """The payload has the fields of its component, no more, no fewer, valid."""
    declared = DATA[event.type]()
    assert set(event.payload) == set(declared.fields), event.type
    checked = DATA[event.type](data=event.payload)
    assert checked.is_valid(), checked.errors
    assert BUYER_REAL not in str(event.payload)


def request(order, customer, quantity=1):
    item = order.items.get()
    return_request, _ = returns.request_return(
        order=order,
        customer=customer,
        items=[returns.RequestedItem(order_item_id=item.pk, quantity=quantity, reason="missing_parts")],
    )
    return return_request


def test_a_return_request_records_return_requested(order, customer, seller):
    return_request = request(order, customer)

    [event] = recorded("return.requested")
    assert event.seller == seller
    assert event.occurred_at == return_request.requested_at
    assert event.payload["return_id"] == return_request.pk
    assert event.payload["order_id"] == "202-0697275-2144321"
    assert event.payload["items"] == [
        {"order_item": order.items.get().pk, "quantity": 1, "reason": "missing_parts"}
    ]
    assert_declared(event)


def test_a_request_rolled_back_with_its_transaction_leaves_no_event(order, customer):
    with pytest.raises(RuntimeError), transaction.atomic():
        request(order, customer)
        raise RuntimeError("the caller's transaction fails after the service returned")

    assert not Event.objects.exists()


def test_authorising_records_return_authorised_with_rma_and_return_by(order, customer):
    return_request = returns.authorise_return(return_request=request(order, customer), actor=None)

    [event] = recorded("return.authorised")
    assert event.payload["rma"] == return_request.rma
    assert event.payload["return_by"] == return_request.return_by.isoformat()
    assert event.payload["status"] == "authorised"
    assert_declared(event)


def test_a_refused_transition_records_nothing(order, customer):
    return_request = request(order, customer)
    returns.cancel_return(return_request=return_request, actor=None)

    with pytest.raises(TransitionRefused):
        returns.authorise_return(return_request=return_request, actor=None)

    assert recorded("return.authorised") == []
    [closed] = recorded("return.closed")
    assert closed.payload["close_reason"] == "withdrawn_by_buyer"
    assert_declared(closed)


def test_denying_records_return_closed(order, customer):
    returns.deny_return(
        return_request=request(order, customer), actor=None, reason="other", message="Not in our policy."
    )

    [event] = recorded("return.closed")
    assert (event.payload["status"], event.payload["close_reason"]) == ("closed", "denied_by_seller")


def test_a_full_refund_records_refund_issued_then_return_closed(order, customer):
    return_request = returns.authorise_return(return_request=request(order, customer), actor=None)

    paid = order.items.get().unit_price
    refund = returns.issue_refund(
        return_request=return_request, actor=None, idempotency_key="k1", amount=paid
    )
    # The same request again (a double click) is the same refund: no second event.
    returns.issue_refund(return_request=return_request, actor=None, idempotency_key="k1", amount=paid)

    [issued] = recorded("refund.issued")
    assert issued.payload["refund_id"] == refund.pk
    assert (issued.payload["amount"], issued.payload["currency"]) == (str(refund.amount), "GBP")
    assert issued.payload["return_id"] == return_request.pk
    assert_declared(issued)
    [closed] = recorded("return.closed")
    assert closed.payload["close_reason"] == "refunded"
    assert issued.pk < closed.pk


def test_a_claim_filed_then_granted_records_filed_refund_and_decided(order, customer):
    staff = factories.UserFactory(is_staff=True)
    claim = returns.file_claim(order=order, customer=customer, reason="not_received", body="It never came.")
    [filed] = recorded("claim.filed")
    assert filed.payload["claim_id"] == claim.pk
    assert_declared(filed)

    returns.grant_claim(claim=claim, staff=staff, note="No proof of delivery.")

    [refund] = recorded("refund.issued")
    assert (refund.payload["claim_id"], refund.payload["return_id"]) == (claim.pk, None)
    [decided] = recorded("claim.decided")
    assert (decided.payload["status"], Decimal(decided.payload["refund_amount"])) == ("granted", order.total)
    assert_declared(decided)


def test_a_denied_claim_records_claim_decided(order, customer):
    claim = returns.file_claim(order=order, customer=customer, reason="not_received", body="It never came.")
    returns.deny_claim(claim=claim, staff=factories.UserFactory(is_staff=True), note="Signed for.")

    [decided] = recorded("claim.decided")
    assert decided.payload["status"] == "denied"


def test_a_buyer_message_records_message_received_with_the_masked_address(seller, customer, order):
    customer.user.email = BUYER_REAL
    customer.user.save()
    message = messaging.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")

    [event] = recorded("message.received")
    assert event.payload["message_id"] == message.pk
    assert event.payload["buyer_address"] == message.thread.buyer_alias.address
    assert event.payload["buyer_address"].endswith(".sellercentral.test")
    assert event.payload["needs_response"] is True
    assert_declared(event)


def test_a_seller_reply_records_no_message_event(order):
    message = messaging.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")
    messaging.reply_to_thread(thread=message.thread, body="Yes, it is.")

    assert [event.type for event in Event.objects.all()] == ["message.received"]


def test_the_24_hour_sweep_records_message_overdue_once(order):
    message = messaging.contact_seller(order=order, subject="enquiry", body="Is it Class 10?")

    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert deadlines.mark_overdue_messages() == 1
        assert deadlines.mark_overdue_messages() == 0

    [event] = recorded("message.overdue")
    assert event.payload["message_id"] == message.pk
    assert abs(parse_datetime(event.payload["overdue_at"]) - event.occurred_at) < timedelta(milliseconds=1)
    assert_declared(event)
