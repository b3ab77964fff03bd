"""Sign-in lockout (django-axes) and write rates (commerce/policy.py's WRITE_RATES): over a
rate, the page answers 429 with a clear message and the API 429 with Retry-After, and nothing
is changed. Signed-in users are counted by user id, anyone else by client address; the pages
and the API add to the same counts."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from commerce.models import Order
from commerce.policy import WRITE_RATES
from messaging import services as messaging
from messaging.models import Message
from metrics.models import OrderFeedback
from returns import services as returns
from returns.models import Claim, ReturnRequest, ReturnSettings

from .. import factories

pytestmark = pytest.mark.django_db


# --- django-axes: a username locked out after wrong passwords --------------------------------
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


def test_the_api_token_endpoint_is_locked_out_too(customer):
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


# --- The writes of the pages ----------------------------------------------------------------
@dataclass
class Write:
    """One kind of write a buyer or seller makes on a page, and what it changes."""

    scope: str
    party: str  # "buyer" or "seller"
    url: Callable[[dict, int], str]  # the n-th attempt's page
    data: Callable[[dict, int], dict]  # and form
    state: Callable[[dict], object]  # what a refused write must leave as it was


def _world(on_commit) -> dict:
    seller = factories.SellerAccountFactory()
    seller_user = factories.seller_user(seller)
    customer = factories.CustomerFactory()
    order, *others = (factories.order_with_items(seller=seller, customer=customer, items=3) for _ in range(3))
    message = messaging.contact_seller(order=order, subject="enquiry", body="Where is it?")
    closed, _ = returns.request_return(
        order=order, customer=customer, items=[returns.RequestedItem(order.items.first().pk, 1, "unwanted")]
    )
    returns.cancel_return(return_request=closed, actor=customer.user)
    return {
        "seller_user": seller_user,
        "buyer_user": customer.user,
        "order": order,
        "orders": [order, *others],  # an A-to-z claim each (one may be open per order)
        "item": order.items.last(),
        "thread": message.thread_id,
        "closed": closed,
    }


PAGE_WRITES = [
    Write(
        "contact_seller", "buyer",
        lambda w, n: reverse("messaging:contact_seller", args=[w["order"].order_id]),
        lambda w, n: {"subject": "enquiry", "body": f"message {n}"},
        lambda w: Message.objects.count(),
    ),
    Write(
        "reply", "seller",
        lambda w, n: reverse("messaging:thread", args=[w["thread"]]),
        lambda w, n: {"body": f"reply {n}"},
        lambda w: Message.objects.count(),
    ),
    Write(
        "return_request", "buyer",
        lambda w, n: reverse("returns:return_items", args=[w["order"].order_id]),
        lambda w, n: {f"item-{w['item'].pk}-reason": "unwanted", f"item-{w['item'].pk}-quantity": "1"},
        lambda w: ReturnRequest.objects.count(),
    ),
    Write(
        "claim", "buyer",
        lambda w, n: reverse("returns:claim", args=[w["orders"][n].order_id]),
        lambda w, n: {"reason": "not_received", "body": f"claim {n}"},
        lambda w: Claim.objects.count(),
    ),
    Write(
        "feedback", "buyer",
        lambda w, n: reverse("metrics:leave_feedback", args=[w["order"].order_id]),
        lambda w, n: {"rating": str(5 - n), "comment": ""},
        lambda w: list(OrderFeedback.objects.values_list("rating", flat=True)),
    ),
    Write(
        "feedback", "buyer",
        lambda w, n: reverse("returns:rate", args=[w["closed"].pk]),
        lambda w, n: {"rating": str(5 - n), "comment": ""},
        lambda w: list(ReturnRequest.objects.values_list("buyer_rating", flat=True)),
    ),
    Write(
        "writes", "seller",
        lambda w, n: reverse("returns:settings"),
        lambda w, n: {"return_window_days": str(20 + n), "rule": "policy"},
        lambda w: list(ReturnSettings.objects.values_list("return_window_days", flat=True)),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    "write",
    PAGE_WRITES,
    ids=[
        "contact_seller",
        "reply",
        "return_request",
        "claim",
        "order_feedback",
        "return_rating",
        "other_writes",
    ],
)
def test_a_page_write_over_its_rate_is_a_429_page_and_changes_nothing(write, settings, on_commit):
    settings.WRITE_RATES = {write.scope: (2, 3600)}
    world = _world(on_commit)
    client = Client()
    client.force_login(world[f"{write.party}_user"])
    for n in range(2):
        assert client.post(write.url(world, n), write.data(world, n)).status_code < 400
    before = write.state(world)
    refused = client.post(write.url(world, 2), write.data(world, 2))
    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit() and 0 < int(refused["Retry-After"]) <= 3600
    what = WRITE_RATES[write.scope].what
    assert f"Too many {what}: at most 2 an hour. Nothing was changed" in refused.content.decode()
    assert write.state(world) == before
    assert client.get(write.url(world, 2)).status_code in {200, 405}  # reading is never counted


def test_the_contact_seller_form_takes_its_documented_rate_then_refuses(buyer_client, customer, on_commit):
    order = factories.order_with_items(customer=customer)
    url = reverse("messaging:contact_seller", args=[order.order_id])
    limit = WRITE_RATES["contact_seller"].limit
    for n in range(limit):
        assert buyer_client.post(url, {"subject": "enquiry", "body": f"message {n}"}).status_code == 302
    refused = buyer_client.post(url, {"subject": "enquiry", "body": "one more"})
    assert refused.status_code == 429
    assert f"Too many messages to sellers: at most {limit} an hour." in refused.content.decode()
    assert Message.objects.count() == limit


def test_every_other_page_write_counts_against_the_general_rate(seller_client, seller, settings):
    settings.WRITE_RATES = {"writes": (3, 60)}
    factories.return_address(seller)
    url = reverse("messaging:alternate_addresses")
    for n in range(3):
        seller_client.post(url, {"email": f"help{n}@shop.example"})
    refused = seller_client.post(url, {"email": "help9@shop.example"})
    assert refused.status_code == 429 and "Too many changes: at most 3 a minute." in refused.content.decode()
    assert not seller.alternate_addresses.filter(email="help9@shop.example").exists()


# --- Who is counted -------------------------------------------------------------------------
def test_signed_in_buyers_are_counted_by_user_wherever_they_connect_from(settings, on_commit):
    settings.WRITE_RATES = {"contact_seller": (1, 3600)}
    first, second = factories.CustomerFactory(), factories.CustomerFactory()
    orders = {c: factories.order_with_items(customer=c) for c in (first, second)}

    def contact(customer, address: str) -> int:
        client = Client(REMOTE_ADDR=address)
        client.force_login(customer.user)
        url = reverse("messaging:contact_seller", args=[orders[customer].order_id])
        return client.post(url, {"subject": "enquiry", "body": "hi"}).status_code

    assert contact(first, "192.0.2.1") == 302
    assert contact(first, "198.51.100.7") == 429  # another address: still the same buyer
    assert contact(second, "192.0.2.1") == 302  # the same address: another buyer


def test_sign_in_attempts_are_counted_by_client_address(settings, monkeypatch):
    settings.WRITE_RATES = {"sign_in": (3, 60)}
    user = factories.seller_user(username="seller")

    def attempt(address: str, username: str, password: str = "wrong") -> int:  # noqa: S107
        return (
            Client(REMOTE_ADDR=address)
            .post("/seller/signin/", {"username": username, "password": password})
            .status_code
        )

    # Different usernames each time: django-axes locks none of them, the sign-in rate stops them.
    assert [attempt("192.0.2.1", f"guess{n}") for n in range(3)] == [200, 200, 200]
    refused = Client(REMOTE_ADDR="192.0.2.1").post(
        "/seller/signin/", {"username": user.username, "password": factories.PASSWORD}
    )
    assert refused.status_code == 429 and "Too many sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session  # nobody signed in
    assert attempt("198.51.100.7", user.username, factories.PASSWORD) == 302  # another address
    # The address is the one sellercentral.client_ip gives (behind proxies, its rules).
    monkeypatch.setattr("sellercentral.ratelimit.client_ip", lambda request: "203.0.113.5")
    assert [attempt(f"10.0.0.{n}", f"other{n}") for n in range(4)] == [200, 200, 200, 429]


def test_the_api_token_endpoint_counts_with_the_sign_in_pages(settings):
    settings.WRITE_RATES = {"sign_in": (2, 60)}
    user = factories.seller_user()
    Client().post("/seller/signin/", {"username": "nobody", "password": "wrong"})
    Client().post("/signin/", {"username": "nobody2", "password": "wrong"})
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 429 and "Retry-After" in response
    assert "sign-in attempts" in response.json()["detail"]
    assert not AuthToken.objects.filter(user=user).exists()


# --- The API ------------------------------------------------------------------------------
def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("scope", "party", "path", "body", "count"),
    [
        ("contact_seller", "buyer", "/api/v1/buyer/orders/{order_id}/messages/",
         lambda w: {"subject": "enquiry", "body": "hi"}, Message.objects.count),
        ("reply", "seller", "/api/v1/seller/threads/{thread}/reply/",
         lambda w: {"body": "On its way."}, Message.objects.count),
        ("return_request", "buyer", "/api/v1/buyer/orders/{order_id}/returns/",
         lambda w: {"items": [{"order_item": w["item"].pk, "quantity": 1, "reason": "unwanted"}]},
         ReturnRequest.objects.count),
        ("claim", "buyer", "/api/v1/buyer/orders/{n_order_id}/claims/",
         lambda w: {"reason": "not_received", "body": "Where is it?"}, Claim.objects.count),
    ],
)  # fmt: skip
def test_an_api_write_over_its_rate_is_a_429_with_retry_after(
    settings, on_commit, scope, party, path, body, count
):
    settings.WRITE_RATES = {scope: (2, 3600)}
    world = _world(on_commit)
    client = _api(world[f"{party}_user"])

    def url(n: int) -> str:
        order_id, n_order_id = world["order"].order_id, world["orders"][n].order_id
        return path.format(order_id=order_id, n_order_id=n_order_id, thread=world["thread"])

    for n in range(2):
        assert client.post(url(n), body(world), format="json").status_code in {200, 201}
    before = count()
    refused = client.post(url(2), body(world), format="json")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert f"Too many {WRITE_RATES[scope].what}: at most 2 an hour." in refused.json()["detail"]
    assert count() == before


def test_api_writes_are_rate_limited_and_reads_are_not(seller, settings):
    settings.WRITE_RATES = {"writes": (3, 60)}
    client = _api(factories.seller_user(seller))
    body = {"email_quick_links": False, "return_window_days": 30, "rules": {}}
    for _ in range(3):
        assert client.put("/api/v1/seller/return-settings/", body, format="json").status_code == 200
    throttled = client.put("/api/v1/seller/return-settings/", body, format="json")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"] and "Retry-After" in throttled
    assert client.get("/api/v1/seller/return-settings/").status_code == 200


def test_the_page_and_the_api_add_to_one_count(customer, buyer_client, settings, on_commit):
    settings.WRITE_RATES = {"contact_seller": (2, 3600)}
    order: Order = factories.order_with_items(customer=customer)
    page = reverse("messaging:contact_seller", args=[order.order_id])
    api = f"/api/v1/buyer/orders/{order.order_id}/messages/"
    assert buyer_client.post(page, {"subject": "enquiry", "body": "one"}).status_code == 302
    assert (
        _api(customer.user).post(api, {"subject": "enquiry", "body": "two"}, format="json").status_code == 201
    )
    assert buyer_client.post(page, {"subject": "enquiry", "body": "three"}).status_code == 429
    assert (
        _api(customer.user).post(api, {"subject": "enquiry", "body": "four"}, format="json").status_code
        == 429
    )
    assert Message.objects.count() == 2
