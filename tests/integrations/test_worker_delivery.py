"""Webhooks with real worker and beat processes on the broker: every event queued while no
worker ran is delivered once, though each send task was queued twice (a redelivered message)
and two workers and the beat sweep compete for them."""

import pytest

from integrations.models import Delivery
from integrations.tasks import send_webhook
from returns import services as returns

from ..workers import wait_for, wait_until_quiet

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WORKER = ("worker", "--pool=solo", "--without-heartbeat", "--without-mingle", "--without-gossip")
EVENTS = 10


def test_each_event_is_delivered_once_by_competing_workers(
    broker_mode, start_process, queue, order, customer, subscribe, endpoint, tmp_path
):
    subscribe(["return.requested"])
    item = order.items.get()
    item.quantity = EVENTS
    item.save(update_fields=["quantity"])
    for _ in range(EVENTS):  # each commit queues its send task; no worker is running yet
        returns.request_return(
            order=order, customer=customer, items=[returns.RequestedItem(item.pk, 1, "unwanted")]
        )
    for pk in Delivery.objects.values_list("pk", flat=True):
        send_webhook.delay(pk)  # the same task again, as a broker redelivers one

    start_process(
        "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile", str(tmp_path / "beat.pid"), WEBHOOK_SWEEP_INTERVAL_SECONDS="1",
    )  # fmt: skip
    start_process(*WORKER, "-Q", queue, "-n", "one@%h")
    start_process(*WORKER, "-Q", queue, "-n", "two@%h")

    def delivered() -> int:
        return Delivery.objects.filter(status="delivered").count()

    assert wait_for(lambda: delivered() == EVENTS, timeout=90)
    # Then let the duplicate tasks and the sweeps run out: a double POST would show here.
    wait_until_quiet(lambda: len(endpoint.received), target=EVENTS + 1, quiet=5)
    ids = [received.headers["Webhook-Id"] for received in endpoint.received]
    assert len(ids) == len(set(ids)) == EVENTS
