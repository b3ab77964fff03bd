"""What of returns waits for the seller: requests to authorise, A-to-z claims to answer."""

import pytest
from django.utils import timezone

from returns import selectors
from returns.models import Claim, CloseReason, ReturnStatus

from .. import factories

pytestmark = pytest.mark.django_db


def test_requests_awaiting_authorisation_are_manage_returns_filter(seller):
    waiting = factories.ReturnRequestFactory(order__seller=seller)
    factories.ReturnRequestFactory(order__seller=seller, status=ReturnStatus.AUTHORISED)
    factories.ReturnRequestFactory(
        order__seller=seller, status=ReturnStatus.CLOSED, close_reason=CloseReason.WITHDRAWN_BY_BUYER
    )
    factories.ReturnRequestFactory()  # another seller's

    assert list(selectors.awaiting_authorisation(seller)) == [waiting]
    listed = selectors.returns_for_seller(seller, status=selectors.AWAITING_AUTHORISATION)
    assert list(listed) == [waiting]


def test_a_claim_to_answer_is_open_and_not_yet_answered(seller):
    to_answer = factories.ClaimFactory(order__seller=seller)
    factories.ClaimFactory(order__seller=seller, seller_response="Sent", seller_responded_at=timezone.now())
    factories.ClaimFactory(order__seller=seller, status=Claim.Status.DENIED)

    assert list(selectors.claims_to_answer(seller)) == [to_answer]
    assert list(selectors.claims_for_seller(seller, to_answer=True)) == [to_answer]
    assert selectors.claims_for_seller(seller).count() == 3


def test_the_claims_page_lists_only_the_claims_to_answer_when_asked(seller, seller_client):
    factories.ClaimFactory(order__seller=seller, body="Please answer me")
    factories.ClaimFactory(order__seller=seller, body="Already answered", seller_responded_at=timezone.now())

    html = seller_client.get("/seller/returns/claims/?show=to_answer").content.decode()
    assert "Please answer me" in html and "Already answered" not in html
    assert 'href="/seller/returns/claims/?show=to_answer" aria-current="page"' in html


def test_with_no_claim_to_answer_the_filtered_page_says_so(seller_client):
    html = seller_client.get("/seller/returns/claims/?show=to_answer").content.decode()
    assert "No claims waiting for your response." in html
