"""The seed's returns stories through the pages (server side; the browser stories come later)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from messaging.models import Thread
from returns import services
from returns.models import Refund, ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db


def test_the_buyer_requests_a_return_and_sees_the_pending_page(order, card, buyer_client, on_commit):
    order_page = buyer_client.get(reverse("storefront:order", args=[order.order_id])).content.decode()
    assert f'href="/orders/{order.order_id}/return/">Return items' in order_page
    assert "Returns Support Centre" in buyer_client.get("/returns/").content.decode()
    url = reverse("returns:return_items", args=[order.order_id])
    form = buyer_client.get(url).content.decode()
    assert "Missing parts or accessories" in form and "- select a reason -" in form
    assert "We aren&#x27;t able to offer policy exceptions" in form
    assert 'data-counter="200"' in form
    response = on_commit(
        buyer_client.post,
        url,
        {
            f"item-{card.pk}-reason": "missing_parts",
            f"item-{card.pk}-quantity": "1",
            f"item-{card.pk}-comment": "comment",
        },
    )
    request = ReturnRequest.objects.get()
    assert response["Location"] == reverse("returns:pending", args=[request.pk])
    pending = buyer_client.get(response["Location"]).content.decode()
    assert (
        "typically within 48 hours" in pending
        and "Reason for return: Missing parts or accessories" in pending
    )
    assert len(mail.outbox) == 2


def test_the_select_items_page_shows_field_errors(order, card, buyer_client):
    url = reverse("returns:return_items", args=[order.order_id])
    response = buyer_client.post(
        url,
        {
            f"item-{card.pk}-reason": "missing_parts",
            f"item-{card.pk}-quantity": "1",
            f"item-{card.pk}-comment": "x" * 201,
        },
    )
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    empty = buyer_client.post(url, {})
    assert "Select a reason for return for at least one item." in empty.content.decode()
    assert not ReturnRequest.objects.exists()


def test_your_returns_lists_the_last_two_months_with_their_actions(
    make_request, buyer_client, seller_account_user
):
    waiting = make_request()
    html = buyer_client.get("/returns/your-returns/").content.decode()
    assert "Seller has not yet responded" in html and "Cancel Return" in html and "Print Label" not in html
    assert "File an A-to-Z Claim" in html and "View Your E-mails with Seller" in html
    authorised = services.authorise_return(return_request=waiting, actor=seller_account_user)
    html = buyer_client.get("/returns/your-returns/").content.decode()
    assert "Print Label" in html and "Cancel Return" not in html and authorised.rma in html


def test_the_buyer_cancels_from_your_returns(make_request, buyer_client):
    request = make_request()
    response = buyer_client.post(reverse("returns:cancel", args=[request.pk]), follow=True)
    assert "Your return request has been cancelled" in response.content.decode()
    assert "Cancelled by the buyer" in response.content.decode()
    again = buyer_client.post(reverse("returns:cancel", args=[request.pk]), follow=True)
    assert "can no longer be cancelled" in again.content.decode()


def test_manage_returns_filters_with_counts_and_search(
    make_request, seller_client, seller_account_user, order, customer, card
):
    first = make_request()
    second = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    html = seller_client.get("/seller/returns/").content.decode()
    assert 'View all <span class="count">(2)</span>' in html
    assert 'Authorisation required <span class="count">(1)</span>' in html
    assert 'Authorised <span class="count">(1)</span>' in html
    waiting = seller_client.get("/seller/returns/", {"status": "authorisation_required"}).content.decode()
    assert (
        f"/seller/returns/{first.pk}/authorise/" in waiting
        and f"/seller/returns/{second.pk}/authorise/" not in waiting
    )
    # The actions in the seed's order.
    card_html = waiting[waiting.index(f'id="return-{first.pk}"') :]
    positions = [
        card_html.index(label) for label in ["Authorise</a>", "Deny request", "Issue refund", "Contact buyer"]
    ]
    assert positions == sorted(positions)
    for term in [second.rma, order.order_id[:7], card.product.asin, customer.name.split()[0]]:
        found = seller_client.get("/seller/returns/", {"q": term}).content.decode()
        assert f'id="return-{second.pk}"' in found, term


def test_manage_returns_runs_in_constant_queries(
    order, customer, card, seller_client, django_assert_max_num_queries, seller_account_user
):
    def add(n):
        for _ in range(n):
            services.request_return(
                order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
            )

    add(2)
    # session, user, seller, counts by status (they also give the page count), page, items, history
    with django_assert_max_num_queries(8):  # +1: the menu's to-do badges
        seller_client.get("/seller/returns/")
    add(20)
    with django_assert_max_num_queries(8):  # +1: the menu's to-do badges
        html = seller_client.get("/seller/returns/").content.decode()
    assert html.count('class="card return-card"') == 20


def test_the_seller_authorises_with_the_default_address(make_request, seller_client, on_commit):
    request = make_request()
    url = reverse("returns:authorise", args=[request.pk])
    page = seller_client.get(url).content.decode()
    assert "Confirm Your Return Address" in page and "WC2A 2HD" in page and "Default return address" in page
    response = on_commit(seller_client.post, url, {"address_choice": "stored"}, follow=True)
    assert "Return Authorisation Successful" in response.content.decode()
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorised"


def test_a_new_address_is_validated_on_the_page(make_request, seller_client):
    request = make_request()
    url = reverse("returns:authorise", args=[request.pk])
    bad = {
        "address_choice": "new",
        "name": "Test1",
        "line1": "1 Road",
        "city": "London",
        "region": "NJ",
        "postcode": "wc2a 2hd",
        "country": "United Kingdom",
        "phone": "020 1234 5678",
    }
    response = seller_client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Enter the postcode in capitals" in html and "Write the province, region or state out in full" in html
    )
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"
    good = {**bad, "region": "Greater London", "postcode": "WC2A 2HD"}
    assert seller_client.post(url, good)["Location"] == reverse("returns:authorised", args=[request.pk])
    assert ReturnRequest.objects.get(pk=request.pk).return_address["region"] == "Greater London"


def test_a_refused_action_is_a_flash_message(make_request, seller_client, customer):
    request = make_request()
    services.cancel_return(return_request=request, actor=customer.user)
    response = seller_client.post(
        reverse("returns:authorise", args=[request.pk]), {"address_choice": "stored"}, follow=True
    )
    assert "Only a request waiting for authorisation can be authorised." in response.content.decode()


def test_the_seller_denies_with_reason_and_counter(make_request, seller_client):
    request = make_request()
    url = reverse("returns:deny", args=[request.pk])
    page = seller_client.get(url).content.decode()
    assert "Media or software has been opened" in page and 'data-counter="3000"' in page
    too_long = seller_client.post(url, {"reason": "other", "message": "m" * 3001})
    assert too_long.status_code == 400
    response = seller_client.post(
        url, {"reason": "media_opened", "message": "The seal is broken."}, follow=True
    )
    assert "Deny Successful" in response.content.decode()


def test_the_seller_refunds_per_item_and_a_double_submit_refunds_once(make_request, seller_client):
    request = make_request()
    url = reverse("returns:refund", args=[request.pk])
    page = seller_client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    item = request.items.get()
    data = {"idempotency_key": key, f"item-{item.pk}": "6.49", "reason": "Returned", "confirmed": "yes"}
    seller_client.post(url, data)
    seller_client.post(url, data)
    assert Refund.objects.count() == 1
    over = seller_client.post(
        url, {"idempotency_key": "other", f"item-{item.pk}": "6.50", "confirmed": "yes"}
    )
    assert over.status_code == 400


def test_contact_buyer_opens_the_orders_thread(make_request, seller_client, order):
    request = make_request()
    response = seller_client.post(reverse("returns:contact_buyer", args=[request.pk]))
    thread = Thread.objects.get(order=order)
    assert response["Location"] == reverse("messaging:thread", args=[thread.pk])


def test_another_sellers_returns_are_404(make_request):
    request = make_request()
    from django.test import Client

    other = Client()
    other.force_login(factories.seller_user())
    for name in ["authorise", "deny", "refund", "authorised"]:
        assert other.get(reverse(f"returns:{name}", args=[request.pk])).status_code == 404
    assert other.post(reverse("returns:contact_buyer", args=[request.pk])).status_code == 404


def test_account_info_sets_the_default_and_marketplace_exceptions(seller, seller_client):
    seller.marketplaces.add(factories.marketplace("fr"))
    address = {
        "name": "Retours FR",
        "line1": "1 rue de Rivoli",
        "city": "Paris",
        "region": "Île-de-France",
        "postcode": "75001",
        "country": "France",
        "phone": "+33 1 23 45 67 89",
    }
    response = seller_client.post("/seller/settings/account-info/", {**address, "marketplace": "fr"})
    assert response.status_code == 302
    page = seller_client.get("/seller/settings/account-info/").content.decode()
    assert (
        "Amazon.fr" in page and "Retours FR" in page and "Add a new exception for another marketplace" in page
    )
    assert (
        seller_client.post("/seller/settings/account-info/", {**address, "marketplace": "de"}).status_code
        == 404
    )
    seller_client.post(reverse("returns:remove_exception", args=["fr"]))
    assert not seller.return_addresses.filter(marketplace__code="fr").exists()


def test_a_gift_recipient_returns_without_seeing_prices(order, card, on_commit):
    from django.test import Client

    order.is_gift, order.gift_receipt_number = True, "GR7K-M4QD-9XWP"
    order.save()
    recipient = factories.CustomerFactory(name="Gift Recipient")
    client = Client()
    client.force_login(recipient.user)
    found = client.post(
        "/returns/gift/", {"order_id": order.order_id, "gift_receipt_number": "gr7k m4qd 9xwp"}
    )
    assert found["Location"] == reverse("returns:gift_items", args=[order.order_id])
    page = client.get(found["Location"]).content.decode()
    assert "£6.49" not in page and "gift credit" in page
    response = client.post(
        found["Location"], {f"item-{card.pk}-reason": "unwanted", f"item-{card.pk}-quantity": "1"}
    )
    request = ReturnRequest.objects.get()
    assert response.status_code == 302 and request.is_gift and request.customer == recipient
    assert client.get("/returns/gift/", {"order_id": "999-9999999-9999999"}).status_code == 200
