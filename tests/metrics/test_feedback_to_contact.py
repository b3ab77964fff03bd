"""Negative feedback to contact the buyer about: the Feedback Manager's filter and the home's to-do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics import selectors
from metrics.policy import FEEDBACK_EDITABLE_DAYS

from .. import factories

pytestmark = pytest.mark.django_db


def test_negative_feedback_the_buyer_can_still_change_is_to_contact(seller):
    now = timezone.now()
    one_star = factories.OrderFeedbackFactory(order__seller=seller, rating=1)
    two_stars = factories.OrderFeedbackFactory(order__seller=seller, rating=2)
    factories.OrderFeedbackFactory(order__seller=seller, rating=3)
    factories.OrderFeedbackFactory(
        order__seller=seller, rating=1, left_at=now - timedelta(days=FEEDBACK_EDITABLE_DAYS + 1)
    )
    factories.OrderFeedbackFactory(rating=1)  # another seller's

    assert set(selectors.feedback_to_contact(seller, now=now)) == {one_star, two_stars}
    assert set(selectors.feedback_for_seller(seller, to_contact=True)) == {one_star, two_stars}
    assert selectors.feedback_for_seller(seller).count() == 4


def test_the_feedback_manager_lists_the_feedback_to_contact_when_asked(seller, seller_client):
    factories.OrderFeedbackFactory(order__seller=seller, rating=1, comment="Broken on arrival")
    factories.OrderFeedbackFactory(order__seller=seller, rating=5, comment="Lovely")

    html = seller_client.get("/seller/performance/feedback/?show=to_contact").content.decode()
    assert "Broken on arrival" in html and "Lovely" not in html
    assert "Contact buyer" in html
