"""Returns only of orders whose items have left the seller: dispatched or delivered, never placed
(pending) or cancelled — on the buyer's pages, in the API and for the automatic rule."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from returns import automation, policy, services
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_api(customer) -> APIClient:
    client = APIClient()
    client.force_authenticate(customer.user)
    return client


def _set_status(order, status):
    order.status = status
    order.save(update_fields=["status"])


def _ask(order, customer, card):
    return services.request_return(
        order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
    )


@pytest.mark.parametrize(
    ("status", "returnable"),
    [("placed", False), ("dispatched", True), ("delivered", True), ("cancelled", False)],
)
def test_the_one_rule_dispatched_or_delivered(order, status, returnable):
    _set_status(order, status)
    assert policy.is_returnable(order) is returnable


@pytest.mark.parametrize("status", ["cancelled", "placed"])
def test_a_return_of_a_cancelled_or_pending_order_is_refused_and_nothing_changes(
    order, customer, card, status
):
    _set_status(order, status)
    with pytest.raises(ValidationError) as refused:
        _ask(order, customer, card)
    assert set(refused.value.message_dict) == {"order"}
    assert "only items of a dispatched or delivered order can be returned" in refused.value.messages[0]
    assert not ReturnRequest.objects.exists()


def test_a_dispatched_order_can_be_returned(order, customer, card):
    _set_status(order, "dispatched")
    request, _ = _ask(order, customer, card)
    assert request.status == "authorisation_required"


def test_the_api_refuses_a_return_of_a_cancelled_order_with_a_400(order, card, buyer_api):
    _set_status(order, "cancelled")
    response = buyer_api.post(
        f"/api/v1/buyer/orders/{order.order_id}/returns/",
        {"items": [{"order_item": card.pk, "quantity": 1, "reason": "unwanted"}]},
        format="json",
    )
    assert response.status_code == 400 and "order" in response.json()
    assert not ReturnRequest.objects.exists()


def test_the_api_lists_nothing_returnable_on_a_cancelled_order(order, buyer_api):
    _set_status(order, "cancelled")
    items = buyer_api.get("/api/v1/buyer/orders/").json()["results"][0]["items"]
    assert [item["returnable_quantity"] for item in items] == [0, 0]


def test_the_buyer_pages_offer_no_return_of_a_cancelled_order(order, card, buyer_client):
    _set_status(order, "cancelled")
    url = reverse("returns:return_items", args=[order.order_id])
    order_page = buyer_client.get(reverse("storefront:order", args=[order.order_id])).content.decode()
    assert f'href="{url}"' not in order_page
    page = buyer_client.get(url)
    assert page.status_code == 200 and "This order is cancelled" in page.content.decode()
    assert "Submit for approval" not in page.content.decode()
    posted = buyer_client.post(url, {f"item-{card.pk}-reason": "unwanted", f"item-{card.pk}-quantity": "1"})
    assert posted.status_code == 400 and not ReturnRequest.objects.exists()


@pytest.mark.parametrize("rule", ["all", "policy"])
def test_the_automatic_rule_does_not_authorise_a_return_once_the_order_is_cancelled(
    order, customer, card, seller, rule
):
    services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": rule}
    )
    request, _ = _ask(order, customer, card)  # its rule runs after commit: here, below
    _set_status(order, "cancelled")
    assert automation.apply_return_rule(return_request_id=request.pk) == "not authorised"
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.status, request.rma) == ("not_authorised", None)
    assert request.history.last().note.startswith("This order is cancelled")
