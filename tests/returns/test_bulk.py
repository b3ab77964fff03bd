"""Manage Returns' bulk bar: "Authorise selected" and "Deny selected", a confirmation, then a
result per request; each request decided by the single action's guarded service."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from returns import policy, services
from returns.models import ReturnAddress, ReturnEvent, ReturnRequest, ReturnStatus
from returns.services import BulkAction, BulkOutcome

from .. import factories

pytestmark = pytest.mark.django_db

BULK = reverse("returns:bulk")
DENIAL = {"reason": "outside_window", "message": "Requested after the 30-day window."}


@pytest.fixture
def new_request(seller, customer, order):  # ``order``: the seller's default return address too
    """A waiting request on an order of its own (its units free whatever the others do)."""

    def make() -> ReturnRequest:
        order = factories.order_with_items(seller=seller, customer=customer)
        item = order.items.get()
        request, _ = services.request_return(
            order=order, customer=customer, items=[services.RequestedItem(item.pk, 1, "unwanted")]
        )
        return request

    return make


def statuses(*requests) -> list[str]:
    return [ReturnRequest.objects.get(pk=r.pk).status for r in requests]


def test_bulk_authorise_decides_each_request_alone(
    new_request, seller, seller_account_user, django_capture_on_commit_callbacks
):
    # Given two waiting requests, one already authorised and one the buyer withdrew
    waiting = [new_request() for _ in range(2)]
    authorised = services.authorise_return(return_request=new_request(), actor=seller_account_user)
    withdrawn = services.cancel_return(return_request=new_request(), actor=None)
    mail.outbox.clear()
    # When the seller authorises all four at once
    with django_capture_on_commit_callbacks(execute=True):
        results = services.decide_in_bulk(
            seller=seller,
            actor=seller_account_user,
            ids=[r.pk for r in [*waiting, authorised, withdrawn]],
            action=BulkAction.AUTHORISE,
        )
    # Then the waiting ones are authorised (each with its RMA and its buyer's e-mail) and the
    # others are refused with the state machine's reason, unchanged
    outcomes = {result.return_request.pk: result for result in results}
    assert [outcomes[r.pk].outcome for r in waiting] == [BulkOutcome.AUTHORISED] * 2
    assert all(outcomes[r.pk].return_request.rma for r in waiting)
    refused = [outcomes[authorised.pk], outcomes[withdrawn.pk]]
    assert [r.outcome for r in refused] == [BulkOutcome.REFUSED] * 2
    assert all(r.reason == "Only a request waiting for authorisation can be authorised." for r in refused)
    assert statuses(*waiting, authorised, withdrawn) == ["authorised", "authorised", "authorised", "closed"]
    # The buyers of the authorised requests are e-mailed their RMA; nobody about the others
    for r in waiting:
        assert any(outcomes[r.pk].return_request.rma in m.body for m in mail.outbox)
    refused_orders = {authorised.order.order_id, withdrawn.order.order_id}
    assert not [m.subject for m in mail.outbox if any(o in m.subject + m.body for o in refused_orders)]
    assert ReturnEvent.objects.filter(event="authorise", actor=seller_account_user).count() == 3


def test_a_refused_request_does_not_undo_the_others(make_request, seller, seller_account_user):
    # Given two requests for both units of the same card: only one can be authorised
    first, second = make_request(quantity=2), make_request(quantity=2)
    results = services.decide_in_bulk(
        seller=seller, actor=seller_account_user, ids=[first.pk, second.pk], action=BulkAction.AUTHORISE
    )
    assert [r.outcome for r in results] == [BulkOutcome.AUTHORISED, BulkOutcome.REFUSED]
    assert "already being returned" in results[1].reason
    assert statuses(first, second) == ["authorised", "authorisation_required"]


def test_without_a_return_address_each_request_is_refused_with_the_reason(
    make_request, seller, seller_account_user
):
    request = make_request()
    ReturnAddress.objects.filter(seller=seller).delete()
    [result] = services.decide_in_bulk(
        seller=seller, actor=seller_account_user, ids=[request.pk], action=BulkAction.AUTHORISE
    )
    assert result.outcome == BulkOutcome.REFUSED and "Set up a return address" in result.reason
    assert statuses(request) == ["authorisation_required"]


def test_bulk_deny_uses_one_reason_and_message_for_each(make_request, seller, seller_account_user):
    requests = [make_request() for _ in range(3)]
    results = services.decide_in_bulk(
        seller=seller,
        actor=seller_account_user,
        ids=[r.pk for r in requests],
        action=BulkAction.DENY,
        **DENIAL,
    )
    assert [r.outcome for r in results] == [BulkOutcome.DENIED] * 3
    for denied in ReturnRequest.objects.filter(pk__in=[r.pk for r in requests]):
        assert (denied.status, denied.close_reason, denied.deny_reason) == (
            "closed",
            "denied_by_seller",
            "outside_window",
        )
        assert denied.deny_message == DENIAL["message"]


@pytest.mark.parametrize(
    "denial, field",
    [
        ({"reason": "", "message": "No."}, "reason"),
        ({"reason": "not_a_reason", "message": "No."}, "reason"),
        ({"reason": "other", "message": "   "}, "message"),
        ({"reason": "other", "message": "x" * (policy.MAX_DENY_MESSAGE_CHARS + 1)}, "message"),
    ],
)
def test_a_bad_denial_denies_none(make_request, seller, seller_account_user, denial, field):
    requests = [make_request() for _ in range(2)]
    with pytest.raises(ValidationError) as refused:
        services.decide_in_bulk(
            seller=seller,
            actor=seller_account_user,
            ids=[r.pk for r in requests],
            action=BulkAction.DENY,
            **denial,
        )
    assert field in refused.value.message_dict
    assert statuses(*requests) == ["authorisation_required"] * 2


def test_another_sellers_request_refuses_the_whole_selection(make_request, seller, seller_account_user):
    mine = make_request()
    theirs = factories.ReturnRequestFactory(currency="GBP")
    with pytest.raises(ValidationError, match="not among yours"):
        services.decide_in_bulk(
            seller=seller, actor=seller_account_user, ids=[mine.pk, theirs.pk], action=BulkAction.AUTHORISE
        )
    assert statuses(mine, theirs) == ["authorisation_required"] * 2


def test_the_selection_is_capped_and_not_empty(seller, seller_account_user):
    with pytest.raises(ValidationError, match=f"at most {policy.MAX_BULK_DECISIONS}"):
        services.selected_returns(seller=seller, ids=range(1, policy.MAX_BULK_DECISIONS + 2))
    with pytest.raises(ValidationError, match="Select at least one"):
        services.selected_returns(seller=seller, ids=[])


# --- The pages ----------------------------------------------------------------------------------
def test_manage_returns_offers_a_checkbox_only_where_a_decision_is_possible(
    make_request, seller_client, seller_account_user
):
    waiting = make_request()
    authorised = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    html = seller_client.get("/seller/returns/").content.decode()
    assert f'id="select-{waiting.pk}" name="ids" value="{waiting.pk}" form="bulk-returns"' in html
    assert f'id="select-{authorised.pk}"' not in html
    assert f'name="page_ids" value="{waiting.pk}"' in html
    assert f'name="page_ids" value="{authorised.pk}"' not in html
    assert "Select all on this page" in html and "Authorise selected" in html and "Deny selected" in html


def test_the_bulk_bar_is_hidden_when_nothing_can_be_decided(make_request, seller_client, seller_account_user):
    services.authorise_return(return_request=make_request(), actor=seller_account_user)
    html = seller_client.get("/seller/returns/").content.decode()
    assert 'id="bulk-returns"' not in html


def test_the_seller_confirms_before_anything_changes_then_sees_each_result(
    new_request, seller_client, on_commit
):
    waiting = new_request()
    closed = services.cancel_return(return_request=new_request(), actor=None)
    mail.outbox.clear()
    selection = {"action": "authorise", "ids": [waiting.pk, closed.pk]}
    # The confirmation lists what will be done; nothing has changed yet
    confirm = seller_client.post(BULK, selection)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "1 request will be authorised" in page and "Will be authorised" in page
    assert "Left as it is" in page and "Authorise 1 request" in page
    assert statuses(waiting, closed) == ["authorisation_required", "closed"]
    # Confirmed: a result per row, the e-mails sent on commit
    done = on_commit(seller_client.post, BULK, {**selection, "confirmed": "yes"})
    results = done.content.decode()
    assert done.status_code == 200
    assert f'id="result-{waiting.pk}" class="bulk-result bulk-result--authorised"' in results
    assert f'id="result-{closed.pk}" class="bulk-result bulk-result--refused"' in results
    assert ReturnRequest.objects.get(pk=waiting.pk).rma in results
    sent = len(mail.outbox)
    assert sent >= 1
    # The same form sent again (a double click, a reload) decides nothing twice
    again = on_commit(seller_client.post, BULK, {**selection, "confirmed": "yes"})
    assert f'id="result-{waiting.pk}" class="bulk-result bulk-result--refused"' in again.content.decode()
    assert len(mail.outbox) == sent
    assert ReturnEvent.objects.filter(return_request=waiting, event="authorise").count() == 1


def test_select_all_on_this_page_works_without_javascript(make_request, seller_client):
    requests = [make_request() for _ in range(3)]
    page_ids = [r.pk for r in requests]
    html = seller_client.post(
        BULK, {"action": "deny", "all_on_page": "1", "page_ids": page_ids}
    ).content.decode()
    assert "3 requests will be denied" in html
    assert all(f'name="ids" value="{pk}"' in html for pk in page_ids)


def test_bulk_deny_asks_for_the_reason_and_message_of_the_single_deny_form(make_request, seller_client):
    requests = [make_request() for _ in range(2)]
    selection = {"action": "deny", "ids": [r.pk for r in requests]}
    confirm = seller_client.post(BULK, selection).content.decode()
    assert "Deny Reason" in confirm and "Message to Buyer" in confirm
    assert f'data-counter="{policy.MAX_DENY_MESSAGE_CHARS}"' in confirm
    too_long = {**selection, "confirmed": "yes", "reason": "other", "message": "x" * 3001}
    response = seller_client.post(BULK, too_long)
    assert response.status_code == 400
    assert "at most 3000 characters" in response.content.decode()
    assert statuses(*requests) == ["authorisation_required"] * 2
    done = seller_client.post(BULK, {**selection, "confirmed": "yes", **DENIAL})
    assert done.content.decode().count("bulk-result--denied") == 2
    assert statuses(*requests) == ["closed"] * 2


@pytest.mark.parametrize(
    "post, says",
    [
        ({"action": "authorise"}, "Select at least one return request."),
        ({"action": "refund", "ids": ["1"]}, "Select a valid choice."),
        ({"action": "authorise", "ids": ["one"]}, "Enter a whole number."),
    ],
)
def test_a_bad_selection_is_refused_on_the_page(seller_client, post, says):
    response = seller_client.post(BULK, post)
    assert response.status_code == 400
    assert "Nothing was done" in response.content.decode() and says in response.content.decode()


def test_another_sellers_id_is_refused_as_a_whole_on_the_page(make_request, seller_client):
    mine = make_request()
    theirs = factories.ReturnRequestFactory(currency="GBP")
    response = seller_client.post(
        BULK, {"action": "authorise", "ids": [mine.pk, theirs.pk], "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert "not among yours: nothing was done" in response.content.decode()
    assert statuses(mine, theirs) == ["authorisation_required"] * 2


def test_more_than_the_cap_is_refused_on_the_page(seller_client):
    ids = list(range(1, policy.MAX_BULK_DECISIONS + 2))
    response = seller_client.post(BULK, {"action": "authorise", "ids": ids})
    assert response.status_code == 400
    assert f"at most {policy.MAX_BULK_DECISIONS} return requests" in response.content.decode()


def test_bulk_needs_a_post(seller_client):
    assert seller_client.get(BULK).status_code == 405


def test_the_confirmation_runs_in_constant_queries(
    order, customer, card, seller_client, django_assert_max_num_queries
):
    def add(n):
        return [
            services.request_return(
                order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
            )[0].pk
            for _ in range(n)
        ]

    few, many = add(2), add(10)
    # session, user, seller, the selected requests (joined), their items, their history; + the menu's badges
    with django_assert_max_num_queries(7):
        seller_client.post(BULK, {"action": "deny", "ids": few})
    with django_assert_max_num_queries(7):
        html = seller_client.post(BULK, {"action": "deny", "ids": many}).content.decode()
    assert "12 requests" not in html and "10 requests will be denied" in html
    assert ReturnRequest.objects.filter(status=ReturnStatus.AUTHORISATION_REQUIRED).count() == 12
