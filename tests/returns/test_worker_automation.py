"""Automatic authorisation by a real worker process, which is killed mid-queue (SIGKILL).

A second worker and the beat sweep finish the job: every request ends authorised exactly
once, whatever the broker did with the message that was in flight.
"""

import signal
from datetime import timedelta

import pytest

from returns import automation, services
from returns.models import ReturnEvent, ReturnRequest

from ..workers import wait_for, wait_until_quiet

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WORKER = (
    "worker",
    "--pool=solo",
    "--without-heartbeat",
    "--without-mingle",
    "--without-gossip",
    "--prefetch-multiplier=1",
)


def _authorised():
    return ReturnRequest.objects.filter(status="authorised").count()


def test_requests_are_authorised_once_even_when_a_worker_is_killed(
    broker_mode, start_process, queue, order, customer, card, seller
):
    services.update_return_settings(
        seller=seller, email_quick_links=False, return_window_days=30, rules={"uk": "all"}
    )
    card.quantity = 12  # twelve units, one per request: every request can be authorised
    card.save(update_fields=["quantity"])
    requests = [
        services.request_return(
            order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
        )[0]
        for _ in range(12)
    ]  # each commit queued its rule task; no worker is running yet
    first = start_process(*WORKER, "-Q", queue)
    assert wait_for(lambda: _authorised() >= 1, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    handled_by_first = _authorised()
    start_process(*WORKER, "-Q", queue)
    wait_until_quiet(_authorised, target=len(requests))
    # Beat's sweep is the backstop for the message the killed worker held unacknowledged
    # (a solo-pool worker does not restore another's unacked messages).
    automation.apply_missed_rules(older_than=timedelta(0))
    assert _authorised() == len(requests), f"first worker handled {handled_by_first}"
    for request in requests:
        assert ReturnEvent.objects.filter(return_request=request, event="authorise").count() == 1
    assert ReturnRequest.objects.filter(rule_applied_at__isnull=True).count() == 0
    assert len(set(ReturnRequest.objects.values_list("rma", flat=True))) == len(requests)
