"""The buyer's page after submitting a return: the label at once when the seller's rule
authorises it, the pending text otherwise, and a status that asks again in between."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from returns import automation, policy
from returns.models import MarketplaceReturnRule, ReturnRequest

pytestmark = pytest.mark.django_db


def _submit(buyer_client, order, card, on_commit=None):
    url = reverse("returns:return_items", args=[order.order_id])
    data = {f"item-{card.pk}-reason": "missing_parts", f"item-{card.pk}-quantity": "1"}
    response = on_commit(buyer_client.post, url, data) if on_commit else buyer_client.post(url, data)
    return response, ReturnRequest.objects.get()


def _rule(seller, order, rule):
    MarketplaceReturnRule.objects.create(seller=seller, marketplace=order.marketplace, rule=rule)


def test_an_auto_authorised_return_shows_its_label_straight_after_submitting(
    seller, order, card, buyer_client, on_commit
):
    # Given a seller who authorises every request automatically
    _rule(seller, order, "all")
    # When the buyer submits (the rule runs as the commit's task would)
    response, _ = _submit(buyer_client, order, card, on_commit)
    # Then the page they land on has the label, not "pending response from seller"
    page = buyer_client.get(response["Location"]).content.decode()
    request = ReturnRequest.objects.get()
    assert request.status == "authorised"
    assert "Print return label" in page and request.rma in page
    assert "within 48 hours" not in page and "data-poll" not in page


def test_while_the_rule_is_on_its_way_the_status_asks_again_and_then_shows_the_label(
    seller, order, card, buyer_client
):
    # Given an automatic rule whose task has not run yet (nothing committed in this test)
    _rule(seller, order, "all")
    response, request = _submit(buyer_client, order, card)
    # When the buyer's page opens
    page = buyer_client.get(response["Location"]).content.decode()
    status_url = reverse("returns:pending_status", args=[request.pk])
    # Then it checks again (no "48 hours" yet), with a link for a browser without scripts
    assert f'data-poll="{status_url}"' in page and 'data-poll-every="1000"' in page
    assert "within 48 hours" not in page and "Check again" in page
    # When the rule runs, the status fragment has the label and stops asking
    assert automation.apply_return_rule(return_request_id=request.pk) == "authorised"
    answer = buyer_client.get(status_url)
    assert "no-cache" in answer["Cache-Control"]
    fragment = answer.content.decode()
    assert fragment.lstrip().startswith('<div id="return-status"')
    assert "Print return label" in fragment and "data-poll" not in fragment


def test_a_manual_rule_shows_the_pending_text_at_once(order, card, buyer_client):
    response, _ = _submit(buyer_client, order, card)
    page = buyer_client.get(response["Location"]).content.decode()
    assert "typically within 48 hours" in page and "data-poll" not in page


def test_a_request_outside_policy_does_not_wait_for_the_policy_rule(seller, order, card, buyer_client):
    _rule(seller, order, "policy")
    order.placed_at = timezone.now() - timedelta(days=60)  # outside the 30-day window
    order.save(update_fields=["placed_at"])
    response, _ = _submit(buyer_client, order, card)
    assert "within 48 hours" in buyer_client.get(response["Location"]).content.decode()


def test_the_status_settles_for_the_pending_text_when_the_rule_is_late(seller, order, card, buyer_client):
    _rule(seller, order, "all")
    _, request = _submit(buyer_client, order, card)
    with time_machine.travel(timezone.now() + policy.RULE_CHECK_FOR + timedelta(seconds=1)):
        fragment = buyer_client.get(reverse("returns:pending_status", args=[request.pk])).content.decode()
    assert "typically within 48 hours" in fragment and "data-poll" not in fragment


def test_another_buyers_status_is_404(make_request, order):
    from django.test import Client

    from .. import factories

    request = make_request()
    other = Client()
    other.force_login(factories.CustomerFactory().user)
    assert other.get(reverse("returns:pending_status", args=[request.pk])).status_code == 404


def test_the_page_script_polls_the_boxes_that_ask():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "app.js").read_text()
    assert "[data-poll]" in script and "data-poll-every" in script
