"""Automatic authorisation and the 24-hour timer with real worker and beat processes; the
worker is killed mid-queue (SIGKILL).

A second worker and the beat sweeps finish the job: every request ends authorised exactly
once, whatever the broker did with the message that was in flight, and every 24-hour breach
is marked within two sweep intervals of when it could first be seen.
"""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import services as messaging
from messaging.models import Message
from returns import automation, services
from returns.models import ReturnEvent, ReturnRequest
from sellercentral.models import Heartbeat

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


SWEEP_SECONDS = 2


def test_requests_are_authorised_once_and_breaches_marked_in_time_when_a_worker_is_killed(
    broker_mode, start_process, queue, order, customer, card, seller, tmp_path
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
    # Ten buyer messages whose 24 hours run out one second apart, from 4 s after now on.
    questions = [
        messaging.contact_seller(order=order, subject="enquiry", body=f"Question {n}") for n in range(10)
    ]
    start = timezone.now()
    for n, question in enumerate(questions):
        Message.objects.filter(pk=question.pk).update(response_deadline=start + timedelta(seconds=4 + n))
    start_process(
        "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile", str(tmp_path / "beat.pid"),
        RESPONSE_TIMER_INTERVAL_SECONDS=str(SWEEP_SECONDS), RETURN_TIMERS_INTERVAL_SECONDS=str(SWEEP_SECONDS),
    )  # fmt: skip
    first = start_process(*WORKER, "-Q", queue)
    assert wait_for(lambda: _authorised() >= 1, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    handled_by_first = _authorised()
    killed_at = timezone.now()
    assert wait_for(lambda: timezone.now() > killed_at + timedelta(seconds=3), timeout=5)  # no worker
    start_process(*WORKER, "-Q", queue)
    # The new worker is up when it runs beat's heartbeat (every second).
    restarted = Heartbeat.objects.filter(source="beat", last_seen_at__gt=killed_at + timedelta(seconds=3))
    assert wait_for(restarted.exists)
    ready_at = restarted.get().last_seen_at
    wait_until_quiet(_authorised, target=len(requests))
    assert wait_for(
        lambda: not Message.objects.filter(pk__in=[q.pk for q in questions], overdue_at=None).exists()
    )
    for question in Message.objects.filter(pk__in=[q.pk for q in questions]):
        visible_from = max(question.response_deadline, ready_at)
        assert question.overdue_at >= question.response_deadline
        assert question.overdue_at - visible_from <= timedelta(seconds=2 * SWEEP_SECONDS), (
            f"deadline {question.response_deadline:%T.%f}, worker ready {ready_at:%T.%f}, "
            f"marked {question.overdue_at:%T.%f}"
        )
    assert messaging.mark_overdue_messages() == 0  # marked once: later sweeps change nothing
    # Beat's sweep is the backstop for the message the killed worker held unacknowledged
    # (a solo-pool worker does not restore another's unacked messages).
    automation.apply_missed_rules(older_than=timedelta(0))
    assert _authorised() == len(requests), f"first worker handled {handled_by_first}"
    for request in requests:
        assert ReturnEvent.objects.filter(return_request=request, event="authorise").count() == 1
    assert ReturnRequest.objects.filter(rule_applied_at__isnull=True).count() == 0
    assert len(set(ReturnRequest.objects.values_list("rma", flat=True))) == len(requests)
