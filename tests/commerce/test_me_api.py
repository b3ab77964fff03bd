"""Who am I: the user, and the seller account with its marketplaces or the customer."""

import pytest
from rest_framework.test import APIClient

from commerce import services

from .. import factories

pytestmark = pytest.mark.django_db


def me(user) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    return response.json()


def test_a_sellers_user_sees_the_account_and_its_marketplaces(seller):
    seller.marketplaces.set([factories.marketplace("uk"), factories.marketplace("de")])
    user = factories.seller_user(seller, username="luca-seller", first_name="Luca", last_name="Rossi")
    services.choose_seller_language(membership=user.seller_membership, language="de")
    body = me(user)
    assert body["user"]["id"] == user.pk
    assert (body["user"]["username"], body["user"]["name"]) == ("luca-seller", "Luca Rossi")
    assert body["party"] == "seller" and body["customer"] is None
    assert body["seller"] == {
        "id": seller.pk,
        "name": "Test UK Seller 4 Luca",
        "marketplaces": [
            {"code": "uk", "name": "Amazon.co.uk", "currency": "GBP"},
            {"code": "de", "name": "Amazon.de", "currency": "EUR"},
        ],
    }
    assert body["user"]["language"] == "de"  # the user's choice


def test_a_buyer_sees_the_customer_and_their_home_storefront(customer):
    customer.marketplace = factories.marketplace("fr")
    customer.save()
    body = me(customer.user)
    assert body["party"] == "buyer" and body["seller"] is None
    assert body["customer"] == {
        "id": customer.pk,
        "name": "Luca de Pasqua",
        "marketplace": {"code": "fr", "name": "Amazon.fr", "currency": "EUR"},
    }
    assert body["user"]["language"] == "fr"  # the home storefront's, none chosen


def test_anonymous_callers_are_refused():
    assert APIClient().get("/api/v1/me/").status_code in {401, 403}
