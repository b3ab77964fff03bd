"""The bench's relay figures leave nothing behind (``messaging.bench_leftovers``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.bench_leftovers import mail_undone
from messaging.models import Message
from tests import factories


@pytest.mark.django_db
def test_mail_added_to_the_benchs_threads_is_deleted_and_the_threads_put_back():
    earlier = factories.BuyerMessageFactory(sent_at=timezone.now() - timedelta(days=2))
    thread = earlier.thread
    thread.refresh_from_db()
    last_message_at = thread.last_message_at
    elsewhere = factories.BuyerMessageFactory()  # another conversation
    with mail_undone([thread]):
        added = factories.BuyerMessageFactory(order=thread.order, thread=thread)
        thread.last_message_at = added.sent_at
        thread.save(update_fields=["last_message_at"])
        later_elsewhere = factories.BuyerMessageFactory(order=elsewhere.thread.order)
    assert set(Message.objects.filter(thread=thread).values_list("pk", flat=True)) == {earlier.pk}
    thread.refresh_from_db()
    assert thread.last_message_at == last_message_at
    # Only the bench's threads are undone: what others wrote meanwhile stays.
    assert Message.objects.filter(pk=later_elsewhere.pk).exists()
