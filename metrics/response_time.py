"""Contact Response Time and its daily trend: the roll-up's settled hours and one grouped
query over the rest (docs/metrics.md).

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

Even so, a GROUP BY over 90 days of a large seller's messages costs more than twice the raw
scan; so the hours whose every deadline has passed are read from the roll-up
(``ResponseHour``, one row per seller and UTC hour, written by ``services.rollup``), grouped
by the same segments, and only the rest is scanned: each window's first part hour (from
``now - N days`` to the next whole hour) and everything from the roll-up's watermark on. Two
queries, whatever the data. Where the reader's local midnights are not whole UTC hours (a
+05:30 zone), an hour would straddle two days of the trend: all is scanned, as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from commerce.models import SellerAccount
from messaging.models import Message
from messaging.policy import counts_for_response_time

from .expressions import Seconds, WidthBucket
from .models import ResponseHour, ResponseRollup
from .policy import STATUS_WINDOW, UNDER_TARGET, WINDOWS, ceil_hour, floor_hour

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


Row = tuple[datetime, int, int, float]  # segment start, outcome, messages, seconds to answer


def _segments(
    seller: SellerAccount, *, now: datetime, since: datetime, bounds: list[datetime], within: Q | None = None
) -> list[Row]:
    """(segment start, outcome, messages, seconds to answer) for counted messages sent from
    ``since`` (and ``within``); a segment runs from one bound to the next, the bounds sorted."""
    delay = ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField())
    seconds = Seconds(delay)
    rows = (
        counted_messages(seller)
        .filter(within or Q(), sent_at__gte=since, sent_at__lt=bounds[-1])
        .annotate(segment=WidthBucket("sent_at", bounds), outcome=_outcome(now))
        .values_list("segment", "outcome")
        .annotate(messages=Count("*"), seconds=Sum(seconds))
        .order_by()
    )
    # width_bucket numbers from 1 the segment starting at bounds[0].
    return [
        (bounds[number - 1], outcome, messages, seconds or 0.0) for number, outcome, messages, seconds in rows
    ]


def _rolled_segments(
    seller: SellerAccount, *, now: datetime, first: datetime, bounds: list[datetime]
) -> tuple[datetime | None, list[Row]]:
    """The roll-up's hours from ``first`` that hold for ``now``, grouped by segment, and where
    they stop (``limit``: None when there are none): at the watermark, or at the first hour a
    reader of the past can not use (a reply or deadline in it is later than ``now``)."""
    watermark = ResponseRollup.objects.values("watermark")[:1]
    unusable = (
        ResponseHour.objects.filter(seller=seller, hour__gte=first, settled_at__gte=now)
        .order_by("hour")
        .values("hour")[:1]
    )
    rows = (
        ResponseHour.objects.filter(seller=seller, hour__gte=first)
        # No unusable hour: the watermark; no watermark, no row (written for SQLite too, whose
        # LEAST is NULL when either side is).
        .annotate(limit=Least(Subquery(watermark), Coalesce(Subquery(unusable), Subquery(watermark))))
        .filter(hour__lt=F("limit"))
        .annotate(segment=WidthBucket("hour", bounds))
        .values_list("segment", "limit")
        .annotate(Sum("under_24h"), Sum("over_24h"), Sum("no_response"), Sum("answered_seconds"))
        .order_by()
    )
    limit, segments = None, []
    for number, until, under, over, no_response, seconds in rows:
        start, limit = bounds[number - 1], until
        segments += [
            (start, UNDER, under, seconds),
            (start, OVER, over, 0.0),
            (start, NO_RESPONSE, no_response, 0.0),
        ]
    return limit, segments


@dataclass(frozen=True)
class _Parts:
    """The rows of both sources, and which of them a range from ``start`` to now reads: the
    roll-up's whole hours from the first one at or after ``start`` to ``limit``, the live
    rows before that hour and from ``limit``."""

    rolled: list[Row]
    live: list[Row]
    limit: datetime

    def since(self, start: datetime) -> list[Row]:
        head = ceil_hour(start)
        return [row for row in self.rolled if row[0] >= head] + [
            row for row in self.live if row[0] >= start and (row[0] < head or row[0] >= self.limit)
        ]


def _parts(
    seller: SellerAccount, *, now: datetime, starts: set[datetime], midnights: list[datetime]
) -> _Parts:
    """Counted messages from the earliest of ``starts`` to now (or to the last of ``midnights``)
    in segments that straddle no start, no start's next whole hour and no midnight."""
    since = min(starts)
    end = midnights[-1] if midnights else now + TICK
    heads = {ceil_hour(start) for start in starts}
    inside = [midnight for midnight in midnights if since < midnight < end]
    limit, rolled = None, []
    if all(midnight == floor_hour(midnight) for midnight in inside):
        bounds = sorted({head for head in heads if head < end} | set(inside) | {end})
        limit, rolled = _rolled_segments(seller, now=now, first=ceil_hour(since), bounds=bounds)
    if limit is None:
        limit = since  # nothing rolled up (or not in whole hours here): all of it is scanned
    within = Q(sent_at__gte=limit)
    for start in starts:
        within |= Q(sent_at__gte=start, sent_at__lt=ceil_hour(start))
    edges = starts | {head for head in heads if head < end} | set(midnights) | {now + TICK, end}
    if since < limit < end:
        edges.add(limit)
    live = _segments(seller, now=now, since=since, bounds=sorted(edges), within=within)
    return _Parts(rolled=rolled, live=live, limit=limit)


