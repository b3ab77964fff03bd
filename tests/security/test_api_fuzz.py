"""Schemathesis against the OpenAPI schema, in-process (WSGI), as a seller and as a buyer:
no server errors, and responses that conform to the documented schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from returns import services as returns
from sellercentral.wsgi import application

from .. import factories

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture
def in_process_requests():
    """As Django's test client does: requests do not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def parties(db, in_process_requests):
    seller = factories.SellerAccountFactory()
    seller_user = factories.seller_user(seller)
    buyer = factories.CustomerFactory()
    order = factories.order_with_items(seller=seller, customer=buyer, order_id="202-0697275-2144321")
    factories.return_address(seller)
    returns.request_return(
        order=order, customer=buyer, items=[returns.RequestedItem(order.items.get().pk, 1, "unwanted")]
    )
    return {
        "seller": {"Authorization": f"Token {AuthToken.objects.create(user=seller_user)[1]}"},
        "buyer": {"Authorization": f"Token {AuthToken.objects.create(user=buyer.user)[1]}"},
    }


@pytest.mark.django_db
@schema.exclude(path="/api/v1/inbound-email/").parametrize()
@FUZZ
@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_the_api_never_errors_and_answers_as_documented(case, parties, who):
    from django.core.cache import cache

    cache.clear()  # the write throttle is tested elsewhere
    case.call_and_validate(headers=parties[who], checks=[not_a_server_error, response_schema_conformance])
