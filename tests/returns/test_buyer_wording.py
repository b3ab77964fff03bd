"""The buyer's returns pages read the same in English once their words go through gettext:
plural forms, labels built from variables and sentences with a value inside them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from returns import services

from .. import factories

pytestmark = pytest.mark.django_db


def test_a_closed_return_offers_stars_in_the_singular_and_the_plural(make_request, buyer_client, customer):
    request = services.cancel_return(return_request=make_request(), actor=customer.user)
    html = buyer_client.get(reverse("returns:your_returns")).content.decode()
    assert '<option value="5">5 stars</option>' in html
    assert '<option value="2">2 stars</option>' in html
    assert '<option value="1">1 star</option>' in html
    assert f'aria-label="Return {request.pk}"' in html


def test_the_label_page_names_the_rma_in_its_title_and_barcode(make_request, buyer_client, seller):
    authorised = services.authorise_return(return_request=make_request(), actor=factories.seller_user(seller))
    html = buyer_client.get(reverse("returns:label", args=[authorised.pk])).content.decode()
    assert f"Return label {authorised.rma}" in html
    assert f'alt="Barcode of {authorised.rma}"' in html
    assert (
        f'Return authorisation number (RMA): <strong class="return-label__rma">{authorised.rma}</strong>'
        in html
    )


def test_a_decided_claim_shows_its_status_with_the_day(order, customer, buyer_client):
    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    claim = services.deny_claim(claim=claim, staff=staff, note="Delivered with a signature.")
    html = buyer_client.get(reverse("returns:claim", args=[order.order_id])).content.decode()
    assert f"Denied on {timezone.localtime(claim.decided_at):%-d %b %Y}" in html
    assert f"\u2039 Order {order.order_id}</a>" in html


def test_the_gift_form_keeps_its_wording(buyer_client):
    html = buyer_client.get(reverse("returns:gift")).content.decode()
    assert "Order number (on the gift&#x27;s packing slip)" in html
    assert "Twelve letters and digits, like GR7K-M4QD-9XWP." in html
    response = buyer_client.post(reverse("returns:gift"), {"order_id": "nope", "gift_receipt_number": "x"})
    assert "Enter the order number as it is printed, like 202-0697275-2144321." in response.content.decode()
