"""The bench's writes undone (``manage.py bench``): a figure must not measure an earlier run's mail.

The relay figures store their mails in conversations of the largest seller, the one the inbox
figures read: left there, each run would add hundreds of the newest messages, and move what
"search by order id" samples onto a conversation grown by every run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import Max

from .models import Message, Thread


@contextmanager
def mail_undone(threads: Iterable[Thread]) -> Iterator[None]:
    """Deletes the messages added to ``threads`` meanwhile (their events, outbox rows and
    attachments go with them) and gives the threads back their last message's time."""
    last = Message.objects.aggregate(last=Max("pk"))["last"] or 0
    before = dict(Thread.objects.filter(pk__in=[t.pk for t in threads]).values_list("pk", "last_message_at"))
    try:
        yield
    finally:
        Message.objects.filter(thread_id__in=before, pk__gt=last).delete()
        for pk, last_message_at in before.items():
            Thread.objects.filter(pk=pk).update(last_message_at=last_message_at)
