"""Gift returns (docs/returns.md): only a gift order, only with the gift receipt number from its
packing slip; gift credit to the recipient; the buyer never learns the recipient's reason; one
pool of units per order line for the buyer and the recipient."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from messaging.models import Message
from returns import automation, services
from returns.models import Refund, ReturnRequest

from .. import factories
from ..api_errors import fields_in_error

pytestmark = pytest.mark.django_db
RECEIPT = "GR7K-M4QD-9XWP"


@pytest.fixture
def gift(order):
    """Luca's order (2 Kingston cards, 1 cable), bought as a gift for Gift Recipient."""
    order.is_gift, order.gift_receipt_number, order.recipient_name = True, RECEIPT, "Gift Recipient"
    order.save(update_fields=["is_gift", "gift_receipt_number", "recipient_name"])
    return order


@pytest.fixture
def recipient():
    return factories.CustomerFactory(name="Gift Recipient", email="recipient@buyers.example.com")


@pytest.fixture
def recipient_client(recipient) -> Client:
    client = Client()
    client.force_login(recipient.user)
    return client


@pytest.fixture
def recipient_api(recipient) -> APIClient:
    client = APIClient()
    client.force_authenticate(recipient.user)
    return client


def _find(client, order, receipt=RECEIPT):
    return client.post(reverse("returns:gift"), {"order_id": order.order_id, "gift_receipt_number": receipt})


def _api_gift_return(client, order, item, **extra):
    body = {"items": [{"order_item": item.pk, "quantity": 1, "reason": "unwanted"}], "gift": True, **extra}
    return client.post(f"/api/v1/buyer/orders/{order.order_id}/returns/", body, format="json")


def _gift_return(order, recipient, item, quantity=1, reason="unwanted", comment=""):
    request, warnings = services.request_return(
        order=order,
        customer=recipient,
        is_gift=True,
        gift_receipt_number=RECEIPT,
        items=[services.RequestedItem(item.pk, quantity, reason, comment)],
    )
    return request, warnings


# --- The gift door: a gift order and its gift receipt number --------------------------------
def test_an_order_not_bought_as_a_gift_never_goes_through_the_gift_door(
    order, card, recipient_client, recipient_api
):
    page = _find(recipient_client, order, receipt="ANY1-2345-6789")
    assert page.status_code == 400 and "couldn&#x27;t find a gift order" in page.content.decode()
    assert card.product.title not in page.content.decode()  # nothing of someone else's order shows
    items_page = recipient_client.get(reverse("returns:gift_items", args=[order.order_id]))
    assert items_page.status_code == 302 and card.product.title not in items_page.content.decode()
    refused = _api_gift_return(recipient_api, order, card, gift_receipt_number="ANY1-2345-6789")
    assert refused.status_code == 400 and "gift_receipt_number" in refused.json()
    assert not ReturnRequest.objects.exists()


def test_the_gift_door_wants_the_gift_receipt_number_printed_on_the_packing_slip(
    gift, card, recipient, recipient_client, recipient_api
):
    assert _find(recipient_client, gift, receipt="").status_code == 400
    wrong = _find(recipient_client, gift, receipt="GR7K-M4QD-9XWQ")
    assert wrong.status_code == 400 and "couldn&#x27;t find a gift order" in wrong.content.decode()
    # Without the number the items page sends the recipient back to the gift door.
    assert recipient_client.get(reverse("returns:gift_items", args=[gift.order_id]))["Location"].startswith(
        reverse("returns:gift")
    )
    missing = _api_gift_return(recipient_api, gift, card)
    assert missing.status_code == 400 and fields_in_error(missing) == {"gift_receipt_number"}
    wrong_api = _api_gift_return(recipient_api, gift, card, gift_receipt_number="GR7K-M4QD-9XWQ")
    assert wrong_api.status_code == 400 and fields_in_error(wrong_api) == {"gift_receipt_number"}
    with pytest.raises(ValidationError) as refused:
        services.request_return(
            order=gift,
            customer=recipient,
            is_gift=True,
            items=[services.RequestedItem(card.pk, 1, "unwanted")],
        )
    assert set(refused.value.message_dict) == {"gift_receipt_number"}
    assert not ReturnRequest.objects.exists()


def test_an_unknown_order_number_is_the_same_400_as_a_wrong_receipt_number(gift, card, recipient_api):
    unknown = recipient_api.post(
        "/api/v1/buyer/orders/999-9999999-9999999/returns/",
        {"items": [{"order_item": card.pk, "quantity": 1, "reason": "unwanted"}], "gift": True,
         "gift_receipt_number": RECEIPT},
        format="json",
    )  # fmt: skip
    wrong = _api_gift_return(recipient_api, gift, card, gift_receipt_number="AAAA-BBBB-CCCC")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())


def test_the_buyer_returns_their_own_gift_order_through_return_items_not_the_gift_door(
    gift, card, buyer_client
):
    refused = _find(buyer_client, gift)
    assert refused.status_code == 400 and "You bought this order" in refused.content.decode()
    assert buyer_client.get(reverse("returns:return_items", args=[gift.order_id])).status_code == 200


