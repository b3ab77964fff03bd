"""Contact Response Time and its daily trend, from one grouped query (docs/metrics.md).

Counted are buyer messages that need a response (not automatic, not system, not marked "no
response needed") received in the window; a message's response is the first seller reply
after it (``responded_at``, set by messaging). Answered within 24 h (``<=``) is under; answered
later is over; unanswered and older than 24 h is "no response"; unanswered and younger is not
counted yet.

Why one GROUP BY rather than a conditional aggregate per figure: thirteen FILTERed aggregates
re-test the window and the outcome for every message (4x the raw scan on the largest
seller). Here each message is classed once, by two cheap expressions: which *segment* of
time it was sent in (``width_bucket`` over the sorted window starts and local midnights, so no
segment straddles a window edge or a day) and its outcome. The database returns at most a few
hundred (segment, outcome) rows, which are added up here per window and per day; the page's
7/30/90 figures and its 90-day chart come from the same scan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from commerce.models import SellerAccount
from messaging.models import Message
from messaging.policy import counts_for_response_time

from .policy import STATUS_WINDOW, UNDER_TARGET, WINDOWS

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)  # the stored resolution: "sent_at <= now" is "< now + 1 µs"
UNDER, OVER, NO_RESPONSE, PENDING = range(4)  # a message's outcome, as of ``now``
ANSWERED, SETTLED, UNANSWERED = {UNDER, OVER}, {UNDER, OVER, NO_RESPONSE}, {NO_RESPONSE, PENDING}
UNANSWERED_DAYS = 7  # "messages you have not responded to in the past 7 days"


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class ResponseWindow:
    days: int
    start: datetime
    end: datetime
    under_24h: int
    over_24h: int
    no_response_over_24h: int
    average_response: timedelta | None

    @property
    def late(self) -> int:
        return self.over_24h + self.no_response_over_24h

    @property
    def counted(self) -> int:
        return self.under_24h + self.late

    @property
    def under_24h_percent(self) -> float | None:
        return percent(self.under_24h, self.counted)

    @property
    def late_percent(self) -> float | None:
        return percent(self.late, self.counted)


@dataclass(frozen=True)
class ContactResponseTime:
    now: datetime
    windows: list[ResponseWindow]
    unanswered_last_7_days: int

    @property
    def status(self) -> str:
        judged = (
            next(w for w in self.windows if w.days == STATUS_WINDOW)
            if any(w.days == STATUS_WINDOW for w in self.windows)
            else self.windows[-1]
        )
        if not judged.counted:
            return "no_data"
        return "good" if judged.under_24h_percent > UNDER_TARGET else "at_risk"


@dataclass(frozen=True)
class DailyShare:
    day: date
    counted: int
    under_24h: int

    @property
    def percent(self) -> float | None:
        return percent(self.under_24h, self.counted)


def counted_messages(seller: SellerAccount):
    return Message.objects.filter(counts_for_response_time(), seller=seller)


def _outcome(now: datetime) -> Case:
    # Nested, so each message's reply is compared with ``now`` once (NULL never is ``<=``).
    # Each message carries its own deadline (received + messaging's 24-hour window).
    answered = Case(
        When(responded_at__lte=F("response_deadline"), then=Value(UNDER)),
        default=Value(OVER),
        output_field=IntegerField(),
    )
    return Case(
        When(responded_at__lte=now, then=answered),
        When(response_deadline__lt=now, then=Value(NO_RESPONSE)),
        default=Value(PENDING),
        output_field=IntegerField(),
    )


def _day_starts(first: date, last: date) -> list[datetime]:
    """The first instant of each local day (the reader's time zone, as ``TruncDate`` used)."""
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(first + timedelta(days=n), time.min, tzinfo=zone)
        for n in range((last - first).days + 1)
    ]


