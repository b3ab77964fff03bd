"""Staff edit return addresses and settings in Django admin under the rules the pages and
the API apply; a claim's admin page shows its history."""

import pytest
from django.test import Client

from returns import services
from returns.models import ClaimEvent, ReturnAddress, ReturnSettings

from .. import factories
from .conftest import ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def _address_form(address: ReturnAddress, **changes) -> dict:
    return {
        "seller": address.seller_id,
        "marketplace": address.marketplace_id or "",
        **address.as_snapshot(),
        **changes,
    }


def test_admin_refuses_an_address_the_pages_would_refuse(staff, seller):
    # Given a seller's default return address
    address = factories.return_address(seller)
    url = f"/admin/returns/returnaddress/{address.pk}/change/"
    # When staff save it with a lower-case postcode and an abbreviated region
    response = staff.post(url, _address_form(address, postcode="wc2a 2hd", region="NJ"))
    # Then the form comes back with the same errors as Account info, and nothing is saved
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the postcode in capitals (e.g. WC2A 2HD)." in html
    assert "Write the province, region or state out in full" in html
    assert ReturnAddress.objects.get(pk=address.pk).postcode == ADDRESS["postcode"]


def test_admin_refuses_an_exception_for_a_marketplace_the_seller_does_not_sell_on(staff, seller):
    address = factories.return_address(seller)
    elsewhere = factories.marketplace("de")
    response = staff.post(
        "/admin/returns/returnaddress/add/",
        {**_address_form(address), "marketplace": elsewhere.pk},
    )
    assert response.status_code == 200
    assert f"You do not sell on {elsewhere}." in response.content.decode()
    assert not ReturnAddress.objects.filter(marketplace=elsewhere).exists()


def test_admin_saves_a_valid_address(staff, seller):
    address = factories.return_address(seller)
    response = staff.post(
        f"/admin/returns/returnaddress/{address.pk}/change/", _address_form(address, city="Leeds")
    )
    assert response.status_code == 302
    assert ReturnAddress.objects.get(pk=address.pk).city == "Leeds"


def test_admin_refuses_a_return_window_outside_1_to_30_days(staff, seller):
    settings_row = services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=14, rules={}
    )
    url = f"/admin/returns/returnsettings/{settings_row.pk}/change/"
    form = {"seller": seller.pk, "return_window_days": 31, "return_by_days": 30}
    response = staff.post(url, form)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 30." in response.content.decode()
    too_long = staff.post(url, {**form, "return_window_days": 14, "return_by_days": 91})
    assert "Ensure this value is less than or equal to 90." in too_long.content.decode()
    assert ReturnSettings.objects.get(pk=settings_row.pk).return_window_days == 14


def test_a_claims_history_is_recorded_and_shown_to_staff(staff, seller, customer):
    # Given a claim the buyer filed, the seller answered and staff granted
    order = factories.OrderFactory(seller=seller, customer=customer)
    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    services.respond_to_claim(claim=claim, response="Tracking says delivered.")
    services.decide_claim(
        claim=claim, staff=factories.UserFactory(is_staff=True), granted=True, note="Refund"
    )
    # Then its history has one row per step
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("event", "actor_role", "note")) == [
        ("filed", "buyer", ""),
        ("seller_responded", "seller", "Tracking says delivered."),
        ("granted", "staff", "Refund"),
    ]
    # And the claim's admin page shows it, read-only
    html = staff.get(f"/admin/returns/claim/{claim.pk}/change/").content.decode()
    assert "<td>Seller responded</td><td>seller</td>" in html and "Tracking says delivered." in html