# --- The recipient's return and its gift credit ---------------------------------------------
def test_a_recipient_returns_a_gift_with_both_numbers_and_is_refunded_in_gift_credit(
    gift, card, recipient, recipient_client, seller_account_user, customer, on_commit
):
    found = _find(recipient_client, gift, receipt=" gr7k-m4qd 9xwp ")  # typed as read off the slip
    items_url = reverse("returns:gift_items", args=[gift.order_id])
    assert found["Location"] == items_url
    response = on_commit(
        recipient_client.post,
        items_url,
        {f"item-{card.pk}-reason": "unwanted", f"item-{card.pk}-quantity": "1"},
    )
    request = ReturnRequest.objects.get()
    assert response["Location"] == reverse("returns:pending", args=[request.pk])
    assert (request.is_gift, request.customer) == (True, recipient)
    services.authorise_return(return_request=request, actor=seller_account_user)
    mail.outbox.clear()
    refund = on_commit(
        services.issue_refund,
        return_request=request, actor=seller_account_user, idempotency_key="gift", amount="6.49",
    )  # fmt: skip
    assert refund.destination == Refund.Destination.GIFT_CREDIT
    assert {tuple(m.to) for m in mail.outbox} == {(recipient.email,)}  # not the buyer
    assert any("refunded £6.49 as gift credit" in m.body for m in mail.outbox)


def test_the_buyer_is_not_told_the_reason_the_recipient_gave(
    gift, card, recipient, customer, buyer_client, seller, seller_account_user, on_commit
):
    reason, comment = "No longer needed/wanted", "Already have one from my aunt"
    services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "policy"}
    )
    request, _ = on_commit(_gift_return, gift, recipient, card, reason="unwanted", comment=comment)
    on_commit(
        services.issue_refund,
        return_request=request, actor=seller_account_user, idempotency_key="gift", amount="6.49",
    )  # fmt: skip
    # The seller has the reason; the recipient is written to.
    assert ReturnRequest.objects.get(pk=request.pk).items.get().reason == "unwanted"
    assert recipient.email in {address for m in mail.outbox for address in m.to}
    # The buyer: no e-mail, nothing in the order's thread, their pages and API show nothing.
    assert customer.email not in {address for m in mail.outbox for address in m.to}
    assert not Message.objects.filter(thread__order=gift).exists()
    buyer_api = APIClient()
    buyer_api.force_authenticate(customer.user)
    seen = [
        buyer_client.get(reverse("messaging:order_messages", args=[gift.order_id])).content.decode(),
        buyer_client.get(reverse("returns:your_returns")).content.decode(),
        buyer_client.get(reverse("storefront:order", args=[gift.order_id])).content.decode(),
        buyer_api.get("/api/v1/buyer/returns/").content.decode(),
        buyer_api.get("/api/v1/buyer/orders/").content.decode(),
    ]
    for page in seen:
        assert reason not in page and comment not in page and "gift credit" not in page


# --- One pool of units per order line ---------------------------------------------------------
def test_the_buyer_and_the_recipient_return_from_one_pool_per_order_line(
    gift, card, recipient, recipient_client, customer, seller_account_user
):
    buyer_api = APIClient()
    buyer_api.force_authenticate(customer.user)

    def left_for_the_buyer() -> int:
        items = buyer_api.get("/api/v1/buyer/orders/").json()["results"][0]["items"]
        return next(item["returnable_quantity"] for item in items if item["id"] == card.pk)

    # The recipient's authorised return of one card leaves one for the buyer.
    given, warnings = _gift_return(gift, recipient, card)
    assert warnings == []
    services.authorise_return(return_request=given, actor=seller_account_user)
    assert left_for_the_buyer() == 1
    # The buyer's open request for it is theirs alone: the recipient is not warned of it...
    bought, _ = services.request_return(
        order=gift, customer=customer, items=[services.RequestedItem(card.pk, 1, "defective")]
    )
    _, warnings = _gift_return(gift, recipient, card)
    assert warnings == []
    # ...and once it is authorised, nothing is left for either of them.
    services.authorise_return(return_request=bought, actor=seller_account_user)
    assert left_for_the_buyer() == 0
    with pytest.raises(ValidationError, match="Nothing of this item is left to return"):
        _gift_return(gift, recipient, card)
    _find(recipient_client, gift)
    page = recipient_client.get(reverse("returns:gift_items", args=[gift.order_id])).content.decode()
    assert "This item has already been returned or is on its way back." in page


def test_the_last_unit_goes_to_whichever_request_is_authorised_first(
    gift, card, recipient, customer, seller_account_user
):
    given, _ = _gift_return(gift, recipient, card)
    services.authorise_return(return_request=given, actor=seller_account_user)
    services.update_return_settings(
        seller=gift.seller, email_quick_links=False, return_window_days=30, rules={"uk": "all"}
    )
    # Both ask for the last card (their automatic rules have not run yet).
    bought, _ = services.request_return(
        order=gift, customer=customer, items=[services.RequestedItem(card.pk, 1, "defective")]
    )
    another, _ = _gift_return(gift, recipient, card)
    services.authorise_return(return_request=bought, actor=seller_account_user)
    assert automation.apply_return_rule(return_request_id=another.pk) == "waiting for the seller"
    with pytest.raises(services.TransitionRefused, match="already being returned"):
        services.authorise_return(return_request=another, actor=seller_account_user)
    assert ReturnRequest.objects.get(pk=another.pk).rma is None
