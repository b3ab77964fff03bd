"""Contact Response Time against docs/metrics.md: named boundaries and a property test with an
oracle, with the roll-up of settled hours in use (rolled up to various moments) or not."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging.models import Message
from metrics import selectors, services
from metrics.models import ResponseHour, ResponseRollup

from .. import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
MESSAGE_NUMBERS = itertools.count()


@pytest.fixture
def thread(seller):
    from messaging import services

    order = factories.order_with_items(seller=seller)
    return services.open_thread_for_order(order=order)


def _buyer_message(thread, sent_at, *, responded_at=None, auto=False, system=False, no_response_needed=False):
    n = next(MESSAGE_NUMBERS)
    counted = not auto and not system
    return Message.objects.create(
        thread=thread, seller=thread.seller, direction="system" if system else "received", channel="email",
        sender_name="Seller Central" if system else "Buyer",
        subject="Q", message_id=f"<m{n}@t>", relay_message_id=f"<r{n}@t>", sent_at=sent_at,
        needs_response=counted, is_auto_reply=auto, is_system=system, no_response_needed=no_response_needed,
        response_deadline=sent_at + timedelta(hours=24) if counted else None, responded_at=responded_at,
    )  # fmt: skip


def roll_up(at):
    """The roll-up as the sweep leaves it when run at ``at`` (None: never run), from nothing."""
    ResponseHour.objects.all().delete()
    ResponseRollup.objects.all().delete()
    if at is not None:
        services.roll_up_settled_hours(now=at)


# When the sweep last ran: never; 45 days back (the watermark in the middle of the windows);
# just now (the last settled hour); three days after (the page read as of a moment the roll-up
# has passed: hours with later replies or deadlines are counted live).
ROLLS = [None, NOW - timedelta(days=45), NOW, NOW + timedelta(days=3)]


def _window(seller, days=7):
    return next(w for w in selectors.contact_response_time(seller, now=NOW).windows if w.days == days)


def test_exactly_24_hours_is_under_and_a_millisecond_more_is_over(seller, thread):
    sent = NOW - 3 * 24 * H
    _buyer_message(thread, sent, responded_at=sent + 24 * H)
    _buyer_message(thread, sent, responded_at=sent + 24 * H + timedelta(milliseconds=1))
    w = _window(seller)
    assert (w.under_24h, w.over_24h, w.no_response_over_24h) == (1, 1, 0)
    assert (w.under_24h_percent, w.late_percent) == (50.0, 50.0)


def test_the_7_day_window_edges(seller, thread):
    _buyer_message(thread, NOW - 7 * 24 * H + timedelta(seconds=1), responded_at=NOW - 6 * 24 * H)
    _buyer_message(thread, NOW - 7 * 24 * H - timedelta(seconds=1), responded_at=NOW - 6 * 24 * H)
    assert _window(seller, 7).counted == 1
    assert _window(seller, 30).counted == 2


def test_unanswered_inside_24_hours_is_not_counted_yet(seller, thread):
    _buyer_message(thread, NOW - 23 * H - timedelta(minutes=59))
    w = _window(seller)
    assert (w.counted, w.under_24h_percent) == (0, None)
    assert selectors.contact_response_time(seller, now=NOW).unanswered_last_7_days == 1
    assert selectors.contact_response_time(seller, now=NOW).status == "no_data"


def test_unanswered_after_24_hours_is_no_response(seller, thread):
    _buyer_message(thread, NOW - 25 * H)
    w = _window(seller)
    assert (w.no_response_over_24h, w.late, w.late_percent) == (1, 1, 100.0)


def test_automatic_system_and_no_response_needed_messages_are_never_counted(seller, thread):
    _buyer_message(thread, NOW - 30 * H, auto=True)
    _buyer_message(thread, NOW - 30 * H, system=True)
    _buyer_message(thread, NOW - 30 * H, no_response_needed=True)
    assert _window(seller).counted == 0


def test_average_and_status(seller, thread):
    _buyer_message(thread, NOW - 50 * H, responded_at=NOW - 50 * H + timedelta(hours=2, minutes=30))
    _buyer_message(thread, NOW - 40 * H, responded_at=NOW - 40 * H + timedelta(hours=2, minutes=30))
    crt = selectors.contact_response_time(seller, now=NOW)
    assert crt.windows[0].average_response == timedelta(hours=2, minutes=30)
    assert crt.status == "good"
    _buyer_message(thread, NOW - 30 * H)
    assert selectors.contact_response_time(seller, now=NOW).status == "at_risk"


def test_two_queries_for_all_windows(seller, thread, django_assert_num_queries):
    _buyer_message(thread, NOW - 30 * H, responded_at=NOW - 29 * H)
    _buyer_message(thread, NOW - 20 * 24 * H, responded_at=NOW - 19 * 24 * H)
    roll_up(NOW)
    # 1 the roll-up's settled hours by segment (and where they stop), 1 the messages after
    # them and in each window's first part hour
    with django_assert_num_queries(2):
        crt = selectors.contact_response_time(seller, now=NOW)
    assert [w.under_24h for w in crt.windows] == [1, 2, 2]


def oracle(messages, now, days):
    """docs/metrics.md written as plainly as possible."""
    under = over = none = 0
    delays = []
    for sent, responded, counted in messages:
        if not counted or not (now - timedelta(days=days) <= sent <= now):
            continue
        if responded is not None and responded <= now:
            delays.append(responded - sent)
            if responded - sent <= timedelta(hours=24):
                under += 1
            else:
                over += 1
        elif now - sent > timedelta(hours=24):
            none += 1
    average = sum(delays, timedelta()) / len(delays) if delays else None
    return under, over, none, average


history = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=100 * 24 * 3600),  # seconds before now
        st.one_of(
            st.none(),
            st.integers(min_value=0, max_value=60 * 3600),
            st.sampled_from([24 * 3600, 24 * 3600 + 1]),
        ),
        st.sampled_from(["counted", "auto", "system", "no_response_needed"]),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=history, rolled_at=st.sampled_from(ROLLS))
def test_the_selector_agrees_with_the_oracle(seller, thread, history, rolled_at):
    Message.objects.all().delete()
    roll_up(None)
    expected = []
    for ago, delay, kind in history:
        sent = NOW - timedelta(seconds=ago)
        responded = sent + timedelta(seconds=delay) if delay is not None else None
        _buyer_message(
            thread, sent, responded_at=responded, auto=kind == "auto", system=kind == "system",
            no_response_needed=kind == "no_response_needed",
        )  # fmt: skip
        expected.append((sent, responded, kind == "counted"))
    roll_up(rolled_at)
    crt = selectors.contact_response_time(seller, now=NOW)
    for window in crt.windows:
        under, over, none, average = oracle(expected, NOW, window.days)
        assert (window.under_24h, window.over_24h, window.no_response_over_24h) == (under, over, none)
        if average is None:
            assert window.average_response is None
        else:
            assert abs(window.average_response - average) < timedelta(milliseconds=1)


def test_a_reply_is_judged_against_the_deadline_stored_with_the_message(seller, thread):
    # Given a message whose stored deadline is one hour (the 24 hours are messaging's rule,
    # written on the message when it is stored; metrics keeps no copy of it)
    sent = NOW - 3 * 24 * H
    message = _buyer_message(thread, sent, responded_at=sent + 2 * H)
    Message.objects.filter(pk=message.pk).update(response_deadline=sent + H)
    # then a reply after two hours is late
    w = _window(seller)
    assert (w.under_24h, w.over_24h) == (0, 1)


def test_a_system_message_neither_counts_nor_answers_a_buyer(seller, thread):
    from messaging import services

    asked = services.contact_seller(order=thread.order, subject="enquiry", body="Where is my card?")
    denied = services.post_system_message(
        order=thread.order, notice=factories.notice("Return denied", "Used.")
    )
    asked.refresh_from_db()
    assert asked.responded_at is None  # the seller's decision is not an answer
    now = asked.sent_at + 30 * H
    report = selectors.contact_response_time(seller, now=now)
    assert (report.windows[0].counted, report.windows[0].no_response_over_24h) == (1, 1)
    assert not selectors.counted_messages(seller).filter(pk=denied.pk).exists()


def daily_oracle(messages, now, days):
    """The trend of docs/metrics.md: per local day of receipt, settled messages and those answered
    within 24 hours, for the last ``days`` days (today's include those sent after ``now``)."""
    today = timezone.localdate(now)
    counted, under = {}, {}
    for sent, responded, is_counted in messages:
        if not is_counted or sent < now - timedelta(days=days):
            continue
        answered = responded is not None and responded <= now
        if not answered and now - sent <= timedelta(hours=24):
            continue  # still inside its 24 hours: not settled
        day = timezone.localdate(sent)
        counted[day] = counted.get(day, 0) + 1
        under[day] = under.get(day, 0) + (answered and responded - sent <= timedelta(hours=24))
    first = today - timedelta(days=days - 1)
    return [
        (
            first + timedelta(days=n),
            counted.get(first + timedelta(days=n), 0),
            under.get(first + timedelta(days=n), 0),
        )
        for n in range(days)
    ]


def test_the_page_query_counts_windows_and_trend_at_once(seller, thread, django_assert_num_queries):
    _buyer_message(thread, NOW - 30 * H, responded_at=NOW - 29 * H)
    roll_up(NOW)
    # 1 the roll-up's settled hours, 1 the messages after them and in each window's first hour
    with django_assert_num_queries(2):
        crt, daily = selectors.response_figures(seller, now=NOW)
    assert [w.under_24h for w in crt.windows] == [1, 1, 1]
    assert [(d.day, d.counted, d.under_24h) for d in daily if d.counted] == [
        (timezone.localdate(NOW - 30 * H), 1, 1)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    history=st.lists(
        st.tuples(
            # From 3 hours after now (today's trend counts them) to 100 days before.
            st.integers(min_value=-3 * 3600, max_value=100 * 24 * 3600),
            st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 3600), st.just(24 * 3600 + 1)),
            st.sampled_from(["counted", "counted", "no_response_needed"]),
        ),
        max_size=25,
    ),
    # Asia/Kolkata's midnights are not whole UTC hours: the roll-up is not used there.
    zone=st.sampled_from(["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata"]),
    # Windows and 90 days that cross the summer-time changes of March and October.
    now=st.sampled_from(
        [
            NOW,
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 59, tzinfo=UTC),
            datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
        ]
    ),
    rolled=st.sampled_from([None, -45 * 24 * H, timedelta(0), 3 * 24 * H]),
)
def test_the_page_query_agrees_with_the_oracles_across_days_and_time_zones(
    seller, thread, history, zone, now, rolled
):
    # Given messages around local midnights, a summer-time change and the window edges
    Message.objects.all().delete()
    roll_up(None)
    expected = []
    for ago, delay, kind in history:
        sent = now - timedelta(seconds=ago)
        responded = sent + timedelta(seconds=delay) if delay is not None else None
        _buyer_message(thread, sent, responded_at=responded, no_response_needed=kind == "no_response_needed")
        expected.append((sent, responded, kind == "counted"))
    # rolled up to some moment (before the windows' middle, the last settled hour, or later)
    roll_up(None if rolled is None else now + rolled)
    # when the page reads them in the reader's time zone
    with timezone.override(zone):
        crt, daily = selectors.response_figures(seller, now=now)
        # then each window equals the oracle and the figure alone, and each day the trend's oracle
        assert [(d.day, d.counted, d.under_24h) for d in daily] == daily_oracle(expected, now, 90)
    assert crt == selectors.contact_response_time(seller, now=now)
    for window in crt.windows:
        under, over, none, average = oracle(expected, now, window.days)
        assert (window.under_24h, window.over_24h, window.no_response_over_24h) == (under, over, none)
        assert (window.average_response is None) == (average is None)
        if average is not None:
            assert abs(window.average_response - average) < timedelta(milliseconds=1)
    unanswered = sum(
        1
        for sent, responded, is_counted in expected
        if is_counted and now - timedelta(days=7) <= sent <= now and (responded is None or responded > now)
    )
    assert crt.unanswered_last_7_days == unanswered
