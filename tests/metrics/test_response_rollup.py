"""Contact Response Time's roll-up (docs/metrics.md, "The roll-up"): what the sweep writes, that
the page reads it, and that every later change to a rolled-up message keeps the figures equal
to the oracle and the table equal to a rebuild from the messages."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging import services as messaging
from messaging.models import Message, Thread
from metrics import selectors, services
from metrics.models import ResponseHour, ResponseRollup
from sellercentral.celery import _beat_schedule

from .. import factories
from .test_contact_response_time import NOW, _buyer_message, daily_oracle, oracle, roll_up

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
DAY = timedelta(days=1)


def _thread(seller):
    return messaging.open_thread_for_order(order=factories.order_with_items(seller=seller))


@pytest.fixture
def thread(seller):
    return _thread(seller)


def table() -> list[tuple]:
    """The roll-up's rows, the reply seconds to the millisecond (added in any order)."""
    return sorted(
        (seller, hour, under, over, none, round(seconds, 3), settled)
        for seller, hour, under, over, none, seconds, settled in ResponseHour.objects.values_list(
            "seller_id", "hour", "under_24h", "over_24h", "no_response", "answered_seconds", "settled_at"
        )
    )


def rebuilt() -> list[tuple]:
    """The table a rebuild from the messages writes (the watermark as it was)."""
    watermark = ResponseRollup.objects.get().watermark
    services.rebuild_response_rollup(now=watermark + 25 * H)
    assert ResponseRollup.objects.get().watermark == watermark
    return table()


def assert_equal_to_the_oracle(seller, now, zone="Europe/London"):
    rows = [
        (sent, responded, direction == "received" and needs and not no_response)
        for sent, responded, direction, needs, no_response in Message.objects.filter(
            seller=seller
        ).values_list("sent_at", "responded_at", "direction", "needs_response", "no_response_needed")
    ]
    with timezone.override(zone):
        crt, daily = selectors.response_figures(seller, now=now)
        assert [(d.day, d.counted, d.under_24h) for d in daily] == daily_oracle(rows, now, 90)
    for window in crt.windows:
        under, over, none, average = oracle(rows, now, window.days)
        assert (window.under_24h, window.over_24h, window.no_response_over_24h) == (under, over, none)
        assert (window.average_response is None) == (average is None)
        if average is not None:
            assert abs(window.average_response - average) < timedelta(milliseconds=1)
    week = now - timedelta(days=7)
    assert crt.unanswered_last_7_days == sum(
        1
        for sent, responded, counted in rows
        if counted and week <= sent <= now and (responded is None or responded > now)
    )


def test_the_sweep_rolls_each_settled_hour_of_each_seller_into_one_row(seller, thread):
    # Given, ten days ago, a message answered in two hours, one in 30 and one unanswered,
    # all in the same hour, and one more in a later hour; and one received 20 hours ago
    sent = datetime(2026, 11, 18, 9, 15, tzinfo=UTC)
    _buyer_message(thread, sent, responded_at=sent + 2 * H)
    _buyer_message(thread, sent + timedelta(minutes=30), responded_at=sent + 30 * H)
    _buyer_message(thread, sent + timedelta(minutes=44))
    _buyer_message(thread, sent + H, responded_at=sent + 3 * H)
    _buyer_message(thread, NOW - 20 * H)
    _buyer_message(thread, sent, auto=True)  # never counted
    # when the sweep runs
    services.roll_up_settled_hours(now=NOW)
    # then each hour with counted messages is one row, and the watermark is the hour after
    # the last one whose every deadline passed an hour ago; the recent message is not rolled up
    hour = datetime(2026, 11, 18, 9, tzinfo=UTC)
    assert table() == [
        (seller.pk, hour, 1, 1, 1, (2 * H + 30 * H - timedelta(minutes=30)).total_seconds(), sent + 30 * H),
        (seller.pk, hour + H, 1, 0, 0, 7200.0, sent + 3 * H),
    ]
    assert ResponseRollup.objects.get().watermark == NOW - 25 * H == datetime(2026, 11, 27, 11, tzinfo=UTC)


def test_a_second_sweep_finds_nothing_to_do(seller, thread):
    for days in range(1, 100, 7):
        _buyer_message(thread, NOW - days * DAY, responded_at=NOW - days * DAY + days * H)
    assert services.roll_up_settled_hours(now=NOW) == 14  # not yesterday's, yet
    first = table()
    assert services.roll_up_settled_hours(now=NOW) == 0
    assert table() == first
    # and an hour later, one more hour (empty here) is settled
    services.roll_up_settled_hours(now=NOW + H)
    assert ResponseRollup.objects.get().watermark == datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert table() == first


