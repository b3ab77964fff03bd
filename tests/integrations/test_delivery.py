"""Webhooks delivered for real: a signed POST to an HTTP server on 127.0.0.1, retried with
backoff from the stored schedule (time travelled, sweeps called directly), 410 switching the
subscription off, and one attempt however many workers are handed the same delivery."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from integrations import locks, policy, services
from integrations.models import Delivery, Event
from integrations.tasks import send_due_webhooks
from returns import services as returns

pytestmark = pytest.mark.django_db


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The check docs/integrations.md gives integrators, written out from it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['Webhook-Id']}.{headers['Webhook-Timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers["Webhook-Signature"].split() if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, signature) for signature in given)


def request_return(order, customer):
    item = order.items.get()
    return returns.request_return(
        order=order,
        customer=customer,
        items=[returns.RequestedItem(order_item_id=item.pk, quantity=1, reason="missing_parts")],
    )[0]


def test_an_event_is_posted_signed_once_its_change_commits(order, customer, subscribe, endpoint, on_commit):
    subscription = subscribe(["return.requested"])

    return_request = on_commit(request_return, order, customer)

    [received] = endpoint.received
    event = Event.objects.get(type="return.requested")
    body = json.loads(received.body)
    assert body["id"] == received.headers["Webhook-Id"] == f"evt_{event.pk}"
    assert (body["type"], body["data"]["return_id"]) == ("return.requested", return_request.pk)
    assert set(body) == {"id", "type", "occurred_at", "data"}
    assert abs(int(received.headers["Webhook-Timestamp"]) - timezone.now().timestamp()) < 60
    assert verify(subscription.secret, received.headers, received.body)
    assert not verify(subscription.secret, received.headers, received.body + b" ")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    [attempt] = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 204, "")


def test_only_subscriptions_to_the_type_get_a_delivery(order, customer, subscribe, endpoint, on_commit):
    subscribe(["claim.filed"])

    on_commit(request_return, order, customer)

    assert endpoint.received == [] and not Delivery.objects.exists()


def test_a_failing_endpoint_is_retried_with_backoff_and_the_log_shows_each_attempt(
    order, customer, subscribe, endpoint, on_commit
):
    subscribe(["return.requested"])
    endpoint.answers = [500, 503]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        on_commit(request_return, order, customer)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        # The first retry waits about a minute (± a fifth): not yet at 40 seconds.
        clock.move_to(start + timedelta(seconds=40))
        assert send_due_webhooks() == 0
        assert len(endpoint.received) == 1
        clock.move_to(start + timedelta(seconds=80))
        assert send_due_webhooks() == 0  # tried, and failed again (503)
        delivery.refresh_from_db()
        wait = delivery.next_attempt_at - (start + timedelta(seconds=80))
        assert timedelta(minutes=3.2) <= wait <= timedelta(minutes=4.8)  # 4 minutes ± a fifth
        clock.move_to(delivery.next_attempt_at)
        assert send_due_webhooks() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert [attempt.status_code for attempt in delivery.attempt_log.all()] == [500, 503, 204]
    assert len({received.headers["Webhook-Id"] for received in endpoint.received}) == 1  # one event


def test_after_the_last_attempt_a_delivery_fails_for_good_about_a_day_later(
    order, customer, subscribe, endpoint, on_commit
):
    subscribe(["return.requested"])
    endpoint.answers = [500] * policy.MAX_ATTEMPTS
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        on_commit(request_return, order, customer)
        delivery = Delivery.objects.get()
        while delivery.status == "pending":
            clock.move_to(delivery.next_attempt_at)
            send_due_webhooks()
            delivery.refresh_from_db()
        clock.move_to(timezone.now() + timedelta(days=2))
        assert send_due_webhooks() == 0

    assert (delivery.status, delivery.attempts, len(endpoint.received)) == ("failed", 8, 8)
    first, *_, last = delivery.attempt_log.all()
    assert timedelta(hours=15) < last.attempted_at - first.attempted_at < timedelta(hours=30)


def test_410_gone_switches_the_subscription_off(order, customer, subscribe, endpoint, on_commit):
    subscription = subscribe(["return.requested"])
    endpoint.answers = [410]

    on_commit(request_return, order, customer)
    subscription.refresh_from_db()
    on_commit(returns.cancel_return, return_request=order.return_requests.get(), actor=None)

    assert (subscription.is_active, subscription.disabled_reason) == (
        False,
        "The endpoint answered 410 Gone.",
    )
    assert Delivery.objects.get().status == "failed"
    assert len(endpoint.received) == 1


def test_a_delivered_or_not_yet_due_delivery_is_not_posted_again(
    order, customer, subscribe, endpoint, on_commit
):
    subscribe(["return.requested"])
    endpoint.answers = [500]
    on_commit(request_return, order, customer)
    delivery = Delivery.objects.get()

    assert services.deliver(delivery_id=delivery.pk) is False  # a second task: not due yet
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert services.deliver(delivery_id=delivery.pk) is True
        assert services.deliver(delivery_id=delivery.pk) is True  # already delivered

    assert len(endpoint.received) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_delivery_another_worker_holds_is_left_to_it(order, customer, subscribe, endpoint, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks skipped by other workers are PostgreSQL's (SQLite has one writer at a time)")
    subscription = subscribe(["return.requested"])
    endpoint.answers = [500]
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        request_return(order, customer)  # committed: its task ran and failed once
    delivery = Delivery.objects.get(subscription=subscription)
    holding, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                locks.lock_pending_delivery(delivery.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    holding.wait(10)
    try:
        assert services.deliver(delivery_id=delivery.pk) is False
        assert send_due_webhooks() == 0
    finally:
        release.set()
        worker.join()

    assert len(endpoint.received) == 1
    assert services.deliver(delivery_id=delivery.pk) is True
    assert len(endpoint.received) == 2


def test_a_test_event_goes_to_its_subscription_alone(subscribe, endpoint, on_commit, seller):
    subscription = subscribe(["claim.filed"])

    on_commit(services.send_test_event, subscription=subscription)

    [received] = endpoint.received
    assert json.loads(received.body)["type"] == "webhook.test"
    assert verify(subscription.secret, received.headers, received.body)


def test_an_endpoint_that_became_private_is_not_called(
    order, customer, subscribe, endpoint, on_commit, settings
):
    subscribe(["return.requested"])
    settings.WEBHOOKS_ALLOW_LOOPBACK = False  # production: 127.0.0.1 is our own machine

    on_commit(request_return, order, customer)

    assert endpoint.received == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == (
        "pending",
        "The URL must point to a public internet address.",
    )
