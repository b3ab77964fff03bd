"""Contact Response Time's roll-up (docs/metrics.md, "The roll-up"): writing it.

``roll_up_settled_hours`` (the beat sweep) adds every hour from the watermark to the last
settled one, for all sellers at once; ``recount_response_hours`` (messaging's
``response_outcome_changed``) recounts hours already rolled up whose messages changed;
``rebuild_response_rollup`` starts again from the messages (after a bulk load).

Every write recounts from the messages, never adds a difference to a row: running one twice,
or after the other, gives the same table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from messaging.models import Message
from messaging.policy import RESPONSE_WINDOW, counts_for_response_time

from .. import locks
from ..expressions import Seconds
from ..models import ResponseHour, ResponseRollup
from ..policy import ROLL_BATCH, ROLL_MARGIN, ROLLUP_HOUR, floor_hour

COLUMNS = ["seller_id", "hour", "under_24h", "over_24h", "no_response", "answered_seconds", "settled_at"]


def last_settled_hour(now: datetime) -> datetime:
    """Where the sweep stops: every deadline before it has passed, ROLL_MARGIN ago."""
    return floor_hour(now - RESPONSE_WINDOW - ROLL_MARGIN)


def _insert_hours(messages: QuerySet) -> int:
    """Count ``messages`` (whole hours of them) by seller and UTC hour into the roll-up, as
    their outcome will stay once every deadline has passed: answered within the deadline
    stored with the message (messaging's rule) or after it, or not answered."""
    delay = ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField())
    seconds = Seconds(delay)
    rows = (
        messages.filter(counts_for_response_time())
        .values("seller_id", hour=Trunc("sent_at", "hour", tzinfo=UTC))
        .annotate(
            under_24h=Count("pk", filter=Q(responded_at__lte=F("response_deadline"))),
            over_24h=Count("pk", filter=Q(responded_at__gt=F("response_deadline"))),
            no_response=Count("pk", filter=Q(responded_at__isnull=True)),
            answered_seconds=Coalesce(Sum(seconds), Value(0.0)),
            settled_at=Max(Coalesce("responded_at", "response_deadline")),
        )
        .order_by()
    )
    select, params = rows.query.sql_with_params()
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS[2:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ResponseHour._meta.db_table} ({', '.join(COLUMNS)}) {select} "
            f"ON CONFLICT (seller_id, hour) DO UPDATE SET {updates}",
            params,
        )
        return cursor.rowcount


def roll_up_settled_hours(*, now: datetime | None = None) -> int:
    """The sweep: roll every seller's hours from the watermark up to the last settled hour, a
    batch of hours per transaction, and move the watermark with each. Safe to run twice or at
    once (the roll-up's lock; the second finds nothing to do). Returns the rows written."""
    target = last_settled_hour(now or timezone.now())
    written = 0
    while True:
        with transaction.atomic():
            watermark = locks.lock_rollup()
            start = watermark or _first_hour() or target
            if start >= target:
                if watermark is None:  # nothing to roll yet: later messages are at least this recent
                    _move_watermark(target)
                return written
            end = min(start + ROLL_BATCH, target)
            written += _insert_hours(Message.objects.filter(sent_at__gte=start, sent_at__lt=end))
            _move_watermark(end)


def _first_hour() -> datetime | None:
    first = Message.objects.filter(counts_for_response_time()).aggregate(first=Min("sent_at"))["first"]
    return floor_hour(first) if first else None


def _move_watermark(watermark: datetime) -> None:
    ResponseRollup.objects.update_or_create(
        pk=1, defaults={"watermark": watermark, "rolled_at": timezone.now()}
    )


def recount_response_hours(*, seller_id: int, sent_ats: Iterable[datetime]) -> int:
    """Recount the seller's rolled-up hours that hold these messages (a late reply, "no
    response needed", a deletion, a backdated message), in the caller's transaction. A message
    received in the last 24 hours is in no rolled-up hour (the sweep stays ROLL_MARGIN further
    back), so the usual case costs no query. Returns the hours recounted."""
    recent = timezone.now() - RESPONSE_WINDOW
    hours = {floor_hour(sent) for sent in sent_ats if sent < recent}
    if not hours:
        return 0
    with transaction.atomic():
        watermark = locks.lock_rollup_of_seller(seller_id)
        hours = sorted(hour for hour in hours if watermark is not None and hour < watermark)
        if not hours:
            return 0
        # Deleted first, so an hour left with no counted message has no row.
        ResponseHour.objects.filter(seller_id=seller_id, hour__in=hours).delete()
        within = Q()
        for hour in hours:
            within |= Q(sent_at__gte=hour, sent_at__lt=hour + ROLLUP_HOUR)
        _insert_hours(Message.objects.filter(within, seller_id=seller_id))
    return len(hours)


def rebuild_response_rollup(*, now: datetime | None = None) -> int:
    """Empty the roll-up and roll it up again from the messages (after rows were loaded in
    bulk, which tells no one). Until the roll is done the figures are computed live."""
    with transaction.atomic():
        locks.lock_rollup()
        ResponseHour.objects.all().delete()
        ResponseRollup.objects.filter(pk=1).update(watermark=None, rolled_at=None)
    return roll_up_settled_hours(now=now)
