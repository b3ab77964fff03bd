"""Tenant isolation, generated from the URLconf: every route that takes an object id, asked
for another seller's or another buyer's object with every method, answers 404 (410 for an
e-mail link) and changes nothing; anonymous visitors are sent to sign in or refused.

A new route with a parameter fails this test until it is classified (``routes.parameter_for``,
or exempted below).
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from messaging.models import AlternateAddress, Message, OutboundEmail, ReplyTemplate, Thread
from metrics.models import OrderFeedback
from returns.models import Claim, Refund, ReturnEvent, ReturnRequest

from .. import factories
from .routes import all_routes, path_of

pytestmark = pytest.mark.django_db

# Routes whose parameter is not another party's object, with the reason.
EXEMPT = {
    "returns/gift/<str:order_id>/": "a gift recipient returns someone else's order by design (a gift order, with the order number and the gift receipt number from the packing slip)",
    "dev/mailbox/<str:key>/": "development tool for staff only (tested in tests/sellercentral/test_mailbox.py)",
    "dev/mailbox/<str:key>/html/": "the same development tool's framed HTML part, staff only (tests/sellercentral/test_mailbox.py)",
    "products/<str:asin>/picture.svg": "a product's catalogue picture is public, as a catalogue's are (tests/commerce/test_seed_demo.py)",
    "seller/settings/account-info/exceptions/<str:code>/remove/": "the parameter is a marketplace code; other sellers' rows are never addressed",
}


def _routes():
    return [r for r in all_routes() if "<" in r]


def snapshot():
    return (
        list(ReturnRequest.objects.values_list("pk", "status", "close_reason", "refunded_total", "buyer_rating")),
        ReturnEvent.objects.count(), Refund.objects.count(), Message.objects.count(), Thread.objects.count(),
        list(Message.objects.values_list("pk", "no_response_needed")), OutboundEmail.objects.count(),
        list(Claim.objects.values_list("pk", "status", "seller_response")), AlternateAddress.objects.count(),
        list(OrderFeedback.objects.values_list("pk", "rating")),
        list(ReplyTemplate.objects.values_list("pk", "name", "language", "body")),
    )  # fmt: skip


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