def _windows(now: datetime, windows: tuple[int, ...], parts: _Parts) -> ContactResponseTime:
    figures = []
    for days in windows:
        start = now - days * DAY
        inside = [row for row in parts.since(start) if row[0] <= now]
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
        messages
        for start, outcome, messages, _ in parts.since(week)
        if start <= now and outcome in UNANSWERED
    )
    return ContactResponseTime(now=now, windows=figures, unanswered_last_7_days=unanswered)


def _daily(now: datetime, days: int, rows: list[Row]) -> list[DailyShare]:
    first = timezone.localdate(now) - timedelta(days=days - 1)
    counted, under = defaultdict(int), defaultdict(int)
    for start, outcome, messages, _seconds in rows:
        day = timezone.localdate(start)
        counted[day] += messages if outcome in SETTLED else 0
        under[day] += messages if outcome == UNDER else 0
    days_shown = (first + timedelta(days=n) for n in range(days))
    return [DailyShare(day=day, counted=counted[day], under_24h=under[day]) for day in days_shown]


def contact_response_time(
    seller: SellerAccount, *, now: datetime | None = None, windows: tuple[int, ...] = WINDOWS
) -> ContactResponseTime:
    """The 7/30/90-day figures (or ``windows``): the roll-up and one query over the rest."""
    now = now or timezone.now()
    starts = {now - d * DAY for d in (*windows, UNANSWERED_DAYS)}
    return _windows(now, windows, _parts(seller, now=now, starts=starts, midnights=[]))


def daily_under_24h(
    seller: SellerAccount, *, days: int = 90, now: datetime | None = None
) -> list[DailyShare]:
    """Per local day of receipt over the last ``days``: settled messages and those answered in 24 h."""
    return response_figures(seller, now=now, days=days)[1]


def response_figures(
    seller: SellerAccount, *, now: datetime | None = None, windows: tuple[int, ...] = WINDOWS, days: int = 90
) -> tuple[ContactResponseTime, list[DailyShare]]:
    """Account Health's 7/30/90 figures and its ``days``-day trend, from the same two queries."""
    now = now or timezone.now()
    starts = {now - d * DAY for d in (*windows, days, UNANSWERED_DAYS)}
    today = timezone.localdate(now)
    # The trend counts a settled message of today even if sent after ``now`` (as it always
    # did); the windows end at ``now``: segments up to tomorrow, the windows' past ``now``.
    midnights = _day_starts(today - timedelta(days=days - 1), today + timedelta(days=1))
    parts = _parts(seller, now=now, starts=starts, midnights=midnights)
    return _windows(now, windows, parts), _daily(now, days, parts.since(min(starts)))
