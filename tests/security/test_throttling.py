"""Sign-in throttling (django-axes) and API write throttling: 429 with a clear message."""

import ipaddress

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


PROXY = "10.0.0.4"  # the TLS proxy in front of gunicorn


def through_the_proxy(client_address: str) -> Client:
    """A browser whose requests reach us through the proxy, which names it in X-Forwarded-For."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def fail_five_times(client: Client, username: str) -> None:
    for _ in range(5):
        client.post("/seller/signin/", {"username": username, "password": "wrong"})


def test_behind_the_proxy_an_attacker_locks_out_their_own_address_not_the_owner(seller, settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    factories.seller_user(seller, username="seller")
    attacker = through_the_proxy("198.51.100.66")
    fail_five_times(attacker, "seller")
    owner = through_the_proxy("203.0.113.7")
    signed_in = owner.post("/seller/signin/", {"username": "seller", "password": factories.PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/seller/"
    assert owner.get("/seller/").status_code == 200
    locked = attacker.post("/seller/signin/", {"username": "seller", "password": factories.PASSWORD})
    assert locked.status_code == 429


def test_the_api_token_endpoint_locks_out_by_the_address_behind_the_proxy_too(customer, settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    credentials = {"username": customer.user.username, "password": factories.PASSWORD}
    attacker = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(5):
        attacker.post("/api/v1/auth/token/", {**credentials, "password": "wrong"}, format="json")
    assert attacker.post("/api/v1/auth/token/", credentials, format="json").status_code == 429
    owner = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert owner.post("/api/v1/auth/token/", credentials, format="json").status_code == 200


@pytest.mark.parametrize(
    "proxies", [(), (ipaddress.ip_network(PROXY),)], ids=["no proxy configured", "not from the proxy"]
)
def test_a_client_cannot_dodge_the_lockout_by_writing_x_forwarded_for(seller, settings, proxies):
    settings.TRUSTED_PROXIES = proxies
    factories.seller_user(seller, username="seller")
    client = Client(REMOTE_ADDR="198.51.100.66")  # straight to gunicorn, not through the proxy
    for n in range(5):
        client.post(
            "/seller/signin/",
            {"username": "seller", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    locked = client.post(
        "/seller/signin/",
        {"username": "seller", "password": factories.PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert locked.status_code == 429


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
