"""Money and irreversible actions ask first: the seller's refund, the buyer's cancel; and a
refund's amount is written as the rest of the site writes money (£4.00)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from returns.models import Refund, ReturnRequest, ReturnStatus

pytestmark = pytest.mark.django_db


def _refund_form(seller_client, request):
    url = reverse("returns:refund", args=[request.pk])
    page = seller_client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    item = request.items.get()
    return url, {"idempotency_key": key, f"item-{item.pk}": "4.00", "reason": "Box damaged"}


def test_a_refund_asks_for_confirmation_with_the_amount_in_pounds(make_request, seller_client, customer):
    # Given a return and the seller's refund form filled in
    request = make_request()
    url, data = _refund_form(seller_client, request)
    # When the seller submits it
    response = seller_client.post(url, data)
    # Then nothing is refunded yet: a confirmation names the amount, the buyer and the way back
    html = response.content.decode()
    assert response.status_code == 200 and not Refund.objects.exists()
    assert "Confirm refund" in html and f"Refund £4.00 to {customer.name}?" in html
    assert "original payment method" in html and "Box damaged" in html and "GBP" not in html
    # with every value carried over, and a way back to the amounts
    assert f'name="idempotency_key" value="{data["idempotency_key"]}"' in html
    assert 'name="confirmed" value="edit"' in html and 'name="confirmed" value="yes"' in html
    back = seller_client.post(url, {**data, "confirmed": "edit"})
    assert 'value="4.00"' in back.content.decode() and not Refund.objects.exists()


def test_the_confirmed_refund_is_issued_and_its_notice_writes_pounds(
    make_request, seller_client, customer, on_commit
):
    request = make_request()
    url, data = _refund_form(seller_client, request)
    mail.outbox.clear()
    response = on_commit(seller_client.post, url, {**data, "confirmed": "yes"}, follow=True)
    html = response.content.decode()
    assert Refund.objects.get().amount == 4
    assert f"Refund of £4.00 issued for order {request.order.order_id}." in html and "4.00 GBP" not in html
    # The buyer's e-mail, the order's history and the admin's name for the refund: £4.00 too.
    buyer_mail = next(m for m in mail.outbox if m.to == [customer.email])
    assert "The seller refunded £4.00 to your original payment method." in buyer_mail.body
    assert request.history.get(event="refund").note == "£4.00 — Box damaged"
    assert str(Refund.objects.get()) == "£4.00"


def test_a_zero_refund_goes_straight_to_its_error(make_request, seller_client):
    request = make_request()
    url, data = _refund_form(seller_client, request)
    item = request.items.get()
    response = seller_client.post(url, {**data, f"item-{item.pk}": "0"})
    assert response.status_code == 400 and "Confirm refund" not in response.content.decode()


def test_the_refund_forms_limits_are_written_as_money(make_request, seller_client):
    request = make_request()
    page = seller_client.get(reverse("returns:refund", args=[request.pk])).content.decode()
    assert "Up to £6.49 (paid £6.49)." in page


def test_cancelling_a_return_asks_first_and_works_without_javascript(make_request, buyer_client):
    # Given a return waiting for the seller
    request = make_request()
    cancel_url = reverse("returns:cancel", args=[request.pk])
    # Your Returns links to a confirmation page rather than cancelling in one click
    your_returns = buyer_client.get(reverse("returns:your_returns")).content.decode()
    assert f'href="{cancel_url}"' in your_returns
    page = buyer_client.get(cancel_url)
    html = page.content.decode()
    assert page.status_code == 200 and "Cancel your return?" in html
    assert "Yes, cancel this return" in html and "Keep my return" in html
    assert f'action="{cancel_url}"' in html and 'method="post"' in html
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnStatus.AUTHORISATION_REQUIRED
    # When the buyer says yes, it is cancelled
    done = buyer_client.post(cancel_url, follow=True).content.decode()
    assert "Your return request has been cancelled" in done
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnStatus.CLOSED


def test_a_return_that_cannot_be_cancelled_says_so_instead_of_asking(
    make_request, buyer_client, seller_account_user
):
    from returns import services

    request = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    response = buyer_client.get(reverse("returns:cancel", args=[request.pk]), follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert "Yes, cancel this return" not in response.content.decode()


@pytest.mark.parametrize(
    ("code", "question", "yes"),
    [
        ("fr", "Annuler votre retour ?", "Oui, annuler ce retour"),
        ("de", "Rücksendung stornieren?", "Ja, diese Rücksendung stornieren"),
        ("it", "Annullare il reso?", "Sì, annulla questo reso"),
        ("es", "¿Cancelar tu devolución?", "Sí, cancelar esta devolución"),
    ],
)
def test_the_cancel_confirmation_is_in_the_buyers_language(code, question, yes, seller):
    from django.test import Client

    from returns import services

    from .. import factories

    seller.marketplaces.add(factories.marketplace(code))
    buyer = factories.CustomerFactory(marketplace=factories.marketplace(code))
    order = factories.order_with_items(seller=seller, customer=buyer, marketplace=factories.marketplace(code))
    request, _ = services.request_return(
        order=order, customer=buyer, items=[services.RequestedItem(order.items.get().pk, 1, "unwanted")]
    )
    client = Client()
    client.force_login(buyer.user)
    html = client.get(reverse("returns:cancel", args=[request.pk])).content.decode()
    assert question in html and yes in html and order.order_id in html
