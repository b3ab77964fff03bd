"""What every API answer tells an integrator (a request id, the rate left) and idempotent writes:
the same Idempotency-Key never acts twice, and never stands for a different request."""

import re
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from messaging import services as messaging
from messaging.models import Message
from returns.models import Claim, Refund, ReturnRequest
from sellercentral.models import IdempotentRequest

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seller, customer):
    seller_user = factories.seller_user(seller)
    order = factories.OrderFactory(seller=seller, customer=customer)
    item = factories.OrderItemFactory(order=order, quantity=2, unit_price=Decimal("6.49"))
    factories.return_address(seller)
    buyer, seller_api = APIClient(), APIClient()
    buyer.force_authenticate(customer.user)
    seller_api.force_authenticate(seller_user)
    return order, item, buyer, seller_api


# --- Request ids ---------------------------------------------------------------------------
def test_every_answer_carries_a_request_id_and_echoes_a_safe_one():
    page, api = Client().get("/signin/"), APIClient().get("/api/v1/return-reasons/")
    assert re.fullmatch(r"[0-9a-f]{32}", page["X-Request-Id"]) and re.fullmatch(
        r"[0-9a-f]{32}", api["X-Request-Id"]
    )
    assert page["X-Request-Id"] != api["X-Request-Id"]
    echoed = APIClient().get("/api/v1/return-reasons/", HTTP_X_REQUEST_ID="trace-42.a:b@c")
    assert echoed["X-Request-Id"] == "trace-42.a:b@c"
    for unsafe in ["two words", "x" * 129, "evil\u00e9"]:
        replaced = APIClient().get("/api/v1/return-reasons/", HTTP_X_REQUEST_ID=unsafe)
        assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-Id"])


# --- Rate-limit headers ----------------------------------------------------------------------
def test_api_answers_count_the_rate_down(world):
    _, _, buyer, _ = world
    first, second = buyer.get("/api/v1/buyer/orders/"), buyer.get("/api/v1/buyer/orders/")
    assert first["X-RateLimit-Limit"] == "1200"
    assert int(first["X-RateLimit-Remaining"]) - int(second["X-RateLimit-Remaining"]) == 1
    assert time.time() <= int(second["X-RateLimit-Reset"]) <= time.time() + 60
    assert "X-RateLimit-Limit" not in Client().get("/signin/")  # pages are not the API


def test_a_write_reports_the_tightest_rate_it_met(world):
    order, _, buyer, _ = world
    sent = buyer.post(
        f"/api/v1/buyer/orders/{order.order_id}/messages/",
        {"subject": "enquiry", "body": "Hello"},
        format="json",
    )
    assert sent.status_code == 201
    assert (sent["X-RateLimit-Limit"], sent["X-RateLimit-Remaining"]) == (
        "20",
        "19",
    )  # contact_seller: 20 an hour


def test_past_the_api_rate_reads_are_429_with_nothing_left(world, settings):
    settings.WRITE_RATES = {"api": (2, 60)}
    _, _, buyer, _ = world
    assert [buyer.get("/api/v1/buyer/orders/").status_code for _ in range(3)] == [200, 200, 429]
    refused = buyer.get("/api/v1/buyer/orders/")
    assert refused["X-RateLimit-Remaining"] == "0" and int(refused["Retry-After"]) >= 1


# --- Idempotency -----------------------------------------------------------------------------
WRITES = {
    "contact seller": ("buyer", lambda o, i: (f"/api/v1/buyer/orders/{o.order_id}/messages/", {"subject": "enquiry", "body": "Where is it?"})),
    "request a return": ("buyer", lambda o, i: (f"/api/v1/buyer/orders/{o.order_id}/returns/", {"items": [{"order_item": i.pk, "quantity": 1, "reason": "missing_parts", "comment": ""}]})),
    "reply to a thread": ("seller", lambda o, i: (f"/api/v1/seller/threads/{messaging.contact_seller(order=o, subject='enquiry', body='Hi').thread_id}/reply/", {"body": "On its way."})),
    "file a claim": ("buyer", lambda o, i: (f"/api/v1/buyer/orders/{o.order_id}/claims/", {"reason": "not_received", "body": "It never came."})),
}  # fmt: skip


def _rows() -> tuple[int, int, int, int]:
    return (
        Message.objects.count(),
        ReturnRequest.objects.count(),
        Claim.objects.count(),
        Refund.objects.count(),
    )


@pytest.mark.parametrize("write", WRITES)
def test_the_same_key_and_body_replays_the_first_answer_and_acts_once(world, write):
    order, item, buyer, seller_api = world
    client = buyer if WRITES[write][0] == "buyer" else seller_api
    path, body = WRITES[write][1](order, item)
    first = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == 201, first.content
    acted = _rows()
    again = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (201, first.content, "true")
    assert "Idempotent-Replayed" not in first
    assert _rows() == acted