def _segments(
    seller: SellerAccount, *, now: datetime, since: datetime, bounds: list[datetime]
) -> list[tuple[datetime, int, int, float]]:
    """(segment start, outcome, messages, seconds to answer) for counted messages sent from
    ``since``; a segment runs from one bound to the next, the bounds sorted."""
    segment = Func(
        F("sent_at"),
        Value(bounds, ArrayField(DateTimeField())),
        function="width_bucket",
        output_field=IntegerField(),
    )
    delay = ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField())
    seconds = Func(delay, template="date_part('epoch', %(expressions)s)", output_field=FloatField())
    rows = (
        counted_messages(seller)
        .filter(sent_at__gte=since, sent_at__lt=bounds[-1])
        .annotate(segment=segment, outcome=_outcome(now))
        .values_list("segment", "outcome")
        .annotate(messages=Count("*"), seconds=Sum(seconds))
        .order_by()
    )
    # width_bucket numbers from 1 the segment starting at bounds[0].
    return [
        (bounds[number - 1], outcome, messages, seconds or 0.0) for number, outcome, messages, seconds in rows
    ]


def _windows(now: datetime, windows: tuple[int, ...], segments: list) -> ContactResponseTime:
    figures = []
    for days in windows:
        start = now - days * DAY
        inside = [row for row in segments if row[0] >= start]
        counts = defaultdict(int)
        seconds = 0.0
        for _start, outcome, messages, total in inside:
            counts[outcome] += messages
            seconds += total if outcome in ANSWERED else 0.0
        answered = counts[UNDER] + counts[OVER]
        figures.append(
            ResponseWindow(
                days=days,
                start=start,
                end=now,
                under_24h=counts[UNDER],
                over_24h=counts[OVER],
                no_response_over_24h=counts[NO_RESPONSE],
                average_response=timedelta(seconds=seconds / answered) if answered else None,
            )
        )
    week = now - UNANSWERED_DAYS * DAY
    unanswered = sum(
        messages for start, outcome, messages, _ in segments if start >= week and outcome in UNANSWERED
    )
    return ContactResponseTime(now=now, windows=figures, unanswered_last_7_days=unanswered)


def _daily(now: datetime, days: int, segments: list) -> list[DailyShare]:
    first = timezone.localdate(now) - timedelta(days=days - 1)
    counted, under = defaultdict(int), defaultdict(int)
    for start, outcome, messages, _seconds in segments:
        day = timezone.localdate(start)
        counted[day] += messages if outcome in SETTLED else 0
        under[day] += messages if outcome == UNDER else 0
    days_shown = (first + timedelta(days=n) for n in range(days))
    return [DailyShare(day=day, counted=counted[day], under_24h=under[day]) for day in days_shown]


def contact_response_time(
    seller: SellerAccount, *, now: datetime | None = None, windows: tuple[int, ...] = WINDOWS
) -> ContactResponseTime:
    """The 7/30/90-day figures (or ``windows``), in one query over the longest window."""
    now = now or timezone.now()
    since = now - max(*windows, UNANSWERED_DAYS) * DAY
    edges = {now - d * DAY for d in (*windows, UNANSWERED_DAYS)} | {now + TICK}
    return _windows(now, windows, _segments(seller, now=now, since=since, bounds=sorted(edges)))


def daily_under_24h(
    seller: SellerAccount, *, days: int = 90, now: datetime | None = None
) -> list[DailyShare]:
    """Per local day of receipt over the last ``days``: settled messages and those answered in 24 h."""
    return response_figures(seller, now=now, days=days)[1]


def response_figures(
    seller: SellerAccount, *, now: datetime | None = None, windows: tuple[int, ...] = WINDOWS, days: int = 90
) -> tuple[ContactResponseTime, list[DailyShare]]:
    """Account Health's 7/30/90 figures and its ``days``-day trend, from one query."""
    now = now or timezone.now()
    since = now - max(*windows, days, UNANSWERED_DAYS) * DAY
    today = timezone.localdate(now)
    midnights = _day_starts(today - timedelta(days=days - 1), today + timedelta(days=1))
    # The trend counts a settled message of today even if sent after ``now`` (as it always
    # did); the windows end at ``now``: segments up to tomorrow, the windows' past ``now``.
    edges = {now - d * DAY for d in (*windows, UNANSWERED_DAYS)} | {now + TICK, since}
    segments = _segments(seller, now=now, since=since, bounds=sorted(edges | set(midnights)))
    in_windows = [row for row in segments if row[0] <= now]
    return _windows(now, windows, in_windows), _daily(now, days, segments)