def test_the_page_reads_the_roll_up(seller, thread):
    # Given a message of ten days ago answered in time, rolled up
    message = _buyer_message(thread, NOW - 10 * DAY, responded_at=NOW - 10 * DAY + H)
    roll_up(NOW)
    # when the message is changed behind the roll-up's back (an UPDATE tells no one)
    Message.objects.filter(pk=message.pk).update(responded_at=None)
    # then the page still shows what the roll-up holds; a rebuild brings it back to the messages
    assert selectors.contact_response_time(seller, now=NOW).windows[1].under_24h == 1
    call_command("rebuild_response_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert selectors.contact_response_time(seller, now=NOW).windows[1].no_response_over_24h == 1


def test_where_midnight_is_not_a_whole_utc_hour_the_page_scans_it_all(
    seller, thread, django_assert_num_queries
):
    _buyer_message(thread, NOW - 10 * DAY, responded_at=NOW - 10 * DAY + H)
    roll_up(NOW)
    with timezone.override("Asia/Kolkata"), django_assert_num_queries(1):  # the messages of 90 days
        kolkata = selectors.response_figures(seller, now=NOW)
    with timezone.override("Europe/London"), django_assert_num_queries(2):  # roll-up, then the rest
        london = selectors.response_figures(seller, now=NOW)
    assert kolkata[0] == london[0]
    assert kolkata[1][-10 - 1].counted == 1  # the day it came (+05:30), as the oracle says
    assert_equal_to_the_oracle(seller, NOW, zone="Asia/Kolkata")


def test_the_roll_up_is_a_beat_sweep():
    assert _beat_schedule()["roll-up-response-hours"]["task"] == "metrics.tasks.roll_up_response_hours"


# --- Changes after the roll -------------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["reply", "mark", "mark_by_reply", "delete", "delete_thread", "backdated"]),
        st.integers(min_value=0, max_value=2),  # which thread
        st.integers(min_value=0, max_value=40),  # which message (modulo) / hours before the roll
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    history=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=2),
            st.integers(min_value=0, max_value=95 * 24),  # hours before the roll
            st.one_of(st.none(), st.integers(min_value=0, max_value=40)),  # hours to the reply
        ),
        max_size=15,
    ),
    actions=ACTIONS,
)
def test_changes_after_the_roll_keep_it_equal_to_the_oracle_and_to_a_rebuild(seller, history, actions):
    # Given three conversations with messages of the last 95 days, rolled up at NOW
    Message.objects.all().delete()
    Thread.objects.filter(seller=seller).delete()
    roll_up(None)
    threads = [_thread(seller) for _ in range(3)]
    for which, hours, reply in history:
        sent = NOW - hours * H - timedelta(minutes=hours % 60)
        responded = sent + reply * H if reply is not None and sent + reply * H <= NOW else None
        _buyer_message(threads[which], sent, responded_at=responded)
    roll_up(NOW)
    assert_equal_to_the_oracle(seller, NOW)
    # when, in the next hour, the seller replies late, marks messages "no response needed" (by
    # itself or with a reply), messages or whole conversations are deleted, and messages from
    # before the watermark are stored (an import)
    moment = NOW
    for action, which, n in actions:
        moment += timedelta(minutes=5)
        with time_machine.travel(moment, tick=False):
            thread = Thread.objects.filter(pk=threads[which].pk).first()
            received = list(Message.objects.filter(thread=thread, direction="received").order_by("pk"))
            if thread is None:
                continue
            if action == "reply":
                messaging.reply_to_thread(thread=thread, body="Sorry for the wait.", sent_at=moment)
            elif action == "mark" and received:
                messaging.mark_no_response_needed(message=received[n % len(received)])
            elif action == "mark_by_reply":
                messaging.reply_to_thread(thread=thread, body="", no_response_needed=True, sent_at=moment)
            elif action == "delete" and received:
                received[n % len(received)].delete()
            elif action == "delete_thread":
                thread.delete()
            elif action == "backdated":
                sent = NOW - (30 + n) * H - timedelta(seconds=n)
                _buyer_message(thread, sent, responded_at=sent + n % 30 * H if n % 3 else None)
    # then the page still equals the oracle, and the roll-up what a rebuild writes
    later = moment + timedelta(minutes=1)
    assert_equal_to_the_oracle(seller, later)
    assert table() == rebuilt()
    assert_equal_to_the_oracle(seller, later)


def test_a_late_reply_recounts_its_hour_in_the_same_transaction(seller, thread):
    # Given a message of two days ago, unanswered, rolled up as "no response"
    sent = NOW - 2 * DAY
    _buyer_message(thread, sent)
    roll_up(NOW)
    [(*_, none, _seconds, _settled)] = table()
    assert none == 1
    # when the seller answers it now
    with time_machine.travel(NOW, tick=False):
        messaging.reply_to_thread(thread=thread, body="Here it is.")
    # then its hour holds an answer over 24 hours
    [(_seller, _hour, under, over, none, seconds, settled)] = table()
    assert (under, over, none, seconds, settled) == (0, 1, 0, 2 * 86400.0, NOW)


def test_a_message_stored_as_it_arrives_costs_no_roll_up_query(seller, thread, django_assert_num_queries):
    roll_up(NOW)
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(0):
        services.recount_response_hours(seller_id=seller.pk, sent_ats=[NOW - 23 * H])


# --- Two sweeps at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a test transaction, as beat runs
def test_two_sweeps_at_once_write_what_one_writes():
    # Given two sellers' messages over 95 days (committed: the sweeps run on their own connections)
    sellers = [factories.SellerAccountFactory(), factories.SellerAccountFactory()]
    for number, seller in enumerate(sellers):
        thread = _thread(seller)
        for days in range(95):
            sent = NOW - days * DAY - number * H
            _buyer_message(thread, sent, responded_at=sent + (days % 30) * H if days % 4 else None)
    ResponseRollup.objects.all().delete()
    # when two sweeps start together
    start, errors = threading.Barrier(2), []

    def sweep():
        try:
            start.wait()
            services.roll_up_settled_hours(now=NOW)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    runners = [threading.Thread(target=sweep) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    # then neither failed, and the table is the one a single sweep writes
    assert errors == []
    together = table()
    assert len(together) == 2 * 93  # every day but the last two, not settled yet
    services.rebuild_response_rollup(now=NOW)
    assert table() == together