def test_seller_decisions_replay_and_a_changed_body_is_422_changing_nothing(world):
    order, item, buyer, seller_api = world
    requested = buyer.post(f"/api/v1/buyer/orders/{order.order_id}/returns/", {"items": [{"order_item": item.pk, "quantity": 1, "reason": "missing_parts", "comment": ""}]}, format="json").json()  # fmt: skip
    path = f"/api/v1/seller/returns/{requested['id']}/"
    authorised = seller_api.post(path + "authorise/", {}, format="json", HTTP_IDEMPOTENCY_KEY="auth")
    replayed = seller_api.post(path + "authorise/", {}, format="json", HTTP_IDEMPOTENCY_KEY="auth")
    assert authorised.status_code == 200 and replayed.content == authorised.content
    refund = seller_api.post(path + "refund/", {"amount": "6.49"}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert refund.status_code == 201
    changed = seller_api.post(path + "refund/", {"amount": "1.00"}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert changed.status_code == 422
    assert changed.json()["errors"][0] == {
        "code": "idempotency_key_reused",
        "message": changed.json()["detail"],
        "field": "Idempotency-Key",
    }
    other_path = seller_api.post(
        path + "deny/", {"reason": "other", "message": "no"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    assert other_path.status_code == 422
    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("6.49")]
    assert ReturnRequest.objects.get().status == "closed"


def test_an_idempotent_write_with_a_token_reads_the_token_once(world, customer):
    order, _, _, _ = world
    token = (
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": customer.user.username, "password": factories.PASSWORD},
            format="json",
        )
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"subject": "enquiry", "body": "Where is it?"}
    with CaptureQueriesContext(connection) as ran:
        sent = client.post(
            f"/api/v1/buyer/orders/{order.order_id}/messages/",
            body,
            format="json",
            HTTP_IDEMPOTENCY_KEY="once",
        )
    assert sent.status_code == 201, sent.content
    # The token is looked up by its key once, by the key's holder and the view alike.
    lookups = [q for q in ran.captured_queries if 'WHERE "knox_authtoken"."token_key" =' in q["sql"]]
    assert len(lookups) == 1
    # Without a token or a session, the view still answers for itself: a 401, no key kept.
    anonymous = APIClient().post(
        f"/api/v1/buyer/orders/{order.order_id}/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="anon"
    )
    assert anonymous.status_code == 401 and not IdempotentRequest.objects.filter(key="anon").exists()


def test_keys_are_each_users_own(world, seller):
    order, _, buyer, _ = world
    other_order = factories.OrderFactory(seller=seller)
    other = APIClient()
    other.force_authenticate(other_order.customer.user)
    body = {"subject": "enquiry", "body": "Where is it?"}
    assert buyer.post(f"/api/v1/buyer/orders/{order.order_id}/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201  # fmt: skip
    theirs = other.post(f"/api/v1/buyer/orders/{other_order.order_id}/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")  # fmt: skip
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Message.objects.count() == 2


def test_a_bad_key_is_400_and_a_refused_write_is_replayed_too(world):
    order, _, buyer, _ = world
    path = f"/api/v1/buyer/orders/{order.order_id}/messages/"
    bad = buyer.post(path, {"subject": "enquiry", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "Idempotency-Key"
    invalid = buyer.post(
        path, {"subject": "enquiry", "body": "x" * 4001}, format="json", HTTP_IDEMPOTENCY_KEY="v"
    )
    again = buyer.post(
        path, {"subject": "enquiry", "body": "x" * 4001}, format="json", HTTP_IDEMPOTENCY_KEY="v"
    )
    assert (invalid.status_code, again.status_code, again.content) == (400, 400, invalid.content)
    assert not Message.objects.exists()


def test_old_keys_are_forgotten(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from sellercentral.idempotency import forget_old_keys

    order, _, buyer, _ = world
    buyer.post(f"/api/v1/buyer/orders/{order.order_id}/messages/", {"subject": "enquiry", "body": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="old")  # fmt: skip
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert forget_old_keys() == 1 and not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_with_one_key_at_once_refund_once(seller, customer):
    seller_user = factories.seller_user(seller)
    order = factories.OrderFactory(seller=seller, customer=customer)
    item = factories.OrderItemFactory(order=order, quantity=2, unit_price=Decimal("6.49"))
    factories.return_address(seller)
    buyer = APIClient()
    buyer.force_authenticate(customer.user)
    requested = buyer.post(f"/api/v1/buyer/orders/{order.order_id}/returns/", {"items": [{"order_item": item.pk, "quantity": 1, "reason": "missing_parts", "comment": ""}]}, format="json").json()  # fmt: skip
    answers, barrier = [], threading.Barrier(2)

    def refund() -> None:
        client = APIClient()
        client.force_authenticate(seller_user)
        barrier.wait()
        try:
            answers.append(client.post(f"/api/v1/seller/returns/{requested['id']}/refund/", {"amount": "6.49"}, format="json", HTTP_IDEMPOTENCY_KEY="once"))  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=refund) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Refund.objects.count() == 1


def test_the_schema_declares_the_headers_on_every_operation():
    schema = APIClient().get("/api/schema/?format=json").json()
    operations = [
        (method, operation) for item in schema["paths"].values() for method, operation in item.items()
    ]
    assert len(operations) > 30
    for method, operation in operations:
        names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert "X-Request-Id" in names and names.count("Idempotency-Key") == (method != "get")
        for answer in operation["responses"].values():
            assert {"X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
                answer.get("headers", {})
            ), operation["operationId"]
