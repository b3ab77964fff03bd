"""Every transition of the state table of docs/returns.md, and every refused one."""

import pytest
from django.core import mail

from messaging.models import Message
from returns import services
from returns.models import ReturnEvent, ReturnRequest
from returns.states import OPEN, SELLER_ACTIONS, TRANSITIONS, Event

pytestmark = pytest.mark.django_db


def _status(request):
    request = ReturnRequest.objects.get(pk=request.pk)
    return request.status, request.close_reason


def test_a_request_waits_for_the_seller_and_both_sides_are_told(make_request, on_commit, customer, order):
    request = on_commit(make_request)
    assert _status(request) == ("authorisation_required", "")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [customer.email, "returns@test-uk-seller.example.net"]
    )
    assert any("typically within 48 hours" in m.body for m in mail.outbox)
    system = Message.objects.get(is_system=True)
    assert system.subject.startswith("Return requested") and not system.needs_response
    assert list(request.history.values_list("event", "to_status")) == [
        ("requested", "authorisation_required")
    ]


def test_authorise_gives_an_rma_a_return_by_date_and_the_address(
    make_request, seller_account_user, on_commit, customer
):
    request = make_request()
    mail.outbox.clear()
    request = on_commit(services.authorise_return, return_request=request, actor=seller_account_user)
    assert _status(request) == ("authorised", "")
    assert request.rma.endswith("RRMA") and len(request.rma) == 12
    assert (request.return_by - request.authorised_at.date()).days == 30
    assert request.return_address["postcode"] == "WC2A 2HD"
    [to_buyer] = mail.outbox
    assert to_buyer.to == [customer.email] and request.rma in to_buyer.body and "/label/" in to_buyer.body
    event = request.history.last()
    assert (event.event, event.actor, event.from_status, event.to_status) == (
        "authorise",
        seller_account_user,
        "authorisation_required",
        "authorised",
    )


def test_rmas_are_unique_and_unguessable(order, customer, card, seller_account_user):
    rmas = set()
    for _ in range(20):
        request, _ = services.request_return(
            order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
        )
        rmas.add(services.authorise_return(return_request=request, actor=seller_account_user).rma)
        services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key="k", amount="0.01"
        )
        ReturnRequest.objects.filter(pk=request.pk).update(
            status="closed", close_reason="expired"
        )  # free the item
    assert len(rmas) == 20
    assert len({rma[:8] for rma in rmas}) == 20


def test_deny_closes_as_denied_by_seller_and_tells_the_buyer(
    make_request, seller_account_user, on_commit, customer
):
    request = make_request()
    mail.outbox.clear()
    request = on_commit(
        services.deny_return,
        return_request=request,
        actor=seller_account_user,
        reason="media_opened",
        message="Opened.",
    )
    assert _status(request) == ("closed", "denied_by_seller")
    assert request.status_label == "Closed · Denied by seller"
    [to_buyer] = mail.outbox
    assert "Media or software has been opened" in to_buyer.body and "Opened." in to_buyer.body


def test_cancel_closes_as_withdrawn_by_buyer_and_tells_the_seller(make_request, customer, on_commit):
    request = make_request()
    mail.outbox.clear()
    request = on_commit(services.cancel_return, return_request=request, actor=customer.user)
    assert _status(request) == ("closed", "withdrawn_by_buyer")
    assert [m.to for m in mail.outbox] == [["returns@test-uk-seller.example.net"]]


def test_not_authorised_requests_can_still_be_authorised_or_denied(make_request, seller_account_user):
    request = make_request()
    ReturnRequest.objects.filter(pk=request.pk).update(status="not_authorised")
    assert services.authorise_return(return_request=request, actor=seller_account_user).status == "authorised"


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ("authorise", "deny", "Only a request waiting for authorisation can be denied."),
        ("deny", "authorise", "Only a request waiting for authorisation can be authorised."),
        ("authorise", "cancel", "can no longer be cancelled"),
        ("deny", "cancel", "can no longer be cancelled"),
        ("cancel", "authorise", "Only a request waiting for authorisation can be authorised."),
        ("cancel", "deny", "Only a request waiting for authorisation can be denied."),
        ("authorise", "authorise", "Only a request waiting for authorisation can be authorised."),
    ],
)
def test_refused_events_change_nothing(make_request, seller_account_user, customer, setup, action, message):
    request = make_request()
    actions = {
        "authorise": lambda: services.authorise_return(return_request=request, actor=seller_account_user),
        "deny": lambda: services.deny_return(
            return_request=request, actor=seller_account_user, reason="other", message="No"
        ),
        "cancel": lambda: services.cancel_return(return_request=request, actor=customer.user),
    }
    actions[setup]()
    before = (_status(request), ReturnEvent.objects.count(), ReturnRequest.objects.get(pk=request.pk).rma)
    with pytest.raises(services.TransitionRefused, match=message):
        actions[action]()
    assert (
        _status(request),
        ReturnEvent.objects.count(),
        ReturnRequest.objects.get(pk=request.pk).rma,
    ) == before


def test_the_table_matches_the_spec():
    """Read beside docs/returns.md: sources and targets of every event."""
    assert (
        TRANSITIONS[Event.AUTHORISE].sources == OPEN and TRANSITIONS[Event.AUTHORISE].target == "authorised"
    )
    assert (TRANSITIONS[Event.DENY].target, TRANSITIONS[Event.DENY].close_reason) == (
        "closed",
        "denied_by_seller",
    )
    assert (TRANSITIONS[Event.CANCEL].target, TRANSITIONS[Event.CANCEL].close_reason) == (
        "closed",
        "withdrawn_by_buyer",
    )
    assert TRANSITIONS[Event.FIND_OUTSIDE_POLICY].sources == {"authorisation_required"}
    assert TRANSITIONS[Event.EXPIRE].sources == {"authorised"}
    assert TRANSITIONS[Event.EXPIRE_WITHOUT_ACTION].close_reason == "expired_without_action"
    assert SELLER_ACTIONS["authorisation_required"] == ["authorise", "deny", "refund", "contact_buyer"]
    assert SELLER_ACTIONS["closed"] == ["refund", "contact_buyer"]


def test_authorising_without_any_return_address_asks_for_one(make_request, seller_account_user, seller):
    seller.return_addresses.all().delete()
    request = make_request()
    with pytest.raises(Exception, match="Set up a return address"):
        services.authorise_return(return_request=request, actor=seller_account_user)
    assert _status(request) == ("authorisation_required", "")


def test_a_marketplace_exception_wins_over_the_default(make_request, seller_account_user, seller):
    from tests.factories import marketplace

    from .conftest import ADDRESS

    services.save_return_address(
        seller=seller, marketplace=marketplace("uk"), data={**ADDRESS, "name": "UK returns desk"}
    )
    request = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    assert request.return_address["name"] == "UK returns desk"


def test_the_sellers_decisions_reach_the_thread_as_seller_centrals_never_the_buyers(
    make_request, seller_account_user, on_commit, customer
):
    request = make_request()
    on_commit(
        services.deny_return, return_request=request, actor=seller_account_user, reason="other", message="No"
    )
    posted = Message.objects.filter(is_system=True).order_by("id")
    assert [m.subject.split(" (")[0] for m in posted] == ["Return requested", "Return denied"]
    assert {(m.direction, m.sender_name) for m in posted} == {("system", "Seller Central")}
    assert not Message.objects.filter(direction="received").exists()
    assert customer.name not in {m.sender_name for m in posted}
