"""The 24-hour response timer: overdue marks and early warnings, by beat sweeps.

Each buyer message that needs an answer stores its deadline (``policy.response_deadline``)
when it is stored; the partial index ``message_open_deadline_idx`` holds the live ones. A
sweep takes the due rows in deadline order, in batches, each batch locked and skipped by any
other sweep (``locks.lock_due_messages``), flips them, and records an event for each; a
second run finds nothing to do. A reply that lands meanwhile waits for the batch to commit.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commerce.formats import moment

from . import events, integrator_events, locks, policy
from .models import Message, MessageEvent
from .outbox import send_notification
from .selectors import seller_inboxes_by_language


def _running() -> QuerySet[Message]:
    """Buyer messages awaiting a response, not overdue yet, the earliest deadline first."""
    return Message.objects.filter(policy.deadline_running()).order_by("response_deadline")


def mark_overdue_messages(*, now: datetime | None = None) -> int:
    """Buyer messages whose 24 hours ran out unanswered become overdue; returns how many."""
    now = now or timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            due = locks.lock_due_messages(
                _running().filter(response_deadline__lte=now).only("pk"), limit=policy.DEADLINE_BATCH
            )
            ids = [message.pk for message in due]
            if ids:
                Message.objects.filter(pk__in=ids).update(overdue_at=now, updated_at=now)
                events.record_many(ids, MessageEvent.Event.OVERDUE, at=now)
                integrator_events.messages_overdue(ids, at=now)
        marked += len(ids)
        if len(ids) < policy.DEADLINE_BATCH:
            return marked


def warn_before_deadlines(*, now: datetime | None = None) -> int:
    """E-mail the seller once per message, ``policy.warning_lead()`` before its deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        due = locks.lock_due_messages(
            _running()
            .filter(
                response_deadline__lte=now + policy.warning_lead(),
                response_deadline__gt=now,
                deadline_warning_sent_at__isnull=True,
            )
            .select_related("thread__seller"),
            limit=policy.DEADLINE_BATCH,
        )
        ids = [message.pk for message in due]
        if not ids:
            return 0
        Message.objects.filter(pk__in=ids).update(deadline_warning_sent_at=now, updated_at=now)
        for message in due:
            _send_warning(message, now=now)
        events.record_many(ids, MessageEvent.Event.DEADLINE_WARNING_SENT, at=now)
    return len(ids)


def _send_warning(message: Message, *, now: datetime) -> None:
    """The warning, to each of the seller's users in the language they read."""
    hours = max(1, round((message.response_deadline - now).total_seconds() / 3600))
    deadline = timezone.localtime(message.response_deadline)
    for language, inboxes in seller_inboxes_by_language(message.thread.seller):
        with translation.override(language):
            subject = ngettext("Reply within %(hours)s hour", "Reply within %(hours)s hours", hours) % {
                "hours": hours
            }
            send_notification(
                key=f"deadline-warning:{message.pk}",
                to=inboxes,
                # The buyer's subject as the product wrote it, in this reader's words too.
                subject=f"{subject}: {message.subject_for_reader}"[:200],
                template="notification",
                context={
                    "lines": [
                        _("%(name)s is waiting for your answer; the 24 hours run out at %(deadline)s.")
                        % {"name": message.sender_name, "deadline": moment(deadline)},
                        _("Answers after 24 hours count as late in your Contact Response Time."),
                    ],
                    "link_label": _("Reply now"),
                    "link": settings.SITE_URL.rstrip("/")
                    + f"/seller/messages/threads/{message.thread_id}/#reply",
                },
            )
