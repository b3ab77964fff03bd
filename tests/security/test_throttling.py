"""Sign-in throttling (django-axes) and API write throttling: 429 with a clear message."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sellercentral.api import WriteRateThrottle

from .. import factories

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_username_out_for_a_while(seller):
    factories.seller_user(seller, username="seller")
    client = Client()
    for _ in range(4):
        response = client.post("/seller/signin/", {"username": "seller", "password": "wrong"})
        assert response.status_code == 200
    assert client.post("/seller/signin/", {"username": "seller", "password": "wrong"}).status_code == 429
    locked = client.post("/seller/signin/", {"username": "seller", "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert Client().get("/seller/").status_code == 302  # nobody got in


def test_the_api_token_endpoint_is_throttled_too(customer):
    client = APIClient()
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/", {"username": customer.user.username, "password": "wrong"}, format="json"
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"username": customer.user.username, "password": factories.PASSWORD},
        format="json",
    )
    assert response.status_code == 429


def test_api_writes_are_rate_limited_and_reads_are_not(seller, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"writes": "3/minute"})
    client = APIClient()
    client.force_authenticate(factories.seller_user(seller))
    body = {"email_quick_links": False, "return_window_days": 30, "rules": {}}
    for _ in range(3):
        assert client.put("/api/v1/seller/return-settings/", body, format="json").status_code == 200
    throttled = client.put("/api/v1/seller/return-settings/", body, format="json")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"] and "Retry-After" in throttled
    assert client.get("/api/v1/seller/return-settings/").status_code == 200
