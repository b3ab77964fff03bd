"""Tenant isolation, generated from the URLconf: every route that takes an object id, asked
for another seller's or another buyer's object with every method, answers 404 (410 for an
e-mail link) and changes nothing; anonymous visitors are sent to sign in or refused.

A new route with a parameter fails this test until it is classified below.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from messaging import services as messaging
from messaging.models import AlternateAddress, Attachment, Message, OutboundEmail, Thread
from metrics import services as metrics
from metrics.models import OrderFeedback
from returns import services as returns
from returns import tokens
from returns.models import Claim, Refund, ReturnEvent, ReturnRequest

from .. import factories
from ..mailauth import genuine

pytestmark = pytest.mark.django_db

# Routes whose parameter is not another party's object, with the reason.
EXEMPT = {
    "returns/gift/<str:order_id>/": "a gift recipient returns someone else's order by design (a gift order, with the order number and the gift receipt number from the packing slip)",
    "dev/mailbox/<str:key>/": "development tool for staff only (tested in tests/sellercentral/test_mailbox.py)",
    "seller/settings/account-info/exceptions/<str:code>/remove/": "the parameter is a marketplace code; other sellers' rows are never addressed",
}


def all_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith("admin/")]


def _routes():
    return [r for r in all_routes() if "<" in r]


@pytest.fixture
def world(on_commit):
    """Seller A with a buyer A and every kind of object; seller B and buyer B as intruders."""
    seller = factories.SellerAccountFactory()
    seller_user = factories.seller_user(seller)
    buyer = factories.CustomerFactory()
    order = factories.order_with_items(seller=seller, customer=buyer)
    item = order.items.get()
    factories.return_address(seller)
    message = messaging.contact_seller(order=order, subject="enquiry", body="hello")
    alias = messaging.seller_alias(seller=seller, marketplace=order.marketplace)
    raw = (
        f"From: {buyer.email}\r\nTo: {alias.address}\r\nSubject: photo\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
        "--z\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\npng\r\n--z--\r\n"
    ).encode()
    messaging.receive_inbound_email(raw=raw, verdict=genuine(raw))
    request, _ = returns.request_return(
        order=order, customer=buyer, items=[returns.RequestedItem(item.pk, 1, "unwanted")]
    )
    authorised = returns.authorise_return(return_request=request, actor=seller_user)
    claim = returns.file_claim(order=order, customer=buyer, reason="not_received", body="where?")
    feedback = metrics.leave_feedback(order=order, customer=buyer, rating=2)
    messaging.add_alternate_address(seller=seller, email="help@shop.example")
    return {
        "order_id": order.order_id,
        "thread": message.thread_id,
        "message": message.pk,
        "attachment": Attachment.objects.get().pk,
        "return": authorised.pk,
        "claim": claim.pk,
        "feedback": feedback.pk,
        "alternate": AlternateAddress.objects.get().pk,
        "token": tokens.make_token(authorised, "authorise"),
        "seller_user": seller_user,
        "buyer_user": buyer.user,
    }


def _parameter(route: str, world: dict) -> str:
    """Which of seller A's / buyer A's objects the route's parameter names."""
    if "<str:order_id>" in route:
        return world["order_id"]
    if "<str:token>" in route:
        return world["token"]
    kind = (
        "attachment" if "attachments/" in route
        else "thread" if "threads/" in route
        else "message" if "messages/<int:pk>" in route
        else "alternate" if "alternate-addresses/" in route
        else "claim" if "claims/" in route
        else "feedback" if "feedback/" in route
        else "return" if "returns/" in route
        else None
    )  # fmt: skip
    assert kind, f"classify {route} in tests/security/test_tenant_isolation.py"
    return str(world[kind])


def snapshot():
    return (
        list(ReturnRequest.objects.values_list("pk", "status", "close_reason", "refunded_total", "buyer_rating")),
        ReturnEvent.objects.count(), Refund.objects.count(), Message.objects.count(), Thread.objects.count(),
        list(Message.objects.values_list("pk", "no_response_needed")), OutboundEmail.objects.count(),
        list(Claim.objects.values_list("pk", "status", "seller_response")), AlternateAddress.objects.count(),
        list(OrderFeedback.objects.values_list("pk", "rating")),
    )  # fmt: skip


def path_of(route: str, world: dict) -> str:
    return "/" + re.sub(r"<[^>]+>", _parameter(route, world), route)


def test_every_route_with_an_object_id_hides_other_parties_objects(world):
    intruder_seller = Client()
    intruder_seller.force_login(factories.seller_user())
    intruder_buyer = Client()
    intruder_buyer.force_login(factories.CustomerFactory().user)
    api_seller, api_buyer = APIClient(), APIClient()
    api_seller.force_authenticate(factories.seller_user())
    api_buyer.force_authenticate(factories.CustomerFactory().user)
    before = snapshot()
    checked = 0
    for route in _routes():
        if route in EXEMPT:
            continue
        path = path_of(route, world)
        is_api, for_seller = route.startswith("api/"), "seller/" in route
        client = (
            (api_seller if for_seller else api_buyer)
            if is_api
            else (intruder_seller if for_seller else intruder_buyer)
        )
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            allowed = {404, 405} | ({410} if "<str:token>" in route else set())
            assert response.status_code in allowed, (
                f"{method.upper()} {path} by another party: {response.status_code}"
            )
            checked += 1
    assert snapshot() == before
    assert checked >= 80


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(world):
    for route in _routes():
        if route in EXEMPT:
            continue
        path = path_of(route, world)
        response = Client().get(path)
        if route.startswith("api/"):
            assert response.status_code in {401, 403, 405}, path
        else:
            assert response.status_code == 302 and "signin" in response["Location"], path


def test_list_endpoints_never_include_others_rows(world):
    other_seller, other_buyer = APIClient(), APIClient()
    other_seller.force_authenticate(factories.seller_user())
    other_buyer.force_authenticate(factories.CustomerFactory().user)
    for path in ["/api/v1/seller/messages/", "/api/v1/seller/returns/", "/api/v1/seller/claims/"]:
        assert other_seller.get(path).json()["count"] == 0, path
    for path in ["/api/v1/buyer/orders/", "/api/v1/buyer/returns/"]:
        assert other_buyer.get(path).json()["count"] == 0, path
